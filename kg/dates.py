"""Partial and uncertain dates: EDTF strings with their precision and their bounds.

A date in the facts is an EDTF string. It keeps the precision the source gives
(``2015``, ``2015-10``, ``2015-10-28``), approximations (``2018~``), uncertainty
(``2014?``) and ranges (``2015-10-21/2015-10-31``). Each becomes a :class:`DateSpan`:
the earliest and the latest day it can denote. Approximate and uncertain dates
widen those bounds (by the ``edtf`` package's fuzz), so "possibly" stays honest.

>>> span = parse("2015-10")
>>> span.earliest, span.latest, span.precision
(datetime.date(2015, 10, 1), datetime.date(2015, 10, 31), 'month')
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year", "range", "decade", "unknown"]
Status = Literal["certain", "possible", "absent"]

ONGOING = ".."
"""An interval end written ``..``: still in effect when the source was written."""


class DateError(ValueError):
    """A string that is not a usable EDTF date."""


@dataclass(frozen=True)
class DateSpan:
    """An EDTF date and the span of days it can denote."""

    edtf: str
    earliest: dt.date
    latest: dt.date
    precision: Precision
    approximate: bool = False

    def xsd(self) -> tuple[str, str] | None:
        """The typed literal at this date's own precision, as (lexical form, XSD type name).

        >>> parse("2015-10").xsd()
        ('2015-10', 'gYearMonth')
        >>> parse("2014-10/2014-12").xsd() is None
        True
        """
        if self.approximate:
            return None
        kind = {"day": "date", "month": "gYearMonth", "year": "gYear"}.get(self.precision)
        return (self.edtf, kind) if kind else None


def parse(text: str) -> DateSpan:
    """Parse an EDTF string into a :class:`DateSpan`, or raise :class:`DateError`.

    >>> parse("2014~").earliest.year, parse("2014~").latest.year
    (2013, 2015)
    >>> try:
    ...     parse("2015-02-30")
    ... except DateError as exc:
    ...     print(exc)
    '2015-02-30' is not a valid EDTF date
    """
    return _parse(str(text).strip())


_PLAIN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
"""A plain calendar year, month or day (ISO 8601 with no EDTF qualifier)."""


@functools.lru_cache(maxsize=65_536)
def _parse(text: str) -> DateSpan:
    # the edtf grammar (pyparsing) takes about 10 ms a string; event data repeats dates a lot
    if not text or ".." in text or text.startswith("/") or text.endswith("/"):
        raise DateError(f"{text!r} is not a valid EDTF date")
    try:
        earliest, latest = _plain_bounds(text) or _edtf_bounds(text)
    except Exception as exc:  # the edtf package raises several unrelated types
        raise DateError(f"{text!r} is not a valid EDTF date") from exc
    if latest < earliest:
        raise DateError(f"{text!r} ends before it starts")
    approximate = any(ch in text for ch in "~?%")
    return DateSpan(text, earliest, latest, precision_of(text), approximate)


def _plain_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a plain ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None for any other EDTF.

    The same days the ``edtf`` package gives (a test compares them), without importing it:
    its grammar costs a command about 0.1 s to load, and a query's ``--at 2015-10`` is plain.
    """
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.groups()
    if day:
        return dt.date(int(year), int(month), int(day)), dt.date(int(year), int(month), int(day))
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return dt.date(int(year), int(month), 1), dt.date(int(year), int(month), last)
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)


def _edtf_bounds(text: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day of any EDTF string, widened by its approximation (``edtf``)."""
    import edtf

    parsed = edtf.parse_edtf(text)
    return edtf.struct_time_to_date(parsed.lower_fuzzy()), edtf.struct_time_to_date(parsed.upper_fuzzy())


def precision_of(text: str) -> Precision:
    """The precision an EDTF string states.

    >>> precision_of("2015-10"), precision_of("2014-09/2014-12"), precision_of("2018~")
    ('month', 'range', 'year')
    """
    core = text.rstrip("~?%")
    if "/" in core:
        return "range"
    if "X" in core:
        return "decade" if core.endswith("X") and len(core) == 4 else "unknown"
    by_length: dict[int, Precision] = {10: "day", 7: "month", 4: "year"}
    return by_length.get(len(core), "unknown")


@dataclass(frozen=True)
class Interval:
    """When a relation held: bounds on its start and on its end, and a day it is seen holding.

    ``None`` means unknown. A relation with an unknown start may have begun at any
    time before it ended; one with an unknown end may still hold. ``attested`` is a date
    at which a source shows the relation holding (not a start, not an end): it held on at
    least one day of that span, so it started no later than the span's last day and ended
    no earlier than its first.
    """

    start: DateSpan | None = None
    end: DateSpan | None = None
    ongoing_as_of: dt.date | None = None
    attested: DateSpan | None = None

    def status_at(self, when: DateSpan) -> Status:
        """Whether the relation holds over the whole of ``when``: certainly, possibly, or not.

        >>> iv = Interval(parse("2014"), parse("2015-10"))
        >>> [iv.status_at(parse(d)) for d in ("2015-03", "2015-10", "2016")]
        ['certain', 'possible', 'absent']
        >>> seen = Interval(attested=parse("2014-09-22"))
        >>> [seen.status_at(parse(d)) for d in ("2014-09-22", "2014-09", "2015")]
        ['certain', 'possible', 'possible']
        """
        return self.status_between(when.earliest, when.latest)

    def status_between(self, first: dt.date, last: dt.date) -> Status:
        """Status over the window ``first``..``last`` (both days included)."""
        if not self.possibly_between(first, last):
            return "absent"
        return "certain" if self.certainly_covers(first, last) else "possible"

    def possibly_between(self, first: dt.date, last: dt.date) -> bool:
        """True when some reading of the bounds overlaps the window."""
        started_by = self.start.earliest if self.start else dt.date.min
        ended_after = self.end.latest if self.end else dt.date.max
        return started_by <= last and ended_after >= first

    def certain_span(self) -> tuple[dt.date, dt.date] | None:
        """The days the relation surely held (from its latest possible start to its earliest
        possible end), or ``None`` when no day is sure.

        An attested date bounds both: a relation seen holding on 22 September 2014 surely
        held that day, whatever its unknown start and end; one seen "in October 2015" held
        on some day of October, which makes no single day sure.

        >>> Interval(parse("2014"), parse("2015-10")).certain_span()
        (datetime.date(2014, 12, 31), datetime.date(2015, 10, 1))
        >>> Interval(attested=parse("2014-09-22")).certain_span()
        (datetime.date(2014, 9, 22), datetime.date(2014, 9, 22))
        >>> Interval(attested=parse("2015-10")).certain_span() is None
        True
        """
        latest_start = self.start.latest if self.start else None
        earliest_end = self.end.earliest if self.end else self.ongoing_as_of
        if self.attested is not None:
            seen = self.attested
            latest_start = min(latest_start, seen.latest) if latest_start else seen.latest
            earliest_end = max(earliest_end, seen.earliest) if earliest_end else seen.earliest
        if latest_start is None or earliest_end is None or earliest_end < latest_start:
            return None
        return latest_start, earliest_end

    def certainly_covers(self, first: dt.date, last: dt.date) -> bool:
        """True when every reading of the bounds covers the whole window."""
        span = self.certain_span()
        return span is not None and span[0] <= first and span[1] >= last
