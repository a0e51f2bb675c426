"""Precision and recall per kind of candidate, on the seed articles and on a development set.

Each kind (attacks, responsibility with its status, figures, persons, places,
organizations, dates, according_to) is scored on its own: a candidate is right when it
matches an expected item one to one, a **wrong link** is a candidate that names an
existing entity the text does not mean (an attack forced onto the nearest event of the
graph, "حركة طالبان باكستان" read as the Taliban).

An expected item names an entity by id (a known one) or by its words (a new one, as the
text writes it); a new candidate matches words when one name holds the other's words.

>>> ref_matches("ولاية ننجرهار", Ref(None, "ننجرهار")), ref_matches("isis-k", Ref("isis-k", ""))
(True, True)
>>> Tally(found=8, expected=10, drafted=9).row()["recall"]
'8/10 (80%)'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.curate.corpus import Corpus
from kg.curate.yamlfile import load as load_yaml
from kg.extract.index import AliasIndex
from kg.extract.pipeline import Extraction
from kg.extract.text import name_key

KINDS = ("attacks", "responsibility", "figures", "persons", "places", "organizations", "dates", "according_to")
ENTITY_KINDS = {"persons": "Person", "places": "Location", "organizations": "Organization"}
DEV_TARGETS = {"recall": 0.80, "precision": 0.85, "wrong_attack_links": 1}
"""Targets on the development set (issue 16)."""


@dataclass(frozen=True)
class Ref:
    """An entity a candidate names: a known id, or the words of a new entity."""

    id: str | None
    name: str
    words: bool = False  # ``name`` is the text's own words for it (an asserter), not a label


def ref_matches(expected: str, ref: Ref | None) -> bool:
    """An expected id or name against a candidate's entity."""
    if ref is None:
        return False
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", expected):
        return ref.id == expected
    if ref.id is not None and not ref.words:  # a known entity matches by id only: "حركة طالبان باكستان" is no Taliban
        return False
    want, got = set(name_key(expected).split()), set(name_key(ref.name).split())
    return bool(want and got) and (want <= got or got <= want)


@dataclass
class Tally:
    """Counts of one kind: expected items, candidates drafted, matched, wrong links."""

    found: int = 0
    expected: int = 0
    drafted: int = 0
    wrong_links: int = 0

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.expected += other.expected
        self.drafted += other.drafted
        self.wrong_links += other.wrong_links

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.drafted if self.drafted else 1.0

    def row(self) -> dict[str, Any]:
        return {"recall": _ratio(self.found, self.expected), "precision": _ratio(self.found, self.drafted),
                "wrong_links": self.wrong_links}


def _ratio(found: int, total: int) -> str:
    return f"{found}/{total} ({100 * found / total:.0f}%)" if total else "-"


@dataclass(frozen=True)
class Item:
    """One candidate (or expected item) of a kind, reduced to what is compared."""

    key: tuple[Any, ...]
    ref: Ref | None = None
    text: str = ""


def _known(index: AliasIndex, eid: str) -> Ref:
    known = index.entities.get(eid)
    return Ref(eid, known.label_ar if known else "")


def _entity_ref(ex: Extraction, index: AliasIndex, value: Any) -> Ref | None:
    if not value:
        return None
    new = dict(ex.new)
    if value in new:
        return Ref(None, new[value].text)
    return _known(index, str(value)) if value in index.entities else Ref(None, str(value))


