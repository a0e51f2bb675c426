"""Run every extraction rule on one text: mentions, new names, dates, figures, relations.

>>> from kg.extract.index import AliasIndex
>>> from kg.extract.rules import load_rules
>>> from kg.dates import parse
>>> found = extract_text("قتل 5 أشخاص في هجوم الشهر الماضي", source="src-00000000",
...                      published=parse("2014-10"), index=AliasIndex(), rules=load_rules())
>>> [d.edtf for d in found.dates], [(f.figure.value, f.figure.measure) for f in found.figures]
(['2014-09'], [(5, 'killed')])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.curate.files import TEXT_LIMIT, read_regular
from kg.curate.schema import SLUG
from kg.curate.yamlfile import Located
from kg.curate.yamlfile import load as load_yaml
from kg.dates import DateError, DateSpan
from kg.dates import parse as parse_edtf
from kg.errors import fail
from kg.extract.anaphora import antecedents
from kg.extract.claims import attribute_figures, attribute_relations
from kg.extract.cues import Relation, find_relations
from kg.extract.events import new_attacks
from kg.extract.figures import Figure, attack_cue, find_figures, named_victims
from kg.extract.index import AliasIndex
from kg.extract.mentions import Hit, find_known, link_attacks
from kg.extract.names import NewName, find_new
from kg.extract.places import find_places
from kg.extract.rules import Rules
from kg.extract.speech import asserters
from kg.extract.text import Folded
from kg.extract.timex import DateFound, find_dates


@dataclass
class FigureLink:
    """A figure and the attack it counts for (or, for fighters with no attack, the group)."""

    figure: Figure
    attack: str | None = None
    alternatives: tuple[str, ...] = ()
    note: str = ""
    organization: str | None = None
    claimed_by: str | None = None
    according_to: str | None = None
    according_to_text: str | None = None

    @property
    def strength(self) -> bool:
        """Fighters counted outside any attack: a group's size, not a toll."""
        return self.figure.measure == "fighters" and self.attack is None and self.note.startswith("no attack")


@dataclass
class Extraction:
    """Everything extracted from one source text."""

    source: str
    text: str
    published: str | None
    hits: list[Hit] = field(default_factory=list)
    new: list[tuple[str, NewName]] = field(default_factory=list)
    dates: list[DateFound] = field(default_factory=list)
    figures: list[FigureLink] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)

    def entity_ids(self, *, alternatives: bool = False) -> set[str]:
        """The entities the candidates name (best guesses only, unless ``alternatives``)."""
        out = {eid for eid, _ in self.new}
        for hit in self.hits:
            out.update(hit.entities if alternatives else hit.entities[:1])
        return out


def read_source(root: Path, source: str) -> tuple[str, Located]:
    """A source's text and its metadata record from ``root/sources``."""
    known = sorted(p.stem for p in (root / "sources").glob("*.yaml"))
    if not SLUG.match(source):  # a path would put the draft outside facts/drafts/
        stem = Path(source).stem
        hint = f"did you mean {stem}?" if stem in known else f"known sources: {', '.join(known) or 'none'}"
        raise fail(source, "is not a source id", hint=hint, exit_code=2)
    meta_path = root / "sources" / f"{source}.yaml"
    if not meta_path.is_file():
        raise fail(source, "no such source", hint=f"known sources: {', '.join(known) or 'none'}; "
                   "add one with kg add-source", exit_code=2)
    meta = load_yaml(meta_path, str(meta_path.relative_to(root)))
    if not isinstance(meta, Located):
        raise fail(str(meta_path), "a source record must be a mapping", exit_code=2)
    text_path = meta_path.parent / str(meta.get("file") or f"{source}.txt")
    try:
        return read_regular(text_path, limit=TEXT_LIMIT, what="source texts").decode("utf-8"), meta
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(str(text_path), f"cannot read the source text: {exc}", exit_code=2) from None


def published_span(meta: dict[str, Any]) -> DateSpan | None:
    """The publication date of a source record, or ``None`` when it is missing or a placeholder."""
    try:
        return parse_edtf(str(meta.get("published") or ""))
    except DateError:
        return None


def extract_source(root: Path, source: str, *, index: AliasIndex, rules: Rules) -> Extraction:
    """Extract candidates from a stored source."""
    text, meta = read_source(root, source)
    return extract_text(text, source=source, published=published_span(meta), index=index, rules=rules)


