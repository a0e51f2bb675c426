"""Dates in a text: explicit, partial and relative, as EDTF, grounded by their span.

Relative expressions ("الشهر الماضي", "أمس الجمعة", "في يناير الماضي") resolve against
the source's publication date. When that date is uncertain (a month, or an interval such
as ``2015-11/2016-12``), an expression is resolved for the earliest and for the latest
day of publication and the result is the interval between the two, at the expression's
own precision, so the uncertainty is kept:

>>> from kg.dates import parse
>>> from kg.extract.rules import load_rules
>>> from kg.extract.text import Folded
>>> rules = load_rules()
>>> def edtfs(text, published):
...     return [d.edtf for d in find_dates(Folded(text), rules, parse(published))]
>>> edtfs("الغارات التي استهدفت الشهر الماضي", "2014-10")
['2014-09']
>>> edtfs("في العام الماضي", "2015-11/2016-12")
['2014/2015']
>>> edtfs("مساء أمس الجمعة", "2024-03-23")
['2024-03-22']
>>> edtfs("في الثاني والعشرين من ايلول -سبتمبر الماضي", "2014-10")
['2014-09-22']
>>> edtfs("في أواخر أكتوبر عام ٢٠١٥", "2016")
['2015-10-21/2015-10-31']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from kg.dates import DateError, DateSpan
from kg.dates import parse as parse_edtf
from kg.extract.relative import (
    PRECISION,
    RELATIVE,
    Resolver,
    early_this_year,
    edtf_of,
    month_days,
    one_day,
    resolve,
    scoped_weekday,
    weekday_on_or_after,
    weekday_on_or_before,
    year_before_month,
    year_days,
)
from kg.extract.rules import Rules, alternation
from kg.extract.text import Folded, fold

B, E = r"(?<!\w)", r"(?!\w)"
YEAR = r"(1[89]\d\d|20\d\d)(?!\d)"


@dataclass(frozen=True)
class DateFound:
    """A date expression of the text and the EDTF it means (``None``: not resolvable)."""

    start: int
    end: int
    fstart: int
    fend: int
    edtf: str | None
    rule: str
    relative: bool = False
    note: str = ""


class _Grammar:
    """The date patterns, built from the rules."""

    def __init__(self, rules: Rules) -> None:
        d = rules.dates
        self.rules = rules
        w = rules.words
        month = alternation(list(rules.months))
        clitic = r"(?:[وفبل])?"
        self.mp = rf"{clitic}{month}(?:\s*[-/(]\s*{month}\s*\)?)?"
        self.month_re = re.compile(rf"(?<![^\W\dوفبل]){month}(?!\w)")
        day = rf"(?:[0-3]?\d(?!\d)|{alternation(list(rules.ordinal_days))})"
        yw = alternation(w(d, "year_words"))
        rel_year = alternation([k for k, v in rules.relative.items() if v in ("last-year", "this-year")])
        suffix = alternation(w(d, "month_last") + w(d, "month_current"))
        phase = alternation([fold(x) for p in d["phases"].values() for x in p["words"]])
        self.phases = {fold(x): p for p in d["phases"].values() for x in p["words"]}
        weekday = alternation(list(rules.weekdays))
        parts = alternation(w(d, "day_parts"))
        lone = alternation([m for m in rules.months if m not in w(d, "lone_month_never")])
        mp, yx = self.mp, rf"(?:من\s+)?(?:{yw}\s+)?{YEAR}"
        yesterday = alternation([k for k, v in rules.relative.items() if v in DAYS_BEFORE])
        relative = alternation([k for k, v in rules.relative.items() if v not in DAYS_BEFORE])
        rel_span = alternation([k for k, v in rules.relative.items() if v in ("last-month", "this-month",
                                                                               "last-year", "this-year")])
        last = alternation(w(d, "month_last"))
        self.patterns: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(rx)) for name, rx in [
            ("iso", rf"{B}(\d{{4}})-(\d\d)-(\d\d){E}"),
            ("month day, year", rf"{B}({month})\s+(\d{{1,2}}),?\s+{YEAR}"),
            ("day month year", rf"{B}(?:يوم\s+)?({day})(?:\s+من)?\s+({mp})\s*,?\s*{yx}"),
            ("day month last/current", rf"{B}(?:يوم\s+)?({day})(?:\s+من)?\s+({mp})\s+({suffix}){E}"),
            ("phase month year", rf"{B}{clitic}({phase})\s+(?:شهر\s+)?({mp})\s+{yx}"),
            ("phase month last/current", rf"{B}{clitic}({phase})\s+(?:شهر\s+)?({mp})\s+({suffix}){E}"),
            ("phase year", rf"{B}{clitic}({phase})\s+(?:{yw}\s+)?{YEAR}"),
            ("months year", rf"{B}({mp}(?:\s*[،,]?\s*{mp})+)\s+(?:من\s+)?(?:(?:{yw}\s+)?{YEAR}|({rel_year}))"),
            ("month year", rf"{B}({mp})\s*,?\s+{yx}"),
            ("month of last/this year", rf"{B}({mp})\s+(?:من\s+)?({rel_year}){E}"),
            ("day month", rf"{B}(?:يوم\s+)?({day})(?:\s+من)?\s+({mp}){E}"),
            ("month last/current", rf"{B}({mp})\s+({suffix}){E}"),
            ("about year", rf"{B}({alternation(w(d, 'approximately'))})\s+(?:{yw}\s+)?{YEAR}"),
            ("year", rf"{B}(?:(?:{alternation(w(d, 'year_cues'))})\s+(?:{yw}\s+)?|{yw}\s+){YEAR}"),
            ("month", rf"{B}(?:{alternation(w(d, 'lone_month_after'))})\s+({lone}){E}"),
            ("yesterday", rf"{B}(?:{parts}\s+)?{clitic}({yesterday})(?:\s+({weekday}))?{E}"),
            ("relative", rf"{B}{clitic}({relative}){E}"),
            ("phase relative", rf"{B}{clitic}({phase})\s+({rel_span}){E}"),
            ("weekday", rf"{B}(?:{parts}\s+)?({weekday})(?:\s+({last}))?{E}"),
            ("anchored", rf"{B}{clitic}({alternation(list(rules.anchored))}){E}"),
        ]]
        self.not_dates = re.compile(rf"(?:{alternation(w(d, 'not_dates_after'))})\s+$")
        self.name_dates = set(w(d, "name_dates"))
        since = alternation(w(d, "since"))
        self.since = re.compile(rf"(?:{since})\s+$|^(?:{since})\s")
        self.not_relative = re.compile(rf"(?:{alternation(w(d, 'not_relative_after') or ['(?!)'])})\s+$")
        scopes = d.get("weekday_scopes") or {}
        self.scopes = {k: v for k, v in rules.relative.items() if v in scopes}
        self.scope_of = {means: str(scope) for means, scope in scopes.items()}
        self.scope_re = re.compile(rf"{B}{clitic}({alternation(list(self.scopes) or ['(?!)'])}){E}")

    def day_number(self, text: str) -> int:
        return int(text) if text.isdigit() else self.rules.ordinal_days[text]

    def month_number(self, text: str) -> int:
        found = self.month_re.search(text)
        if found is None:  # a clitic glued to the month: "وديسمبر"
            found = self.month_re.search(text[1:])
        assert found is not None
        return self.rules.months[found.group()]


def find_dates(doc: Folded, rules: Rules, published: DateSpan | None) -> list[DateFound]:
    """Every date expression of a text, resolved against the publication date."""
    grammar = _Grammar(rules)
    matches = []
    for order, (name, pattern) in enumerate(grammar.patterns):
        for m in pattern.finditer(doc.folded):
            matches.append((m.end() - m.start(), -order, name, m))
    taken: list[tuple[int, int]] = []
    kept = []
    for _, _, name, m in sorted(matches, key=lambda x: (-x[0], -x[1], x[3].start())):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        taken.append((m.start(), m.end()))
        kept.append((name, m))
    found: list[DateFound] = []
    since: list[tuple[re.Match[str], DateFound]] = []
    for name, m in sorted(kept, key=lambda x: x[1].start()):
        before = doc.folded[max(0, m.start() - 30):m.start()]
        if name in ("day month", "day month last/current") and (
                grammar.not_dates.search(before) or _key(m.group()) in grammar.name_dates):
            continue
        if name == "relative" and grammar.not_relative.search(before):
            continue
        read = _read(doc, grammar, name, m, published, found)
        if read and read[0].edtf and (grammar.since.search(before) or grammar.since.search(m.group())):
            since.append((m, read[0]))
        found.extend(read)
    found += [d for m, first in since if (d := _since(doc, m, first, found, published)) is not None]
    return sorted(found, key=lambda d: d.start)


def _since(doc: Folded, m: re.Match[str], first: DateFound, found: list[DateFound],
           published: DateSpan | None) -> DateFound | None:
    """"منذ بداية العام": from that date to the day the sentence's statement was made (a
    weekday or "yesterday" in the same sentence), else to the publication."""
    sentence = doc.sentence_of(m.start())
    said = [d for d in found if d.rule in STATEMENT_RULES and d.edtf and sentence[0] <= d.fstart < sentence[1]]
    if said:
        last, why = parse_edtf(said[0].edtf or "").latest, f"from this date to the statement ({said[0].rule})"
    elif published is not None:
        last, why = published.latest, "from this date to the publication"
    else:
        return None
    span = parse_edtf(first.edtf or "")
    precision = span.precision if span.precision in ("day", "month", "year") else "day"
    return _make(doc, m, "since", edtf_of(span.earliest, last, precision), True, why)


STATEMENT_RULES = ("weekday", "yesterday", "day-before-yesterday")
DAYS_BEFORE = {"yesterday": 1, "day-before-yesterday": 2}
"""Relative days counted back from the publication ("أمس", "أمس الأول")."""
"""Date rules that say when a sentence's statement was made ("أكد المرصد، السبت، أن...")."""


