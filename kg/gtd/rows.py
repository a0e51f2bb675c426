"""One GTD row, checked and typed: an :class:`Incident`, or a :class:`RowError` saying why not.

The codebook's conventions are kept, not guessed over: a month or day of 0 is unknown
(the date keeps only the precision given), an empty casualty count is unknown (never
zero), ``-9`` in a yes/no column is unknown, and ``guncertain`` marks a suspected
perpetrator. A value that breaks the codebook makes the whole row a :class:`RowError`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from kg.dates import DateSpan
from kg.gtd.columns import USED

UNKNOWN_GROUP = "Unknown"


class RowError(ValueError):
    """A row that breaks the codebook: ``message`` and a ``hint`` for the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Perpetrator:
    """A group named in ``gname``, ``gname2`` or ``gname3``, with how sure GTD is."""

    name: str
    suspected: bool
    claimed: bool | None  # None: GTD does not know
    claim_mode: str = ""


@dataclass(frozen=True)
class Incident:
    """What the import keeps of one row."""

    eventid: str
    date: DateSpan
    approxdate: str
    country: str
    provstate: str
    city: str
    latitude: float | None
    longitude: float | None
    specificity: str
    summary: str
    success: bool | None
    attack_type: str
    target_type: str
    target: str
    perpetrators: tuple[Perpetrator, ...]
    competing_claims: bool | None
    killed: float | None
    wounded: float | None
    citations: tuple[str, ...] = field(default=())
    dbsource: str = ""


def incident(row: Mapping[str, str]) -> Incident:
    """Check and type one CSV row (a mapping from header name to text).

    >>> i = incident({"eventid": "201501010001", "iyear": "2015", "imonth": "10", "iday": "0",
    ...               "country_txt": "Afghanistan", "gname": "Taliban", "guncertain1": "1", "nkill": ""})
    >>> i.date.edtf, i.date.latest.isoformat(), i.perpetrators[0].suspected, i.killed
    ('2015-10', '2015-10-31', True, None)
    >>> try:
    ...     incident({"eventid": "1", "iyear": "2015", "imonth": "2", "iday": "30", "country_txt": "X"})
    ... except RowError as exc:
    ...     print(exc)
    iday 30 is not a day of 2015-02
    """
    text = {key: (row.get(key) or "").strip() for key in USED}
    eventid = text.get("eventid", "")
    if not eventid.isdigit():
        raise RowError(f"eventid {eventid!r} is not a number", "GTD event ids are 12 digits: YYYYMMDDNNNN")
    if not text.get("country_txt"):
        raise RowError("country_txt is empty", "every GTD incident names its country")
    return Incident(
        eventid=eventid, date=_date(text), approxdate=text.get("approxdate", ""),
        country=text["country_txt"], provstate=text.get("provstate", ""), city=text.get("city", ""),
        latitude=_coordinate(text, "latitude", 90), longitude=_coordinate(text, "longitude", 180),
        specificity=text.get("specificity", ""), summary=text.get("summary", ""),
        success=_yes_no(text, "success"), attack_type=text.get("attacktype1_txt", ""),
        target_type=text.get("targtype1_txt", ""), target=text.get("target1", ""),
        perpetrators=_perpetrators(text), competing_claims=_yes_no(text, "compclaim"),
        killed=_count(text, "nkill"), wounded=_count(text, "nwound"),
        citations=tuple(c for c in (text.get("scite1", ""), text.get("scite2", ""), text.get("scite3", "")) if c),
        dbsource=text.get("dbsource", ""),
    )


def _int(text: Mapping[str, str], column: str, low: int, high: int) -> int:
    value = text.get(column, "")
    try:
        number = int(float(value)) if value else 0
    except ValueError:
        raise RowError(f"{column} {value!r} is not a number", f"{column} is a whole number") from None
    if not low <= number <= high:
        raise RowError(f"{column} {number} is out of range {low}-{high}", "0 means unknown for month and day")
    return number


def _date(text: Mapping[str, str]) -> DateSpan:
    """The incident date at the precision given: day, month or year."""
    year = _int(text, "iyear", 1, 9999)
    month = _int(text, "imonth", 0, 12)
    day = _int(text, "iday", 0, 31)
    if month == 0:
        if day:
            raise RowError(f"iday {day} given without a month", "set imonth, or iday to 0")
        return DateSpan(f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        return DateSpan(f"{year:04d}-{month:02d}", dt.date(year, month, 1), dt.date(year, month, last), "month")
    if day > last:
        raise RowError(f"iday {day} is not a day of {year:04d}-{month:02d}", "check iday, or set it to 0 if unknown")
    day_date = dt.date(year, month, day)
    return DateSpan(day_date.isoformat(), day_date, day_date, "day")


def _number(text: Mapping[str, str], column: str, hint: str) -> float | None:
    """A decimal column; empty is ``None`` (unknown)."""
    value = text.get(column, "")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a number", hint) from None


def _coordinate(text: Mapping[str, str], column: str, limit: float) -> float | None:
    number = _number(text, column, "decimal degrees, e.g. 34.52")
    if number is not None and not -limit <= number <= limit:
        raise RowError(f"{column} {number} is outside ±{limit:g}", "decimal degrees, WGS84")
    return number


def _yes_no(text: Mapping[str, str], column: str) -> bool | None:
    value = text.get(column, "")
    if value in ("", "-9", "-9.0"):
        return None
    if value in ("1", "1.0", "0", "0.0"):
        return value.startswith("1")
    raise RowError(f"{column} {value!r} is not 1, 0 or -9", f"{column}: 1 yes, 0 no, -9 unknown")


def _count(text: Mapping[str, str], column: str) -> float | None:
    number = _number(text, column, "leave it empty when unknown")
    if number is not None and number < 0:
        raise RowError(f"{column} {text[column]} is negative", "leave it empty when unknown")
    return number


def _perpetrators(text: Mapping[str, str]) -> tuple[Perpetrator, ...]:
    found = []
    for name_col, uncertain_col, claim_col, mode_col in (("gname", "guncertain1", "claimed", "claimmode_txt"),
                                                         ("gname2", "guncertain2", "claim2", "claimmode2_txt"),
                                                         ("gname3", "guncertain3", "claim3", "claimmode3_txt")):
        name = text.get(name_col, "")
        if not name or name == UNKNOWN_GROUP:
            continue
        found.append(Perpetrator(name, bool(_yes_no(text, uncertain_col)), _yes_no(text, claim_col),
                                 text.get(mode_col, "")))
    return tuple(found)
