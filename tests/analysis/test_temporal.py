"""Certain/possible semantics, time-respecting paths and lineage, on networks built for them."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import networkx as nx
import pytest

from kg.analysis.lineage import lineage, to_dot, to_mermaid
from kg.analysis.relations import Relation
from kg.analysis.temporal import affiliations, connections
from kg.dates import DateError, Interval, _edtf_bounds, _plain_bounds, parse


def rel(subject: str, obj: str, relation: str, start: str | None, end: str | None,
        kind: str = "affiliation", fact: str = "f") -> Relation:
    interval = Interval(parse(start) if start else None, parse(end) if end else None)
    return Relation(subject, obj, relation, kind, interval, "reported", ("src",), (fact,))


def net_of(*relations: Relation) -> nx.MultiDiGraph:
    net = nx.MultiDiGraph()
    for r in relations:
        net.add_edge(r.subject, r.object, key=r.facts[0], rel=r)
    return net


def month(text: str) -> tuple[dt.date, dt.date]:
    span = parse(text)
    return span.earliest, span.latest


DEFECTOR = net_of(rel("dost", "isk", "deputy-leader", "2015-01", "2015-10-21/2015-10-31"))


@pytest.mark.parametrize(("when", "expected"), [
    ("2015-06", ["certain"]),   # start and end bounds both surely cover June
    ("2015-10", ["possible"]),  # the break falls somewhere in late October
    ("2015-12", []),            # after the break: absent
    ("2014-12", []),            # before the earliest start: absent
])
def test_defector_status_around_the_break(when: str, expected: list[str]) -> None:
    assert [h.status for h in affiliations(DEFECTOR, "isk", window=month(when))] == expected


def test_unknown_start_is_never_certain() -> None:
    net = net_of(rel("dost", "isk", "deputy-leader", None, "2015-10"))
    assert [h.status for h in affiliations(net, "isk", window=month("2015-06"))] == ["possible"]


def test_ongoing_relation_is_certain_until_the_source_date() -> None:
    interval = Interval(parse("2014"), None, ongoing_as_of=dt.date(2016, 1, 1))
    net = net_of(Relation("a", "b", "member", "affiliation", interval, "reported", ("s",), ("f",)))
    assert [h.status for h in affiliations(net, "b", window=month("2015-06"))] == ["certain"]
    assert [h.status for h in affiliations(net, "b", window=month("2017-06"))] == ["possible"]


def attested(when: str, start: str | None = None, end: str | None = None) -> nx.MultiDiGraph:
    interval = Interval(parse(start) if start else None, parse(end) if end else None, attested=parse(when))
    return net_of(Relation("host", "guest", "hosted-by", "affiliation", interval, "reported", ("s",), ("f",)))


@pytest.mark.parametrize(("when", "expected"), [
    ("2014-09-22", ["certain"]),   # the day the source shows it holding
    ("2014-09", ["possible"]),     # but not every day of that month
    ("2014-09-23", ["possible"]),  # nor the next day: start and end are unknown
    ("2010", ["possible"]),
])
def test_an_attested_day_is_certain_and_only_that_day(when: str, expected: list[str]) -> None:
    assert [h.status for h in affiliations(attested("2014-09-22"), "guest", window=month(when))] == expected


def test_an_attested_range_makes_no_day_certain() -> None:
    # seen holding on some day of late October: no single day of it is sure
    net = attested("2015-10-21/2015-10-31")
    for when in ("2015-10-21", "2015-10-25", "2015-10-31", "2015-10-21/2015-10-31"):
        assert [h.status for h in affiliations(net, "guest", window=month(when))] == ["possible"], when


def test_an_attested_date_joins_a_known_start_or_end() -> None:
    # started in 2014 and seen holding on 1 March 2016: certain from the end of 2014 to that day
    net = attested("2016-03-01", start="2014")
    assert [h.status for h in affiliations(net, "guest", window=month("2015-06"))] == ["certain"]
    assert [h.status for h in affiliations(net, "guest", window=month("2016-04"))] == ["possible"]
    rel = next(iter(net.edges(data=True)))[2]["rel"]
    assert rel.certain_window() == (dt.date(2014, 12, 31), dt.date(2016, 3, 1))
    assert rel.as_dict()["attested"] == "2016-03-01"
    # ended on the day it was last seen: certain that day, gone the day after
    net = attested("2014-09-22", end="2014-09-22")
    assert [h.status for h in affiliations(net, "guest", window=month("2014-09-22"))] == ["certain"]
    assert affiliations(net, "guest", window=month("2014-09-23")) == []


def test_an_attested_day_makes_a_path_certain_on_that_day() -> None:
    net = net_of(
        Relation("a", "x", "member", "affiliation", Interval(attested=parse("2014-09-22")), "reported", ("s",),
                 ("f1",)),
        rel("x", "y", "ally", "2013", "2016", fact="f2"))
    paths = connections(net, "a", "y", window=month("2014-09-22"))
    assert [p.certain for p in paths] == [True]
    assert [p.certain for p in connections(net, "a", "y", window=month("2014-10"))] == [False]


def test_role_filter() -> None:
    net = net_of(rel("a", "g", "leader", "2014", "2016", fact="f1"),
                 rel("b", "g", "member", "2014", "2016", fact="f2"))
    assert [h.relation.subject for h in affiliations(net, "g", role="member")] == ["b"]


# A was in X until 2012; X allied with Y only from 2015: A and Y never shared a moment.
BROKEN_CHAIN = net_of(
    rel("a", "x", "member", "2010", "2012", fact="f1"),
    rel("x", "y", "ally", "2015", "2016", fact="f2"),
    rel("b", "y", "member", "2015", "2016", fact="f3"),
)


def test_chain_through_an_ended_affiliation_is_not_a_path() -> None:
    assert connections(BROKEN_CHAIN, "a", "y") == []
    assert connections(BROKEN_CHAIN, "a", "b") == []


def test_overlapping_chain_is_a_path_with_its_window() -> None:
    paths = connections(BROKEN_CHAIN, "x", "b")
    assert len(paths) == 1
    path = paths[0]
    assert [e for e, _ in path.hops] == ["y", "b"]
    assert (path.first, path.last) == (dt.date(2015, 1, 1), dt.date(2016, 12, 31))
    assert path.certain


def test_connection_at_a_date_outside_the_overlap() -> None:
    assert connections(BROKEN_CHAIN, "x", "b", window=month("2014-05")) == []


def test_direct_relation_comes_first() -> None:
    net = net_of(rel("a", "b", "ally", "2010", "2020", fact="f1"),
                 rel("a", "c", "ally", "2010", "2020", fact="f2"),
                 rel("c", "b", "ally", "2010", "2020", fact="f3"))
    assert [len(p.hops) for p in connections(net, "a", "b")] == [1, 2]


LINEAGE = net_of(
    rel("isk", "taliban", "formation", "2014", "2014", kind="lineage", fact="f1"),
    rel("isk", "isis", "branch-of", "2015", None, fact="f2"),
    rel("isis", "aqi", "split", "2013", "2013", kind="lineage", fact="f3"),
    rel("splinter", "isk", "defection", "2015", "2015", kind="lineage", fact="f4"),
)


def test_lineage_up_reaches_grandparents() -> None:
    up = lineage(LINEAGE, "isk", "up")
    assert [(link.parent, link.depth) for link in up] == [("isis", 1), ("taliban", 1), ("aqi", 2)]


def test_lineage_down_and_diagrams() -> None:
    down = lineage(LINEAGE, "isk", "down")
    assert [(link.child, link.parent) for link in down] == [("splinter", "isk")]
    assert '"splinter" -> "isk"' in to_dot(down, {})
    assert '-->|"defection 2015"|' in to_mermaid(down, {})


PLAIN_DATES = ["2015", "2015-10", "2016-02", "2015-02", "2016-02-29", "2015-02-29", "2015-13", "2015-00",
               "2015-10-00", "2015-10-32", "0000", "0001-01-01", "1999-12-31", "9999-12", "2015-04-31"]


@pytest.mark.parametrize("text", PLAIN_DATES)
def test_plain_dates_get_the_days_the_edtf_package_gives(text: str) -> None:
    try:
        expected: tuple[dt.date, dt.date] | None = _edtf_bounds(text)
    except Exception:
        expected = None
    try:
        got = _plain_bounds(text)
    except ValueError:
        got = None
    assert got == expected, text
    if expected is None:
        with pytest.raises(DateError):
            parse(text)


def test_a_plain_date_does_not_load_the_edtf_grammar() -> None:
    code = ("import sys; from kg.dates import parse; parse('2015-10'); parse('2015-10-28'); "
            "print('edtf' in sys.modules)")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code = "import sys; from kg.dates import parse; parse('2014~'); print('edtf' in sys.modules)"
    qualified = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (plain.stdout.strip(), qualified.stdout.strip()) == ("False", "True")
