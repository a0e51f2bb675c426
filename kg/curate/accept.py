"""Accept a drafted candidate: the record it becomes, its id, and the rewrite of both files.

A draft (``facts/drafts/SOURCE.yaml``, written by ``kg extract``) holds candidates: normal
records plus ``status: candidate``, ``span``, ``cue`` and a ``note`` of advice for the
reviewer. Accepting one removes those keys, sets the claim status the note suggests,
gives a fact the next free ``f-<hash>-NN`` id, appends the record to ``facts/SOURCE.yaml``
and removes the candidate from the draft. Both files are rewritten with
:mod:`kg.curate.roundtrip`, so every other line stays as it was. Nothing here checks the
result: the caller runs the build's checks on the new text before writing it.

>>> draft = ("source: src-1\\nmentions:\\n"
...          "  - {entity: x, quote: \\"أ\\", span: [0, 1], status: candidate, note: \\"ambiguous: also y\\"}\\n")
>>> item = draft_items(load(draft))[0]
>>> item.key, hints(item.note).alternatives
('me67c1471', {'entity': ['y']})
>>> facts, rest = apply(Change("accept", add=[("mentions", accepted(item))], remove=[item]), None, draft, "src-1")
>>> print(facts, end="")
source: src-1
<BLANKLINE>
entities: []
<BLANKLINE>
mentions:
  - {entity: x, quote: "أ"}
<BLANKLINE>
facts: []
>>> rest
'source: src-1\\nmentions: []\\n'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kg.curate import schema
from kg.curate.drafts import CANDIDATE, SECTIONS
from kg.curate.roundtrip import dump, load, plain, styled

DRAFT_ONLY = ("status", "span", "cue", "note", "suggested_status")
"""Keys the extractor adds for the reviewer; an accepted record keeps none of them as drafted
(``suggested_status`` becomes its ``status``)."""
SECTION_KEYS = {"entities": "e", "mentions": "m", "facts": "f"}
_SUGGESTED = re.compile(r"suggested status: ([a-z-]+)")
_ALSO = re.compile(r"(?:^|; )(?:([a-z_]+) is )?ambiguous: (also )?([a-z0-9-]+(?:, [a-z0-9-]+)*)")
_FILL = re.compile(r"fill in: ([a-z_]+(?:, [a-z_]+)*)")


@dataclass(frozen=True)
class DraftItem:
    """One candidate waiting in a draft, as plain data, and where it sits there.

    Its ``key`` names it on the page and in forms: the section's letter and a hash of the
    candidate, so it stays the same while other candidates come and go.
    """

    section: str
    index: int
    data: dict[str, Any]
    key: str = ""

    @property
    def type(self) -> str:
        return "Mention" if self.section == "mentions" else str(self.data.get("type", ""))

    @property
    def span(self) -> tuple[int, int] | None:
        span = self.data.get("span")
        if isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span):
            return span[0], span[1]
        return None

    @property
    def note(self) -> str:
        note = self.data.get("note")
        if isinstance(note, dict):
            return "; ".join(str(v) for v in note.values())
        return str(note) if note else ""


@dataclass(frozen=True)
class Hints:
    """What a candidate's note asks of the reviewer."""

    suggested_status: str | None = None
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    fill_in: tuple[str, ...] = ()


def hints(note: str) -> Hints:
    """Read the extractor's advice: a suggested status, ambiguous fields, fields to fill in.

    >>> hints("suggested status: claimed; agent is ambiguous: isis-k, khorasan-group; fill in: attack")
    Hints(suggested_status='claimed', alternatives={'agent': ['isis-k', 'khorasan-group']}, fill_in=('attack',))
    """
    suggested = _SUGGESTED.search(note)
    alternatives = {(m.group(1) or "entity"): m.group(3).split(", ") for m in _ALSO.finditer(note)}
    fill = _FILL.search(note)
    return Hints(suggested.group(1) if suggested else None, alternatives,
                 tuple(fill.group(1).split(", ")) if fill else ())


def draft_items(doc: Any) -> list[DraftItem]:
    """The candidates of a draft document, section by section, in file order."""
    items = []
    seen: set[str] = set()
    for section in SECTIONS:
        for index, record in enumerate(doc.get(section) or [] if isinstance(doc, dict) else []):
            if isinstance(record, dict) and record.get("status") == CANDIDATE:
                data = plain(record)
                key = base = item_key(section, data)
                while key in seen:  # two identical candidates: the second is key-2, and so on
                    key = f"{base}-{len([k for k in seen if k.startswith(base)]) + 1}"
                seen.add(key)
                items.append(DraftItem(section, index, data, key))
    return items


def item_key(section: str, data: dict[str, Any]) -> str:
    """The key of a candidate: its section's letter and the start of a hash of its content.

    >>> item_key("mentions", {"entity": "x", "quote": "أ", "span": [0, 1]})
    'm9ef65f51'
    """
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"{SECTION_KEYS[section]}{digest[:8]}"


def draft_only(item: DraftItem) -> set[str]:
    """The keys of a candidate that only the reviewer needs: :data:`DRAFT_ONLY`, and the quote of
    a new entity whose type has none (it grounds the entity's mention instead)."""
    keys = set(DRAFT_ONLY)
    if item.section == "entities" and "quote" not in schema.FIELDS.get(item.type, {}):
        keys.add("quote")
    return keys


