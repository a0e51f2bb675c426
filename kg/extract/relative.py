"""Date arithmetic for relative expressions: each resolves against a publication day.

A resolver maps one possible publication day to the first and last day an expression
can mean. :func:`resolve` runs it for the earliest and for the latest day the source may
have been published and keeps the interval between the two, so an uncertain publication
date (``2015-11/2016-12``) gives an uncertain result instead of a made-up precise one:

>>> from kg.dates import parse
>>> resolve(parse("2015-11/2016-12"), RELATIVE["last-year"], "year")
'2014/2015'
>>> resolve(parse("2024-03-25"), RELATIVE["last-month"], "month")
'2024-02'
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from kg.dates import DateSpan

Resolver = Callable[[dt.date], tuple[dt.date, dt.date]]


def edtf_of(lo: dt.date, hi: dt.date, precision: str) -> str:
    """The EDTF for the days ``lo``..``hi`` at a precision; an interval when they differ.

    >>> edtf_of(dt.date(2014, 9, 1), dt.date(2014, 12, 31), "month")
    '2014-09/2014-12'
    >>> edtf_of(dt.date(2014, 1, 1), dt.date(2014, 12, 31), "year")
    '2014'
    """
    cut = {"day": 10, "month": 7, "year": 4}[precision]
    a, b = lo.isoformat()[:cut], hi.isoformat()[:cut]
    return a if a == b else f"{a}/{b}"


def resolve(published: DateSpan | None, resolver: Resolver, precision: str) -> str | None:
    """The EDTF an expression means for every day the source may have been published."""
    if published is None:
        return None
    lo, _ = resolver(published.earliest)
    _, hi = resolver(published.latest)
    return edtf_of(lo, hi, precision)


def month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month.

    >>> month_days(2024, 2)
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def year_days(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def one_day(year: int, month: int, day: int) -> tuple[dt.date, dt.date]:
    when = dt.date(year, month, day)
    return when, when


def year_before_month(month: int, when: dt.date, strict: bool) -> int:
    """The year of the latest ``month`` before (or, unless strict, during) the month of ``when``.

    >>> year_before_month(9, dt.date(2014, 10, 5), True), year_before_month(11, dt.date(2014, 10, 5), True)
    (2014, 2013)
    """
    return when.year if (month < when.month or (not strict and month == when.month)) else when.year - 1


def weekday_on_or_before(when: dt.date, weekday: int) -> dt.date:
    """The latest day with this weekday (Monday = 0) on or before ``when``.

    >>> weekday_on_or_before(dt.date(2024, 3, 23), 4)  # Friday before Saturday 23 March
    datetime.date(2024, 3, 22)
    """
    return when - dt.timedelta(days=(when.weekday() - weekday) % 7)


def weekday_on_or_after(when: dt.date, weekday: int) -> dt.date:
    """The earliest day with this weekday on or after ``when``.

    >>> weekday_on_or_after(dt.date(2024, 1, 1), 5)  # the first Saturday of 2024
    datetime.date(2024, 1, 6)
    """
    return when + dt.timedelta(days=(weekday - when.weekday()) % 7)


def scoped_weekday(weekday: int, scope: str) -> Resolver:
    """Any such weekday from the start of the publication's year (or month) to the publication.

    "أكد المرصد، السبت، أن ... منذ بداية العام الحالي": the Saturday is some Saturday of
    the current year, not necessarily the last one before the article.

    >>> scoped_weekday(5, "year")(dt.date(2024, 3, 22))
    (datetime.date(2024, 1, 6), datetime.date(2024, 3, 16))
    """
    def resolver(p: dt.date) -> tuple[dt.date, dt.date]:
        first = p.replace(month=1, day=1) if scope == "year" else p.replace(day=1)
        return weekday_on_or_after(first, weekday), weekday_on_or_before(p, weekday)
    return resolver


def _prev_month(p: dt.date) -> tuple[int, int]:
    return (p.year, p.month - 1) if p.month > 1 else (p.year - 1, 12)


def _earlier_this_month(p: dt.date) -> tuple[dt.date, dt.date]:
    return p.replace(day=1), max(p.replace(day=1), p - dt.timedelta(days=1))


def _last_summer(p: dt.date) -> tuple[dt.date, dt.date]:
    year = p.year if p.month > 8 else p.year - 1
    return dt.date(year, 6, 1), dt.date(year, 8, 31)


def _yesterday(p: dt.date) -> tuple[dt.date, dt.date]:
    return p - dt.timedelta(days=1), p - dt.timedelta(days=1)


RELATIVE: dict[str, Resolver] = {
    "last-month": lambda p: month_days(*_prev_month(p)),
    "this-month": lambda p: month_days(p.year, p.month),
    "earlier-this-month": _earlier_this_month,
    "last-year": lambda p: year_days(p.year - 1),
    "this-year": lambda p: year_days(p.year),
    "last-summer": _last_summer,
    "yesterday": _yesterday,
    "now": lambda p: (p, p),
}
"""Resolvers of the relative expressions of ``rules/dates.yaml`` (``means:``)."""

PRECISION = {"last-month": "month", "this-month": "month", "earlier-this-month": "day", "last-year": "year",
             "this-year": "year", "early-this-year": "month", "last-summer": "month", "yesterday": "day",
             "now": "day"}
"""The precision each relative expression keeps."""


def early_this_year(months: tuple[int, int]) -> Resolver:
    """"بداية العام الحالي": the first months of the publication year (``phases: early``)."""
    return lambda p: (month_days(p.year, months[0])[0], month_days(p.year, months[1])[1])
