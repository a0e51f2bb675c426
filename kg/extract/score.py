"""Score extraction against the curated facts: each seed source is extracted as if it were new.

For every source with a curated facts file, the extractor runs on the raw text (the
curated mentions, quotes and spans are not used) and its candidates are compared with
what the curators recorded from that source:

* entities: every entity the source's mentions and facts cite, found as the best guess
  of some mention candidate (``entities``), or among the alternatives of an ambiguous
  one (``+alt``). ``unseen`` repeats the count with an alias index built without the
  entities that only this source mentions (a stricter, leave-one-out view);
* dates: every ``date``/``start``/``end``/``attested``/``as_of`` of the source's facts (and of the
  attacks it grounds), found with the same EDTF among the date candidates;
* figures: every CasualtyReport of the source, found as a figure candidate with the same
  measure and value (or the same vague quantity, "dozens"); ``qualifier`` counts those
  whose qualifier agrees too, and ``attack`` those attached to the attack the curators
  named (the extractor's best guess, not an alternative).

Dates are compared as EDTF strings, so a candidate counts only when it is exactly the
curated reading. ``readings`` is the number of date candidates drafted (an expression
may give two: "early this year" is also "this year"), so recall can be read against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.curate import schema
from kg.curate.arabic import normalize
from kg.curate.corpus import Corpus, Record
from kg.dates import ONGOING
from kg.dates import parse as parse_edtf
from kg.extract.index import AliasIndex
from kg.extract.kinds import KindScore, corpus_items, dev_texts, drafted, expected_items, score_items
from kg.extract.pipeline import Extraction, FigureLink, extract_source, extract_text
from kg.extract.rules import Rules

TARGETS = {"entities": 0.90, "dates": 0.80, "figures": 1.0}
"""The recall each score should reach (issue 9)."""


@dataclass
class SourceScore:
    """What the extractor found of one source's curated records."""

    source: str
    entities: set[str] = field(default_factory=set)
    found: set[str] = field(default_factory=set)
    found_alt: set[str] = field(default_factory=set)
    unseen_total: set[str] = field(default_factory=set)
    unseen_found: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    dates_found: set[str] = field(default_factory=set)
    figures: list[str] = field(default_factory=list)
    figures_found: list[str] = field(default_factory=list)
    qualifiers_agree: int = 0
    attacks_agree: int = 0
    readings: int = 0
    kinds: KindScore | None = None

    def row(self) -> dict[str, Any]:
        """The table row: counts and percentages."""
        return {
            "source": self.source,
            "entities": _ratio(len(self.found), len(self.entities)),
            "+alt": _ratio(len(self.found_alt), len(self.entities)),
            "unseen": _ratio(len(self.unseen_found), len(self.unseen_total)),
            "dates": _ratio(len(self.dates_found), len(self.dates)),
            "readings": self.readings,
            "figures": _ratio(len(self.figures_found), len(self.figures)),
            "qualifier": _ratio(self.qualifiers_agree, len(self.figures)),
            "attack": _ratio(self.attacks_agree, len(self.figures)),
        }

    def misses(self) -> dict[str, list[str]]:
        """What was not found, for the rule writer."""
        return {"entities": sorted(self.entities - self.found),
                "dates": sorted(self.dates - self.dates_found),
                "figures": [f for f in self.figures if f not in self.figures_found]}


def _ratio(found: int, total: int) -> str:
    return f"{found}/{total} ({100 * found / total:.0f}%)" if total else "-"


def cited_entities(corpus: Corpus, source: str) -> set[str]:
    """Entities the source's mentions and facts refer to."""
    out: set[str] = set()
    for record in [*corpus.mentions, *corpus.facts, *corpus.entities.values()]:
        if record.source != source:
            continue
        for key, spec in schema.FIELDS[record.type].items():
            if spec in ("ref", "refs") and record.data.get(key) not in (None, "", []):
                value = record.data[key]
                out.update(str(v) for v in (value if isinstance(value, list) else [value]))
        if record.kind == "entity":
            out.add(record.id)
    return out


def curated_dates(corpus: Corpus, source: str) -> set[str]:
    """Every EDTF date the source's records carry (``..``, "still ongoing", is not a date)."""
    return {str(r.data[k]) for r in [*corpus.facts, *corpus.entities.values()] if r.source == source
            for k in ("date", "start", "end", "attested", "as_of") if r.data.get(k) not in (None, "", ONGOING)}


def _figure_text(record: Record) -> str:
    data = record.data
    value = "" if data.get("value") is None else f" {data['value']}"
    return f"{data.get('measure')}{value} {data.get('qualifier')}"


