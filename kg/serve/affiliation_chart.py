"""The "affiliations over time" chart: one row per relation, where it surely and where it may have held.

Each row has a faded, hatched bar over the widest span the relation **may** have held
(:meth:`~kg.analysis.relations.Relation.possible_window`) and a solid bar over the span it
**surely** held (:meth:`~kg.analysis.relations.Relation.certain_window`). A bound the
sources do not give runs to the chart's edge and fades out there; "ongoing as of" ends in
an arrow at the source's date; an attested date is a tick. The geometry is computed here;
``templates/_affiliation_chart.html`` writes it as SVG, so the chart needs no JavaScript.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.analysis.relations import Relation
from kg.analysis.temporal import Held
from kg.curate.readings import AMBIGUOUS
from kg.dates import DateSpan
from kg.serve.axis import Tick, TimeAxis

ROW = 22
"""Height of one row (SVG units; the chart is drawn 1:1 at the page's width)."""
LABEL_WIDTH = 330
WIDTH = 1100
RIGHT_MARGIN = 24
"""Room right of the plot for the last year's label and an "ongoing" arrow."""
TOP = 26
"""Room above the first row for the axis labels."""


@dataclass(frozen=True)
class Span:
    """A horizontal stretch of a row: x, width, and which ends fade because the bound is unknown."""

    x: float
    width: float
    fade: str = ""  # "", "start", "end" or "both"


@dataclass
class Row:
    """One relation of the entity, drawn."""

    index: int
    label: str
    relation: str
    other: str
    direction: str
    status: str  # the claim status (reported, claimed, attributed...)
    start: str
    end: str
    surely: str
    may: str
    sources: list[str]
    facts: list[str]
    y: float = 0.0
    possible: Span | None = None
    certain: Span | None = None
    ongoing_x: float | None = None
    attested: list[tuple[str, float, float]] = field(default_factory=list)  # (edtf, x, width)
    reading: str = ""  # "ambiguous reading" when the relation's sentence has several readings

    @property
    def href(self) -> str:
        """One fact: its page; several: their row in the table below the chart."""
        return f"/id/{self.facts[0]}" if len(self.facts) == 1 else f"#aff-{self.index}"

    @property
    def title(self) -> str:
        held = f"surely held {self.surely}" if self.surely else "no day surely held"
        return (f"{self.label}: {held}; may have held {self.may}; {self.status}; "
                f"sources {', '.join(self.sources)}; facts {', '.join(self.facts)}")


@dataclass
class AffiliationChart:
    """The rows, their axis and the SVG's size."""

    rows: list[Row]
    ticks: list[Tick]
    axis: TimeAxis
    width: int = WIDTH
    height: int = 0


def attested_dates(interval: Any) -> list[DateSpan]:
    """The dates at which a source shows the relation holding, if the interval records any.

    Read defensively: the attested field is newer than this chart, and may be one date or several.

    >>> from kg.dates import Interval, parse
    >>> attested_dates(Interval(parse("2014"), None))
    []
    """
    found = getattr(interval, "attested", None)
    if found is None:
        return []
    if isinstance(found, DateSpan):
        return [found]
    return [d for d in found if isinstance(d, DateSpan)]


def chart_days(relations: Iterable[Relation]) -> list[dt.date]:
    """Every day the relations' bounds name, for the page's shared axis."""
    days: list[dt.date] = []
    for rel in relations:
        iv = rel.interval
        for span in (iv.start, iv.end, *attested_dates(iv)):
            if span is not None:
                days += [span.earliest, span.latest]
        if iv.ongoing_as_of:
            days.append(iv.ongoing_as_of)
    return days


def axis_for(days: Iterable[dt.date], fallback: tuple[dt.date, dt.date] | None) -> TimeAxis:
    """The axis a page's charts share: right of the row labels, leaving the right margin free."""
    return TimeAxis.around(days, left=LABEL_WIDTH, width=WIDTH - LABEL_WIDTH - RIGHT_MARGIN, fallback=fallback)


def order(held: Iterable[Held]) -> list[Held]:
    """Dated relations first, earliest first; undated ones after, by relation and entity."""
    def key(h: Held) -> tuple[Any, ...]:
        first, last = h.relation.possible_window()
        other = h.relation.object if h.direction == "out" else h.relation.subject
        dated = first != dt.date.min or last != dt.date.max
        return (not dated, first, last, h.relation.relation, other, h.relation.facts)
    return sorted(held, key=key)


def chart(held: list[Held], axis: TimeAxis, label: Callable[[str], str]) -> AffiliationChart:
    """The chart of ``held`` (already in :func:`order`) on ``axis``; ``label`` names an entity id."""
    rows = [_row(i, h, axis, label) for i, h in enumerate(held)]
    for row in rows:
        row.y = TOP + row.index * ROW
    return AffiliationChart(rows, axis.ticks(), axis, height=TOP + len(rows) * ROW + 8)


def _row(index: int, held: Held, axis: TimeAxis, label: Callable[[str], str]) -> Row:
    rel = held.relation
    other = rel.object if held.direction == "out" else rel.subject
    name = label(other)
    text = f"{rel.relation} → {name}" if held.direction == "out" else f"{name} → {rel.relation}"
    first, last = rel.possible_window()
    surely = rel.certain_window()
    row = Row(index, text, rel.relation, other, held.direction, rel.status, rel.start, rel.end,
              f"{surely[0]} .. {surely[1]}" if surely else "",
              f"{'?' if first == dt.date.min else first} .. {'?' if last == dt.date.max else last}",
              list(rel.sources), list(rel.facts), reading=AMBIGUOUS if rel.ambiguous else "")
    open_start, open_end = first == dt.date.min, last == dt.date.max
    fade = {(True, True): "both", (True, False): "start", (False, True): "end"}.get((open_start, open_end), "")
    row.possible = _span(axis, first, last, fade)
    if surely:
        row.certain = _span(axis, surely[0], surely[1], "")
    if rel.interval.ongoing_as_of and rel.interval.end is None:
        row.ongoing_x = axis.x(rel.interval.ongoing_as_of)
    for seen in attested_dates(rel.interval):
        x = axis.x(seen.earliest)
        row.attested.append((seen.edtf, x, max(axis.x(seen.latest) - x, 0.0)))
    return row


def _span(axis: TimeAxis, first: dt.date, last: dt.date, fade: str) -> Span:
    x = axis.x(first)
    # a day is drawn at least 2 units wide: a relation known on one day stays visible
    return Span(x, max(axis.x(last + dt.timedelta(days=1)) - x if last < dt.date.max else axis.right - x, 2.0),
                fade)