def _key(text: str) -> str:
    return " ".join(text.split())


def _make(doc: Folded, m: re.Match[str], rule: str, edtf: str | None, relative: bool,
          note: str = "") -> DateFound:
    start, end = doc.span(m.start(), m.end())
    if edtf is not None:
        try:
            parse_edtf(edtf)
        except DateError:
            edtf, note = None, f"{note} (not a valid date)".strip()
    return DateFound(start, end, m.start(), m.end(), edtf, rule, relative, note)


def _read(doc: Folded, g: _Grammar, name: str, m: re.Match[str], pub: DateSpan | None,
          before: list[DateFound]) -> list[DateFound]:
    """The date(s) one match means."""
    try:
        out = _explicit(g, name, m)
    except (ValueError, KeyError):
        return []
    if out is not None:
        lo, hi, precision = out
        return [_make(doc, m, name, edtf_of(lo, hi, precision), False)]
    if name == "about year":
        return [_make(doc, m, name, f"{m.group(2)}~", False)]
    if name in ("month of last/this year", "months year"):
        return _months_of_year(doc, g, name, m, pub)
    if name == "yesterday":
        return [_yesterday(doc, g, m, pub)]
    if name == "anchored":
        return [_anchored(doc, g, m, before)]
    if name == "relative":
        return _relative_phrase(doc, g, m, pub, before)
    note = ""
    if name in ("phase month last/current", "phase relative"):
        resolver, precision = _phased(g, name, m)
    elif name == "weekday":
        resolver, precision, note = _weekday(doc, g, m)
    if name not in ("weekday", "phase month last/current", "phase relative"):
        resolver, precision = _calendar(g, name, m)
    try:
        edtf = resolve(pub, resolver, precision)
    except ValueError:
        return []
    return [_make(doc, m, name, edtf, True, note if pub is not None else "needs the publication date")]


