"""The page-level timeline: each dated fact on a date axis, drawn at its precision.

A fact dated to a day is a point; one dated to a month or a year is a span over that
month or year; a range ("late 2014" written ``2014-09/2014-12``) or an approximate date
(``2018~``) is a fuzzy span whose ends fade. Facts sit in one band per kind (attack,
responsibility, split...), packed into lanes so that marks do not overlap.
``templates/_event_chart.html`` writes the SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kg.analysis.timeline import Event
from kg.serve.axis import Tick, TimeAxis

LANE = 14
BAND_GAP = 10
TOP = 26
POINT = 5.0
"""Radius of a point mark: the room a day takes."""
KIND_COLOURS = {  # Okabe-Ito
    "attack": "#D55E00", "responsibility": "#CC79A7", "casualties": "#000000", "affiliation": "#009E73",
    "split": "#0072B2", "designation": "#56B4E9", "strength": "#E69F00", "allegation": "#7f7f7f",
}


@dataclass(frozen=True)
class Mark:
    """One event, drawn."""

    shape: str  # point | span | fuzzy
    x: float
    width: float
    y: float
    event: Event

    @property
    def href(self) -> str:
        return f"/id/{self.event.fact}"

    @property
    def colour(self) -> str:
        return KIND_COLOURS.get(self.event.type, "#444444")

    @property
    def title(self) -> str:
        e = self.event
        gloss = f": {e.gloss}" if e.gloss else ""
        return f"{e.date} ({e.precision}) · {e.type}, {e.what} · {e.fact} · {e.status} · {e.source}{gloss}"


@dataclass(frozen=True)
class Band:
    """The lanes of one kind of event."""

    kind: str
    y: float
    height: float


@dataclass
class EventChart:
    marks: list[Mark]
    bands: list[Band]
    ticks: list[Tick]
    axis: TimeAxis
    width: int
    height: int


def shape_of(event: Event) -> str:
    """How an event is drawn, from its precision.

    >>> e = Event("2014-09-01", "2014-12-31", "2014-09/2014-12", "range", "date", "split", "f", "reported",
    ...           "s", "", "")
    >>> shape_of(e)
    'fuzzy'
    """
    if any(ch in event.date for ch in "~?%") or event.precision not in ("day", "month", "year"):
        return "fuzzy"
    return "point" if event.precision == "day" else "span"


def event_days(events: Iterable[Event]) -> list[dt.date]:
    """The earliest and latest day of each event, for the page's shared axis."""
    return [dt.date.fromisoformat(d) for e in events for d in (e.earliest, e.latest)]


def chart(events: list[Event], axis: TimeAxis, width: int) -> EventChart:
    """The marks of ``events`` on ``axis``, one band per kind; one mark per fact and date."""
    seen: set[tuple[str, str, str]] = set()
    by_kind: dict[str, list[tuple[str, float, float, Event]]] = {}
    for e in events:
        if (e.fact, e.earliest, e.latest) in seen:  # a claim's own date and its attack's date agree
            continue
        seen.add((e.fact, e.earliest, e.latest))
        shape = shape_of(e)
        first, last = dt.date.fromisoformat(e.earliest), dt.date.fromisoformat(e.latest)
        if shape == "point":
            x, w = axis.x(first) - POINT, 2 * POINT
        else:
            x = axis.x(first)
            w = max(axis.x(last + dt.timedelta(days=1)) - x, 2 * POINT)
        by_kind.setdefault(e.type, []).append((shape, x, w, e))
    marks, bands, y = [], [], float(TOP)
    for kind in sorted(by_kind):
        lanes: list[float] = []  # the right end of the last mark in each lane
        placed = []
        for shape, x, w, e in sorted(by_kind[kind], key=lambda m: (m[1], -m[2], m[3].fact)):
            lane = next((i for i, end in enumerate(lanes) if end + 2 <= x), len(lanes))
            if lane == len(lanes):
                lanes.append(0.0)
            lanes[lane] = x + w
            placed.append(Mark(shape, x, w, y + lane * LANE, e))
        bands.append(Band(kind, y, len(lanes) * LANE))
        marks += placed
        y += len(lanes) * LANE + BAND_GAP
    return EventChart(marks, bands, axis.ticks(), axis, width, int(y) + 4)