def drafted(ex: Extraction, index: AliasIndex) -> dict[str, list[Item]]:
    """Every candidate of an extraction, by kind."""
    out: dict[str, list[Item]] = {k: [] for k in KINDS}
    seen: dict[str, set[Any]] = {k: set() for k in KINDS}

    def put(kind: str, item: Item, unique: Any) -> None:
        if unique not in seen[kind]:
            seen[kind].add(unique)
            out[kind].append(item)

    for hit in ex.hits:
        kind = index.entities[hit.entity].type if hit.entity in index.entities else ""
        if kind == "Attack":
            put("attacks", Item(("link",), _known(index, hit.entity)), hit.entity)
        for name, etype in ENTITY_KINDS.items():
            if kind == etype and hit.how != "adjective":
                put(name, Item((), _known(index, hit.entity)), hit.entity)
    for eid, new in ex.new:
        if new.type == "Attack":
            put("attacks", Item(("new", new.date), _entity_ref(ex, index, new.place)), eid)
        for name, etype in ENTITY_KINDS.items():
            if new.type == etype:
                put(name, Item((), Ref(None, new.text)), name_key(new.text))
    for rel in ex.relations:
        if rel.fields.get("type") == "Responsibility":
            agent = _entity_ref(ex, index, rel.fields.get("agent"))
            channel = _entity_ref(ex, index, rel.fields.get("channel"))
            put("responsibility", Item((rel.status,), agent, (channel.id or channel.name) if channel else ""),
                (rel.start, rel.fields.get("agent"), rel.status))
    for n, link in enumerate(ex.figures):
        f = link.figure
        put("figures", Item((f.measure, f.value if f.value is not None else f.qualifier, link.claimed_by is not None)),
            n)
    for d in ex.dates:
        if d.edtf:
            put("dates", Item((d.edtf,)), d.edtf)
    for who, text in _asserters(ex):  # the asserter's own words when the text gives them
        ref = _entity_ref(ex, index, who) if who else None
        ref = Ref(ref.id if ref else None, text, True) if text else ref
        put("according_to", Item((), ref), (ref.id, name_key(ref.name)) if ref else text)
    return out


def _asserters(ex: Extraction) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    for thing in [*ex.relations, *ex.figures, *(n for _, n in ex.new)]:
        who, text = getattr(thing, "according_to", None), getattr(thing, "according_to_text", None)
        if who or text:
            found.append((who, text or ""))
    return found


def expected_items(data: dict[str, Any]) -> dict[str, list[Item]]:
    """The expected candidates of a development text (its YAML), by kind."""
    out: dict[str, list[Item]] = {k: [] for k in KINDS}
    for attack in data.get("attacks") or []:
        if "link" in attack:
            out["attacks"].append(Item(("link",), Ref(str(attack["link"]), "")))
        else:
            new = attack["new"] or {}
            place = new.get("place")
            out["attacks"].append(Item(("new", new.get("date")), Ref(None, str(place)) if place else None))
    for claim in data.get("responsibility") or []:
        out["responsibility"].append(Item((claim["status"],), Ref(None, str(claim["agent"])),
                                          str(claim.get("channel") or "")))
    for fig in data.get("figures") or []:
        amount = fig["value"] if fig.get("value") is not None else fig.get("qualifier")
        out["figures"].append(Item((fig["measure"], amount, bool(fig.get("claimed")))))
    for kind in ("persons", "places", "organizations", "according_to"):
        out[kind] = [Item((), Ref(None, str(v))) for v in data.get(kind) or []]
    out["dates"] = [Item((str(d),)) for d in data.get("dates") or []]
    return out


def _same(kind: str, want: Item, got: Item) -> bool:
    if want.key != got.key and not (kind == "attacks" and want.key[0] == got.key[0] == "new"
                                    and want.key[1] in (None, got.key[1])):
        return False
    if kind == "attacks" and want.key == ("link",):
        return got.ref is not None and want.ref is not None and got.ref.id == want.ref.id
    if kind == "attacks" and want.ref is None:
        return True
    if want.ref is not None and not ref_matches(want.ref.id or want.ref.name, got.ref):
        return False
    return kind != "responsibility" or not want.text or want.text == got.text or ref_matches(
        want.text, Ref(None, got.text))


def compare(kind: str, expected: list[Item], got: list[Item]) -> tuple[Tally, list[str], list[str]]:
    """Match one to one; a candidate naming a known entity that matches nothing is a wrong link."""
    tally = Tally(expected=len(expected), drafted=len(got))
    unused = list(got)
    missed = []
    for want in expected:
        match = next((g for g in unused if _same(kind, want, g)), None)
        if match is None:
            missed.append(_show(want))
            continue
        unused.remove(match)
        tally.found += 1
    tally.wrong_links = sum(1 for g in unused if g.ref is not None and g.ref.id is not None
                            and (kind in ENTITY_KINDS or (kind == "attacks" and g.key == ("link",))))
    return tally, missed, [_show(g) for g in unused]