def _calendar(g: _Grammar, name: str, m: re.Match[str], first: int = 1) -> tuple[Resolver, str]:
    """Days and months without a year: the latest such day or month (or that of "الحالي")."""
    if name == "day month last/current":
        day, month = g.day_number(m.group(1)), g.month_number(m.group(2))
        last = _key(m.group(3)) in g.rules.words(g.rules.dates, "month_last")
        return (lambda p: one_day(year_before_month(month, p, True) if last else p.year, month, day)), "day"
    if name == "day month":
        day, month = g.day_number(m.group(1)), g.month_number(m.group(2))
        return (lambda p: one_day(p.year if (month, day) <= (p.month, p.day) else p.year - 1, month, day)), "day"
    month = g.month_number(m.group(first))
    last = name == "month" or fold(m.group(first + 1)) in g.rules.words(g.rules.dates, "month_last")
    strict = name != "month"
    return (lambda p: month_days(year_before_month(month, p, strict) if last else p.year, month)), "month"


def _phased(g: _Grammar, name: str, m: re.Match[str]) -> tuple[Resolver, str]:
    """"منتصف أكتوبر الماضي", "أواخر الشهر الماضي": a part of a month (days) or of a year (months)."""
    phase = g.phases[fold(m.group(1))]
    if name == "phase relative":
        means = g.rules.relative[_key(m.group(2))]
        whole = RELATIVE[means]
        if means.endswith("year"):
            a, b = phase["months"]
            return (lambda p: (month_days(whole(p)[0].year, a)[0], month_days(whole(p)[0].year, b)[1])), "month"
        return _days_of(phase, whole), "day"
    month_of, _ = _calendar(g, "month last/current", m, 2)
    return _days_of(phase, month_of), "day"


