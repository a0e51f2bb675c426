"""Readings: the two or more ways an ambiguous sentence can be read, kept side by side.

A fact whose quote allows more than one reading (who accuses whom; which group "the same
group" is) lists them under ``readings:``. Each reading gives the fields it reads
differently, a ``note`` on how it reads the text, and exactly one is ``preferred: true``
with the ``reason``. The fact's other fields (its source, quote, status...) are shared.

Everything downstream sees the fact as its preferred reading (:func:`merge`); the graph
also keeps every reading, and queries flag the fact as an ambiguous reading.

>>> from kg.curate.yamlfile import loads
>>> fact = loads('''
... id: f-1
... type: Allegation
... status: alleged
... quote: q
... readings:
...   - {id: a, by: x, about: [y], note: n, preferred: true, reason: r}
...   - {id: b, by: y, about: [x], note: n}
... ''', "x.yaml")
>>> [(r.id, r.preferred, r.data["by"]) for r in readings_of(fact)]
[('a', True, 'x'), ('b', False, 'y')]
>>> sorted(preferred(fact))
['about', 'by', 'id', 'quote', 'status', 'type']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time it is imported where a reading is made: AMBIGUOUS alone must not load YAML
    from kg.curate.yamlfile import Located

AMBIGUOUS = "ambiguous reading"
"""The flag queries and pages show on a fact (relation, claim, event) that has readings."""
OWN = ("id", "note", "preferred", "reason")
"""Keys that describe the reading itself rather than the fact."""
SHARED = ("id", "type", "source", "quote", "readings")
"""Fact fields every reading shares: a reading cannot give its own."""


@dataclass(frozen=True)
class Reading:
    """One way to read an ambiguous fact."""

    id: str
    own: Located  # the fields this reading gives (without id, note, preferred, reason)
    data: Located  # the whole fact read this way
    note: str
    preferred: bool
    reason: str
    line: int


def merge(fact: Mapping[str, Any], reading: Mapping[str, Any], line: int) -> Located:
    """The fact as one reading reads it: its shared fields, then the reading's own."""
    from kg.curate.yamlfile import Located

    data = Located({k: v for k, v in fact.items() if k != "readings"})
    data.update({k: v for k, v in reading.items() if k not in OWN})
    data.line = line
    return data


def readings_of(fact: Mapping[str, Any]) -> list[Reading]:
    """The fact's readings, in the order written (none for an unambiguous fact).

    Call it on a checked record: :func:`kg.curate.schema.check_record` refuses malformed readings.
    """
    from kg.curate.yamlfile import Located

    line = getattr(fact, "line", 0)
    found = []
    for entry in fact.get("readings") or []:
        own = Located({k: v for k, v in entry.items() if k not in OWN})
        own.line = getattr(entry, "line", line)
        found.append(Reading(str(entry["id"]), own, merge(fact, entry, line), str(entry.get("note", "")).strip(),
                             entry.get("preferred") is True, str(entry.get("reason") or "").strip(), own.line))
    return found


def preferred(fact: Located) -> Located:
    """The fact as its preferred reading reads it; the fact itself when it has no readings."""
    for reading in readings_of(fact):
        if reading.preferred:
            return reading.data
    return fact
