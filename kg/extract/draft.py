"""Write an extraction as a draft facts file: the normal facts format, every item a candidate.

A draft has the normal top-level keys (``source``, ``entities``, ``mentions``, ``facts``)
and normal records, plus, on every candidate, ``status: candidate`` and ``span: [start,
end]`` (character offsets into the source text, ``text[start:end] == quote``) and, on
facts, ``cue:`` (the rule that fired). Accepting a candidate means deleting those three
keys (setting the claim status the note suggests) and moving it into
``facts/<source>.yaml``. ``kg build`` never reads ``facts/drafts/``; ``candidate`` is
not a claim status, so a draft could not compile anyway.

Dates are listed in the file's header comments, each with its span and the rule that
resolved it; facts that take a date (designations, splits) carry the nearest one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from kg.curate.drafts import CANDIDATE
from kg.extract.cues import Relation
from kg.extract.index import AliasIndex
from kg.extract.pipeline import Extraction, FigureLink

CANDIDATE_KEYS = ("status", "span", "cue", "suggested_status")
"""The keys a reviewer deletes to accept a candidate (``suggested_status`` becomes its ``status``)."""


def build_draft(ex: Extraction, index: AliasIndex) -> dict[str, Any]:
    """The draft as plain data (the same shape as a curated facts file)."""
    entities = [_new_entity(ex, eid, name) for eid, name in ex.new]
    mentions = _mentions(ex, index)
    facts: list[tuple[int, dict[str, Any]]] = []
    facts += [(r.start, _relation(ex, r)) for r in ex.relations]
    facts += [(f.figure.start, _figure(ex, f)) for f in ex.figures]
    stem = ex.source.removeprefix("src-")
    numbered = []
    for n, (_, fact) in enumerate(sorted(facts, key=lambda x: x[0]), start=1):
        numbered.append({"id": f"f-{stem}-c{n:02d}", **fact})
    return {"source": ex.source, "entities": entities, "mentions": mentions, "facts": numbered}


def _grounded(ex: Extraction, start: int, end: int) -> dict[str, Any]:
    return {"quote": ex.text[start:end], "span": [start, end], "status": CANDIDATE}


def _new_entity(ex: Extraction, eid: str, name: Any) -> dict[str, Any]:
    label = {"en": name.text, "ar": ""} if name.text.isascii() else {"en": "", "ar": name.text}
    if name.type == "Attack":
        label = {"en": "", "ar": ""}  # the quote describes it; the reviewer names it
    record: dict[str, Any] = {"id": eid, "type": name.type}
    if name.type in ("Organization", "Location", "Attack"):
        record["kind"] = name.kind or ""
    if name.type == "Attack":
        record.update({"outcome": "carried-out", **_grounded(ex, name.start, name.end)})
        record.pop("status")
        if name.date:
            record["date"] = name.date
        if name.place:
            record["place"] = _new_id(ex, name.place)
    if name.type == "Location" and name.within:
        record["within"] = [_new_id(ex, w) for w in name.within]
    record["label"] = label
    record.update({"quote": ex.text[name.start:name.end], "span": [name.start, name.end], "status": CANDIDATE,
                   "note": {"en": f"new entity? {name.why}; fill in the id, both labels and the kind"}})
    return record


def _new_id(ex: Extraction, ref: str) -> str:
    """A new entity of the draft named by its words (a place of the text), else ``ref`` itself
    (a known id, or the gazetteer's name of a parent the text does not name)."""
    return next((eid for eid, n in ex.new if n.text == ref and n.type == "Location"), ref)


def _mentions(ex: Extraction, index: AliasIndex) -> list[dict[str, Any]]:
    firsts: dict[str, Any] = {}
    for hit in ex.hits:
        current = firsts.get(hit.entity)
        if current is None or (current.ambiguous and not hit.ambiguous):
            firsts[hit.entity] = hit
    out = []
    for hit in sorted(firsts.values(), key=lambda h: h.start):
        record = {"entity": hit.entity, **_grounded(ex, hit.start, hit.end)}
        notes = []
        if hit.ambiguous:
            notes.append(f"ambiguous: also {', '.join(hit.entities[1:])}")
        if hit.how in ("attack", "fuzzy"):
            notes.append(f"{'attack described' if hit.how == 'attack' else 'fuzzy match'}: {hit.evidence}")
        if notes:
            record["note"] = "; ".join(notes)
        out.append(record)
    for eid, name in ex.new:
        out.append({"entity": eid, **_grounded(ex, name.start, name.end)})
    return sorted(out, key=lambda m: m["span"][0])


def _relation(ex: Extraction, rel: Relation) -> dict[str, Any]:
    fact: dict[str, Any] = {}
    fact.update({k: v for k, v in rel.fields.items() if not (k == "channel" and v is None)})
    if rel.date:
        fact["date"] = rel.date
    if rel.according_to:
        fact["according_to"] = rel.according_to
    if rel.according_to_text:
        fact["according_to_text"] = rel.according_to_text
    fact.update(_grounded(ex, rel.start, rel.end))
    fact["cue"] = rel.rule.id
    notes = []
    if rel.status:
        fact["suggested_status"] = rel.status
        notes.append(f"suggested status: {rel.status}")
    if rel.why:
        notes.append(rel.why)
    notes += [f"{name} is ambiguous: {', '.join(ids)}" for name, ids in rel.ambiguous.items()]
    missing = [f.name for f in rel.rule.fields if fact.get(f.name) in (None, [])]
    if missing:
        notes.append(f"fill in: {', '.join(missing)}")
    if notes:
        fact["note"] = "; ".join(notes)
    return fact


def _figure(ex: Extraction, link: FigureLink) -> dict[str, Any]:
    f = link.figure
    fact: dict[str, Any]
    if link.strength and f.value is not None:
        fact = {"type": "Strength", "organization": link.organization, "value": f.value, "qualifier": f.qualifier}
    else:
        fact = {"type": "CasualtyReport", "attack": link.attack, "measure": f.measure}
        if f.value is not None:
            fact["value"] = f.value
        fact["qualifier"] = f.qualifier
        if f.persons:
            fact["persons"] = list(f.persons)
    if link.claimed_by:
        fact["according_to"] = link.claimed_by
        fact["suggested_status"] = "claimed"
    elif link.according_to or link.according_to_text:
        if link.according_to:
            fact["according_to"] = link.according_to
        if link.according_to_text:
            fact["according_to_text"] = link.according_to_text
        fact["suggested_status"] = "attributed"
    fact.update(_grounded(ex, f.start, f.end))
    fact["cue"] = f"figure: {f.cue}"
    notes = [link.note] if link.note else []
    if link.claimed_by:
        notes.append(f"the claimant's figure ({link.claimed_by}), not a toll the article reports")
    if link.alternatives:
        notes.append(f"attack is ambiguous: also {', '.join(link.alternatives)}")
    if fact.get("attack") is None and fact["type"] == "CasualtyReport":
        notes.append("fill in: attack")
    if fact["type"] == "Strength" and fact.get("organization") is None:
        notes.append("a group's size, not a toll; fill in: organization")
    fact["note"] = "; ".join(notes)
    return fact


def render(ex: Extraction, draft: dict[str, Any]) -> str:
    """The draft as YAML, with a header naming the dates found."""
    lines = [
        f"# Draft candidates for {ex.source}, written by `kg extract`. kg build ignores facts/drafts/.",
        "# Review each candidate: accept it (delete status, span and cue; set the suggested status),",
        f"# edit it, or drop it; move accepted ones to facts/{ex.source}.yaml.",
        "# span: [start, end] are character offsets into the source text; text[start:end] == quote.",
        f"# {len(draft['mentions'])} mentions, {len(draft['entities'])} new entities, {len(draft['facts'])} facts, "
        f"{len(ex.dates)} dates.",
        "#",
        f"# Dates found (relative ones resolved against published: {ex.published or 'unknown'}):",
    ]
    for d in ex.dates:
        quote = " ".join(ex.text[d.start:d.end].split())
        extra = f"; {d.note}" if d.note else ""
        lines.append(f"#   [{d.start}, {d.end}] {quote} -> {d.edtf or '?'} ({d.rule}{extra})")
    lines += ["", f"source: {ex.source}", ""]
    for section in ("entities", "mentions", "facts"):
        items = draft[section]
        if not items:
            lines += [f"{section}: []", ""]
            continue
        lines.append(f"{section}:")
        for item in items:
            if section == "mentions":
                lines.append(f"  - {_flow(item)}")
                continue
            first = True
            for key, value in item.items():
                lines.append(f"  {'- ' if first else '  '}{key}: {_flow(value)}")
                first = False
        lines.append("")
    return "\n".join(lines)


def _flow(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", text) and text.lower() not in _KEYWORDS:
        return text
    return _quoted(text)


_KEYWORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar; invisible and line-breaking characters are escaped."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cf", "Zl", "Zp") or c == "\x85" else c
                   for c in out)


def draft_path(root: Path, source: str) -> Path:
    """Where ``kg extract`` writes a source's draft by default."""
    return root / "facts" / "drafts" / f"{source}.yaml"