def _days_of(phase: dict[str, Any], month_of: Resolver) -> Resolver:
    def resolver(p: dt.date) -> tuple[dt.date, dt.date]:
        first, last = month_of(p)
        a, b = phase["days"]
        return first.replace(day=a), last.replace(day=min(b, last.day))
    return resolver


def _weekday(doc: Folded, g: _Grammar, m: re.Match[str]) -> tuple[Resolver, str, str]:
    """A weekday: the latest such day on or before publication, unless its sentence names the
    current year or month (rules: weekday_scopes), which widens it to any such day of it."""
    wd = g.rules.weekdays[m.group(1)]
    s_start, s_end = doc.sentence_of(m.start())
    scope = g.scope_re.search(doc.folded, s_start, s_end)
    if scope is not None:
        within = g.scope_of[g.scopes[_key(scope.group(1))]]
        return scoped_weekday(wd, within), "day", f"any such day of the {within} named in its sentence"
    if m.group(2):  # "الخميس الماضي": before the publication day
        return (lambda p: (weekday_on_or_before(p - dt.timedelta(days=1), wd),) * 2), "day", ""
    return (lambda p: (weekday_on_or_before(p, wd),) * 2), "day", ""


def _relative_phrase(doc: Folded, g: _Grammar, m: re.Match[str], pub: DateSpan | None,
                     before: list[DateFound]) -> list[DateFound]:
    """"الشهر الماضي", "العام الحالي", "حتى الآن"...: and a second, wider reading (``also``)."""
    means = g.rules.relative[_key(m.group(1))]
    if pub is None:
        return [_make(doc, m, means, None, True, "needs the publication date")]
    if means == "recently":
        edtf = f"{pub.earliest.year}?" if pub.earliest.year == pub.latest.year \
            else f"{pub.earliest.year}/{pub.latest.year}"
        return [_make(doc, m, means, edtf, True, "the publication year, uncertain")]
    if means == "now":
        out = [_make(doc, m, means, pub.edtf, True, "the publication date")]
    else:
        out = [_make(doc, m, means, resolve(pub, _resolver(g, means), PRECISION[means]), True)]
    also = g.rules.relative_also.get(_key(m.group(1)))
    if also == "so-far":
        anchor = _last_date(before)
        if anchor is not None:
            span = parse_edtf(anchor.edtf or "")
            out.append(_make(doc, m, also, edtf_of(span.earliest, pub.latest, "day"), True,
                             f"from the last date named ({anchor.edtf}) to the publication"))
    elif also:
        out.append(_make(doc, m, also, resolve(pub, _resolver(g, also), PRECISION[also]), True,
                         f"contains {means}"))
    return out


def _resolver(g: _Grammar, means: str) -> Resolver:
    if means == "early-this-year":
        months = g.rules.dates["phases"]["early"]["months"]
        return early_this_year((int(months[0]), int(months[1])))
    return RELATIVE[means]


def _last_date(before: list[DateFound]) -> DateFound | None:
    """The last date named before, not counting readings of the publication date itself."""
    return next((d for d in reversed(before) if d.edtf and d.rule not in ("now", "recently", "so-far")), None)