def _show(item: Item) -> str:
    ref = "" if item.ref is None else (item.ref.id or item.ref.name)
    parts = [str(k) for k in item.key if k not in (None, "")] + ([ref] if ref else []) + \
        ([f"via {item.text}"] if item.text else [])
    return " ".join(parts)


@dataclass
class KindScore:
    """One text's (or a set's) tallies by kind, with what was missed and what was extra."""

    name: str
    tallies: dict[str, Tally]
    missed: dict[str, list[str]]
    extra: dict[str, list[str]]


def score_items(name: str, expected: dict[str, list[Item]], got: dict[str, list[Item]]) -> KindScore:
    result = KindScore(name, {}, {}, {})
    for kind in KINDS:
        result.tallies[kind], result.missed[kind], result.extra[kind] = compare(kind, expected[kind], got[kind])
    return result


def total(name: str, scores: list[KindScore]) -> KindScore:
    out = KindScore(name, {k: Tally() for k in KINDS}, {k: [] for k in KINDS}, {k: [] for k in KINDS})
    for s in scores:
        for kind in KINDS:
            out.tallies[kind].add(s.tallies[kind])
            out.missed[kind] += [f"{s.name}: {m}" for m in s.missed[kind]]
            out.extra[kind] += [f"{s.name}: {m}" for m in s.extra[kind]]
    return out


def meets_dev_targets(score: KindScore) -> bool:
    """Recall and precision of every kind, and wrong links to existing attacks, within :data:`DEV_TARGETS`."""
    t = score.tallies
    return all(t[k].recall >= DEV_TARGETS["recall"] and t[k].precision >= DEV_TARGETS["precision"] for k in KINDS) \
        and t["attacks"].wrong_links <= DEV_TARGETS["wrong_attack_links"]


def dev_texts(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """The development set: (name, text, expectations) of every ``NN-name.txt`` with its YAML."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        data = load_yaml(path.with_suffix(".yaml"), str(path.with_suffix(".yaml")))
        out.append((path.stem, path.read_text(encoding="utf-8"), dict(data)))
    return out


def corpus_items(corpus: Corpus, source: str, index: AliasIndex,
                 cited: Callable[[Corpus, str], set[str]],
                 dates: Callable[[Corpus, str], set[str]]) -> dict[str, list[Item]]:
    """What the curators recorded from a seed article, by kind (all its entities are known)."""
    out: dict[str, list[Item]] = {k: [] for k in KINDS}
    ids = cited(corpus, source)
    for eid in sorted(ids):
        etype = index.entities[eid].type if eid in index.entities else ""
        if etype == "Attack":
            out["attacks"].append(Item(("link",), Ref(eid, "")))
        for name, want in ENTITY_KINDS.items():
            if etype == want:
                out[name].append(Item((), Ref(eid, "")))
    asserters: set[tuple[str, str]] = set()
    for record in corpus.facts:
        if record.source != source:
            continue
        data = record.data
        status = str(data.get("status") or "reported")
        if record.type == "Responsibility":
            out["responsibility"].append(Item((status,), Ref(str(data.get("agent")), ""),
                                              str(data.get("channel") or "")))
        if record.type == "CasualtyReport":
            amount = data["value"] if data.get("value") is not None else data.get("qualifier")
            out["figures"].append(Item((data.get("measure"), amount, status == "claimed")))
        if data.get("according_to") or data.get("according_to_text"):
            asserters.add((str(data.get("according_to") or ""), str(data.get("according_to_text") or "")))
    out["according_to"] = [Item((), Ref(who or None, text)) for who, text in sorted(asserters)]
    out["dates"] = [Item((d,)) for d in sorted(dates(corpus, source))]
    return out
