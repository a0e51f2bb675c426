"""A date axis for the page's charts: days to x positions, and ticks at years or months.

One axis is shared by the charts of a page, so a bar in "Affiliations over time" and a
mark in the timeline sit at the same x for the same day.

>>> axis = TimeAxis.around([dt.date(2015, 10, 21), dt.date(2016, 3, 1)], left=100, width=400)
>>> axis.first, axis.last
(datetime.date(2015, 1, 1), datetime.date(2017, 1, 1))
>>> axis.x(dt.date(2016, 1, 1)) > 299, [t.label for t in axis.ticks()]
(True, ['2015', '2016', '2017'])
>>> [t.label for t in TimeAxis.around([dt.date(2024, 1, 3)], left=0, width=100).ticks()]
['Nov 2023', 'Dec', 'Jan 2024', 'Feb', 'Mar', 'Apr']
>>> axis.x(dt.date.min), axis.x(dt.date.max)  # an unknown bound is the plot's edge
(100.0, 500.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

_MIN_DAYS = 120  # a page whose dates all fall on one day still gets a readable stretch of months
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Tick:
    """A labelled mark on the axis."""

    x: float
    label: str
    major: bool


@dataclass(frozen=True)
class TimeAxis:
    """Days from ``first`` to ``last`` laid over ``width`` units starting at ``left``."""

    first: dt.date
    last: dt.date
    left: float
    width: float

    @classmethod
    def around(cls, days: Iterable[dt.date], *, left: float, width: float,
               fallback: tuple[dt.date, dt.date] | None = None) -> TimeAxis:
        """The axis covering ``days`` (unknown bounds, ``date.min``/``date.max``, left out).

        It is widened to whole years, or to whole months when the dates span less than a
        few months; with no known day it covers ``fallback`` (else the current year).
        """
        known = sorted(d for d in days if d not in (dt.date.min, dt.date.max))
        if not known:
            known = list(fallback) if fallback else [dt.date(dt.date.today().year, 1, 1)]
        first, last = known[0], known[-1]
        if (last - first).days < _MIN_DAYS:
            middle = first + (last - first) / 2
            first, last = middle - dt.timedelta(days=_MIN_DAYS // 2), middle + dt.timedelta(days=_MIN_DAYS // 2)
            return cls(dt.date(first.year, first.month, 1), _next_month(last), left, width)
        return cls(dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1), left, width)

    @property
    def right(self) -> float:
        return self.left + self.width

    def x(self, day: dt.date) -> float:
        """The x of a day, clamped to the plot (an unknown bound sits at the edge)."""
        if day <= self.first:
            return float(self.left)
        if day >= self.last:
            return float(self.right)
        return self.left + self.width * (day - self.first).days / (self.last - self.first).days

    def ticks(self) -> list[Tick]:
        """Year ticks (every year, labelled so labels do not crowd), or month ticks on a short axis."""
        years = self.last.year - self.first.year
        if years >= 2 or (years == 1 and self.first.month == 1 and self.last.month == 1 and
                          (self.last - self.first).days > 360):
            step = 1 if years <= 12 else 2 if years <= 24 else 5
            return [Tick(self.x(dt.date(y, 1, 1)), str(y), (y - self.first.year) % step == 0)
                    for y in range(self.first.year, self.last.year + 1)]
        ticks, day = [], self.first
        while day <= self.last:
            month = _MONTHS[day.month - 1]
            label = f"{month} {day.year}" if day.month == 1 or day == self.first else month
            ticks.append(Tick(self.x(day), label, True))
            day = _next_month(day)
        return ticks


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