def _explicit(g: _Grammar, name: str, m: re.Match[str]) -> tuple[dt.date, dt.date, str] | None:
    """Dates that need no publication date: (first day, last day, precision)."""
    if name == "iso":
        return (*one_day(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day")
    if name == "month day, year":
        return (*one_day(int(m.group(3)), g.month_number(m.group(1)), int(m.group(2))), "day")
    if name == "day month year":
        return (*one_day(int(m.group(3)), g.month_number(m.group(2)), g.day_number(m.group(1))), "day")
    if name == "month year":
        return (*month_days(int(m.group(2)), g.month_number(m.group(1))), "month")
    if name == "year":
        return (*year_days(int(m.group(1))), "year")
    if name in ("phase month year", "phase year"):
        phase = g.phases[fold(m.group(1))]
        if name == "phase year":
            year, (a, b) = int(m.group(2)), phase["months"]
            return month_days(year, a)[0], month_days(year, b)[1], "month"
        year, month, (a, b) = int(m.group(3)), g.month_number(m.group(2)), phase["days"]
        first, last = month_days(year, month)
        return first.replace(day=a), last.replace(day=min(b, last.day)), "day"
    return None


def _months_of_year(doc: Folded, g: _Grammar, name: str, m: re.Match[str],
                    pub: DateSpan | None) -> list[DateFound]:
    """"يوليو وديسمبر من العام الماضي": each month, and the interval from the first to the last."""
    months = [g.rules.months[x.group()] for x in g.month_re.finditer(m.group(1))]
    relword = m.group(2) if name == "month of last/this year" else m.group(3)
    year_text = None if relword else re.search(YEAR, m.group())
    out = []
    for month in dict.fromkeys([months[0], months[-1]] if len(months) > 1 else months):
        out.append(_month_in(doc, g, m, month, relword, year_text, pub, name))
    if len(months) > 1:
        first, last = out[0].edtf, out[-1].edtf
        if first and last:
            span = f"{first.split('/')[0]}/{last.split('/')[-1]}"
            out.append(_make(doc, m, name, span, bool(relword), "from the first month named to the last"))
    return out


def _month_in(doc: Folded, g: _Grammar, m: re.Match[str], month: int, relword: str | None,
              year_text: re.Match[str] | None, pub: DateSpan | None, name: str) -> DateFound:
    if year_text is not None:
        return _make(doc, m, name, edtf_of(*month_days(int(year_text.group(1)), month), "month"), False)
    shift = -1 if g.rules.relative[_key(relword or "")] == "last-year" else 0
    edtf = resolve(pub, lambda p: month_days(p.year + shift, month), "month")
    return _make(doc, m, name, edtf, True)


def _yesterday(doc: Folded, g: _Grammar, m: re.Match[str], pub: DateSpan | None) -> DateFound:
    if pub is None:
        return _make(doc, m, "yesterday", None, True, "needs the publication date")
    means = g.rules.relative[_key(m.group(1))]
    back = dt.timedelta(days=DAYS_BEFORE[means])
    lo, hi = pub.earliest - back, pub.latest - back
    note = ""
    if m.group(2):
        wd = g.rules.weekdays[m.group(2)]
        first, last = weekday_on_or_after(lo, wd), weekday_on_or_before(hi, wd)
        if first <= last:
            lo, hi = first, last
        else:
            note = "the weekday does not fit the publication date"
    return _make(doc, m, means, edtf_of(lo, hi, "day"), True, note)


def _anchored(doc: Folded, g: _Grammar, m: re.Match[str], before: list[DateFound]) -> DateFound:
    anchor = _last_date(before)
    if anchor is None:
        return _make(doc, m, "anchored", None, True, "no earlier date in the text to count from")
    a, b = g.rules.anchored[_key(m.group(1))]
    span = parse_edtf(anchor.edtf or "")
    lo, hi = span.earliest + dt.timedelta(days=a), span.latest + dt.timedelta(days=b)
    return _make(doc, m, "anchored", edtf_of(lo, hi, "day"), True, f"{a}-{b} days after {anchor.edtf}")