def score_source(corpus: Corpus, graph: Graph, source: str, *, index: AliasIndex, rules: Rules) -> SourceScore:
    """Extract one source as if new and compare with its curated records."""
    result = SourceScore(source)
    extraction = extract_source(corpus.root, source, index=index, rules=rules)
    result.entities = cited_entities(corpus, source)
    result.found = result.entities & extraction.entity_ids()
    result.found_alt = result.entities & extraction.entity_ids(alternatives=True)
    unseen_index = AliasIndex.from_graph(graph, rules=rules, exclude_source=source)
    result.unseen_total = result.entities & set(unseen_index.entities)
    unseen = extract_source(corpus.root, source, index=unseen_index, rules=rules)
    result.unseen_found = result.unseen_total & unseen.entity_ids()
    result.dates = curated_dates(corpus, source)
    result.dates_found = result.dates & {d.edtf for d in extraction.dates if d.edtf}
    result.readings = sum(1 for d in extraction.dates if d.edtf)
    _score_figures(corpus, source, extraction, result)
    result.kinds = score_items(source, corpus_items(corpus, source, index, cited_entities, curated_dates),
                               drafted(extraction, index))
    return result


def _score_figures(corpus: Corpus, source: str, extraction: Extraction, result: SourceScore) -> None:
    doc = corpus.sources[source]
    unused = list(extraction.figures)
    for record in corpus.facts:
        if record.source != source or record.type != "CasualtyReport":
            continue
        text = _figure_text(record)
        result.figures.append(text)
        data = record.data
        at = doc.normalized.find(normalize(str(data.get("quote", ""))))
        same = [f for f in unused if f.figure.measure == data.get("measure") and (
            f.figure.value == data["value"] if data.get("value") is not None
            else f.figure.value is None and f.figure.qualifier == data.get("qualifier"))]
        if not same:
            continue
        same.sort(key=lambda f: (f.figure.qualifier != data.get("qualifier"), abs(_pos(extraction, f) - at)))
        chosen = same[0]
        unused.remove(chosen)
        result.figures_found.append(text)
        result.qualifiers_agree += chosen.figure.qualifier == data.get("qualifier")
        result.attacks_agree += chosen.attack is not None and chosen.attack == data.get("attack")


def _pos(extraction: Extraction, link: FigureLink) -> int:
    """Where a figure starts, counted in the normalised text (as curated quotes are found)."""
    return len(normalize(extraction.text[:link.figure.start]))


def score(corpus: Corpus, graph: Graph, *, rules: Rules, sources: list[str] | None = None) -> list[SourceScore]:
    """Score every source that has curated facts (or only ``sources``)."""
    index = AliasIndex.from_graph(graph, rules=rules)
    chosen = sources or sorted({r.source for r in corpus.facts if r.source})
    return [score_source(corpus, graph, s, index=index, rules=rules) for s in chosen]


def score_dev(graph: Graph, folder: Path, *, rules: Rules) -> list[KindScore]:
    """Score the development set of ``folder`` (texts the rules were not written from) by kind."""
    index = AliasIndex.from_graph(graph, rules=rules)
    out = []
    for name, text, data in dev_texts(folder):
        extraction = extract_text(text, source=f"src-{name}", published=parse_edtf(str(data["published"])),
                                  index=index, rules=rules)
        out.append(score_items(name, expected_items(data), drafted(extraction, index)))
    return out


def totals(scores: list[SourceScore]) -> SourceScore:
    """All sources together (entities and dates counted per source)."""
    total = SourceScore("total")
    for s in scores:
        total.entities |= {f"{s.source}:{e}" for e in s.entities}
        total.found |= {f"{s.source}:{e}" for e in s.found}
        total.found_alt |= {f"{s.source}:{e}" for e in s.found_alt}
        total.unseen_total |= {f"{s.source}:{e}" for e in s.unseen_total}
        total.unseen_found |= {f"{s.source}:{e}" for e in s.unseen_found}
        total.dates |= {f"{s.source}:{d}" for d in s.dates}
        total.dates_found |= {f"{s.source}:{d}" for d in s.dates_found}
        total.figures += s.figures
        total.figures_found += s.figures_found
        total.qualifiers_agree += s.qualifiers_agree
        total.attacks_agree += s.attacks_agree
        total.readings += s.readings
    return total


def meets_targets(total: SourceScore) -> bool:
    """True when entity, date and figure recall reach :data:`TARGETS`."""
    def ratio(found: int, all_: int) -> float:
        return found / all_ if all_ else 1.0
    return (ratio(len(total.found), len(total.entities)) >= TARGETS["entities"]
            and ratio(len(total.dates_found), len(total.dates)) >= TARGETS["dates"]
            and ratio(len(total.figures_found), len(total.figures)) >= TARGETS["figures"])


def source_ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "facts").glob("src-*.yaml"))