def extract_text(text: str, *, source: str, published: DateSpan | None, index: AliasIndex,
                 rules: Rules) -> Extraction:
    """Extract candidates from a text, resolving relative dates against ``published``."""
    doc = Folded(text)
    result = Extraction(source, text, published.edtf if published else None)
    result.dates = find_dates(doc, rules, published)
    known = find_known(doc, index, rules)
    names = find_new(doc, known, index, rules)
    known = [h for h in known if not any(n.start <= h.start and h.end <= n.end for n in names)]
    places = find_places(doc, known, index, rules, [(n.start, n.end) for n in names])
    place_hits = [Hit(p.start, p.end, p.fstart, p.fend, (p.text,), "new") for p in places]
    parents = {p.text: set(p.within) for p in places}
    result.hits = sorted(known + link_attacks(doc, known + place_hits, result.dates, index, rules, parents),
                         key=lambda h: h.start)
    figures = find_figures(doc, rules, result.dates)
    attacks, again = new_attacks(doc, result.hits, places, result.dates, figures, index, rules)
    result.hits = sorted(result.hits + again, key=lambda h: h.start)
    stem = source.removeprefix("src-")
    result.new = [(f"new-{stem}-{n:02d}", name) for n, name in
                  enumerate(sorted(names + places + attacks, key=lambda n: n.start), start=1)]
    result.types = {k.id: k.type for k in index.entities.values()}
    result.types.update({eid: name.type for eid, name in result.new})
    kinds = {k.id: k.kind for k in index.entities.values()}
    kinds.update({eid: name.kind or "" for eid, name in result.new})
    everything = result.hits + [Hit(n.start, n.end, n.fstart, n.fend, (eid,), "new") for eid, n in result.new]
    everything.sort(key=lambda h: h.start)
    everything = sorted(everything + antecedents(doc, everything, result.types, kinds, rules), key=lambda h: h.start)
    result.relations = find_relations(doc, everything, result.types, rules, result.dates, kinds)
    said = asserters(doc, everything, result.types, rules)
    told = [(h.fstart, h.entity) for h in everything if result.types.get(h.entity) == "Attack"]
    attribute_relations(doc, result.relations, said, told)
    people = [(h.start, h.end, h.fstart, h.fend, h.entity) for h in result.hits
              if not h.ambiguous and result.types.get(h.entity) == "Person"]
    figures = sorted(figures + named_victims(doc, rules, people, figures), key=lambda f: f.start)
    result.figures = _link_figures(doc, figures, everything, result.types, rules)
    attribute_figures(doc, result.figures, result.relations, said, kinds, rules)
    return result


CASUALTIES = ("killed", "injured", "arrested")
"""Measures that may count for an attack named in an earlier sentence ("those strikes killed...")."""


def _said(doc: Folded, hit: Hit) -> str:
    return " ".join(doc.text[hit.start:hit.end].split())


def _link_figures(doc: Folded, figures: list[Figure], hits: list[Hit], types: dict[str, str],
                  rules: Rules) -> list[FigureLink]:
    """Attach each figure to the nearest attack of its sentence (or of the two before it)."""
    cue = attack_cue(rules)
    attacks = [h for h in hits if types.get(h.entity) == "Attack"]
    sentences = doc.sentences()
    out = []
    for figure in figures:
        n = next((i for i, (s, e) in enumerate(sentences) if s <= figure.fstart < e), 0)
        s_start, s_end = sentences[n] if sentences else (0, len(doc.folded))
        same = [h for h in attacks if s_start <= h.fstart < s_end]
        word = cue.search(doc.folded, s_start, s_end)
        link = FigureLink(figure)
        earlier = [h for h in attacks if sentences[max(0, n - 2)][0] <= h.fstart < s_start] \
            if figure.measure in CASUALTIES else []
        if same:
            # the nearest attack named before the figure ("هجوم ... الذي أوقع 12 قتيلا"), else after it
            ahead = [h for h in same if h.at <= figure.fstart]
            best = max(ahead, key=lambda h: h.at) if ahead else min(same, key=lambda h: h.at - figure.fstart)
            link.attack, link.alternatives = best.entity, best.entities[1:]
            link.note = f"attack named in the same sentence: '{_said(doc, best)}'"
        elif earlier:
            link.attack, link.alternatives = earlier[-1].entity, earlier[-1].entities[1:]
            link.note = (f"attack named in an earlier sentence: '{_said(doc, earlier[-1])}'"
                         + (f"; attack word here: '{word.group()}'" if word else ""))
        elif word and [h for h in attacks if h.fstart < s_start]:
            last = [h for h in attacks if h.fstart < s_start][-1]
            link.attack, link.alternatives = last.entity, last.entities[1:]
            link.note = (f"attack word '{word.group()}' here; the nearest attack named before it: "
                         f"'{_said(doc, last)}' (check it is the same)")
        elif word:
            link.note = f"attack word '{word.group()}', but no known attack matched: add one or link it"
        else:
            orgs = [h for h in hits if s_start <= h.fstart < s_end and types.get(h.entity) == "Organization"]
            if orgs:
                link.organization = min(orgs, key=lambda h: abs(h.fstart - figure.fstart)).entity
            link.note = "no attack in this sentence"
        out.append(link)
    return out