def suggested_status(item: DraftItem) -> str | None:
    """The claim status the extractor suggests for a candidate (``suggested_status``, or its note)."""
    value = item.data.get("suggested_status")
    return str(value) if value else hints(item.note).suggested_status


def accepted(item: DraftItem) -> dict[str, Any]:
    """The record a candidate becomes when accepted as it is.

    >>> accepted(DraftItem("facts", 0, {"id": "f-1-c01", "type": "Responsibility", "quote": "q",
    ...                                 "status": "candidate", "cue": "claims", "suggested_status": "claimed"}))
    {'id': 'f-1-c01', 'type': 'Responsibility', 'quote': 'q', 'status': 'claimed'}
    >>> accepted(DraftItem("entities", 0, {"id": "new-1", "type": "Person", "label": {"ar": "س"}, "quote": "س",
    ...                                    "span": [0, 1], "status": "candidate"}))
    {'id': 'new-1', 'type': 'Person', 'label': {'ar': 'س'}}
    """
    drop = draft_only(item)
    record = {k: v for k, v in item.data.items() if k not in drop}
    suggested = suggested_status(item) if item.section == "facts" else None
    if suggested:
        record["status"] = suggested
    return record


def next_fact_id(ids: Iterable[str], source: str) -> str:
    """The next free ``f-<hash>-NN`` id of a source, after the highest one in use.

    >>> next_fact_id(["f-aa238b89-01", "f-aa238b89-12", "f-aa238b89-c03", "isis-k"], "src-aa238b89")
    'f-aa238b89-13'
    """
    stem = source.removeprefix("src-")
    pattern = re.compile(rf"f-{re.escape(stem)}-(\d+)")
    numbers = [int(m.group(1)) for i in ids for m in [pattern.fullmatch(i)] if m]
    return f"f-{stem}-{max(numbers, default=0) + 1:02d}"


@dataclass
class Change:
    """What one review action does: records added to the facts file, candidates leaving the draft."""

    action: str
    add: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    remove: list[DraftItem] = field(default_factory=list)
    rename: dict[str, str] = field(default_factory=dict)
    """Placeholder ids of the draft renamed wherever another candidate refers to them."""

    @property
    def label(self) -> str:
        """One line for the journal and the page: ``accept f-aa238b89-13``."""
        names = [str(r.get("id") or r.get("entity")) for _, r in self.add] or [i.key for i in self.remove]
        return f"{self.action} {', '.join(names)}"


def apply(change: Change, facts_text: str | None, draft_text: str, source: str) -> tuple[str | None, str]:
    """The facts file and the draft after ``change`` (``None``: the facts file stays absent)."""
    facts = None
    if change.add or facts_text is not None:
        facts = load(facts_text if facts_text is not None else new_facts_file(source))
        for section, record in change.add:
            _section(facts, section).append(styled(record, flow=section == "mentions"))
    draft = load(draft_text)
    for item in sorted(change.remove, key=lambda i: -i.index):
        del draft[item.section][item.index]
    for old, new in change.rename.items():
        for section in SECTIONS:
            for record in draft.get(section) or []:
                _rename(record, old, new)
    return (dump(facts) if facts is not None else None), dump(draft)


def new_facts_file(source: str) -> str:
    """The text a source's facts file starts from when its first record is accepted."""
    return f"source: {source}\n\nentities: []\n\nmentions: []\n\nfacts: []\n"


def canonical(record: dict[str, Any], type_: str) -> dict[str, Any]:
    """A record's keys in the order the curated files use: what it is, what it says, then its grounding.

    >>> canonical({"quote": "q", "status": "alleged", "about": ["a"], "type": "Allegation", "id": "f-1"}, "Allegation")
    {'id': 'f-1', 'type': 'Allegation', 'about': ['a'], 'quote': 'q', 'status': 'alleged'}
    """
    middle = [k for k in schema.FIELDS.get(type_, {}) if k not in _HEAD and k not in _TAIL]
    order = {key: n for n, key in enumerate([*_HEAD, *middle, *_TAIL])}
    return dict(sorted(record.items(), key=lambda item: order.get(item[0], len(order))))


_HEAD = ("id", "type", "kind", "entity")
_TAIL = ("date", "start", "end", "as_of", "quote", "gloss", "status", "according_to", "according_to_text",
         "credibility", "note")


def _section(doc: CommentedMap, section: str) -> CommentedSeq:
    """The list of a section, created in its place (entities, mentions, facts) if missing."""
    seq = doc.get(section)
    if not isinstance(seq, CommentedSeq):
        seq = CommentedSeq()
        later = [k for k in SECTIONS[SECTIONS.index(section) + 1:] if k in doc]
        doc.insert(list(doc).index(later[0]) if later else len(doc), section, seq)
    if not seq:
        seq.fa.set_block_style()  # "entities: []" becomes a block list when the first one comes
    return seq


def _rename(record: Any, old: str, new: str) -> None:
    if not isinstance(record, dict):
        return
    for key, value in record.items():
        if key in ("quote", "note", "gloss", "label", "aliases", "span"):
            continue
        if value == old:
            record[key] = new
        elif isinstance(value, list):
            record[key][:] = [new if v == old else v for v in value]
