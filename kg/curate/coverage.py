"""How much each source contributes: curated records by type, per source."""

from __future__ import annotations

from collections import Counter

from kg.curate.corpus import Corpus

COLUMNS = ("Mention", "Organization", "Person", "Location", "Attack", "Event", "Affiliation", "Split",
           "Responsibility", "CasualtyReport", "Designation", "Strength", "Allegation")


def counts(corpus: Corpus) -> dict[str, Counter[str]]:
    """Records by type for each source id. Entities count where they are defined and grounded."""
    table: dict[str, Counter[str]] = {sid: Counter() for sid in corpus.sources}
    for record in corpus.mentions:
        table[str(record.source)]["Mention"] += 1
    for record in corpus.facts:
        table[str(record.source)][record.type] += 1
    first_mention: dict[str, str] = {}
    for record in corpus.mentions:
        first_mention.setdefault(record.id, str(record.source))
    for entity in corpus.entities.values():
        source = entity.source or first_mention.get(entity.id)
        if source in table:
            table[source][entity.type] += 1
    return table


def markdown(corpus: Corpus) -> str:
    """The per-source table as Markdown (what ``docs/coverage.md`` embeds).

    >>> from pathlib import Path
    >>> from kg.curate.corpus import load
    >>> print(markdown(load(Path("tests/data/kitchen"))).splitlines()[2])
    | src-fixture | 9 | 4 | 1 | 2 | 1 | 1 | 2 | 1 | 1 | 1 | 1 | 1 | 2 | 27 |
    """
    table = counts(corpus)
    header = "| source | " + " | ".join(COLUMNS) + " | total |"
    rule = "|" + " --- |" * (len(COLUMNS) + 2)
    lines = [header, rule]
    for sid in sorted(table):
        row = table[sid]
        cells = [str(row[c]) for c in COLUMNS]
        lines.append(f"| {sid} | " + " | ".join(cells) + f" | {sum(row.values())} |")
    return "\n".join(lines)
