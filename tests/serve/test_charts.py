"""The charts' geometry and markup, without a browser: bars, fades, arrows, attested ticks, timeline shapes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from kg.analysis.relations import Relation
from kg.analysis.temporal import Held
from kg.analysis.timeline import Event
from kg.dates import DateSpan, Interval, parse
from kg.serve import affiliation_chart, event_chart, link_chart


@dataclass(frozen=True)
class Attested(Interval):
    """An interval with the attested date another branch adds to kg.dates.Interval."""

    attested: DateSpan | None = None


def held(interval: Interval, fact: str = "f-1", relation: str = "member") -> Held:
    return Held(Relation("amir", "group", relation, "affiliation", interval, "reported", ("src-1",), (fact,)),
                "unknown", "in")


def axis() -> Any:
    return affiliation_chart.axis_for([dt.date(2014, 1, 1), dt.date(2020, 12, 31)], None)


def draw(*rows: Held) -> affiliation_chart.AffiliationChart:
    return affiliation_chart.chart(affiliation_chart.order(rows), axis(), lambda e: e.upper())


def test_partial_start_is_may_then_surely() -> None:
    row = draw(held(Interval(parse("2015"), parse("2018-06"))))
    r = row.rows[0]
    assert r.possible is not None and r.certain is not None and r.possible.fade == ""
    ax = row.axis
    assert abs(r.possible.x - ax.x(dt.date(2015, 1, 1))) < 0.01
    assert abs(r.certain.x - ax.x(dt.date(2015, 12, 31))) < 0.01
    assert r.certain.x + r.certain.width < r.possible.x + r.possible.width  # June 2018 is only "may"
    assert r.label == "AMIR → member" and r.href == "/id/f-1"


def test_unknown_bounds_fade_to_the_edges_and_ongoing_ends_in_an_arrow() -> None:
    chart = draw(held(Interval(None, parse("2016")), "f-a"),
                 held(Interval(parse("2015"), None, dt.date(2019, 3, 1)), "f-b"), held(Interval(), "f-c"))
    by_fact = {r.facts[0]: r for r in chart.rows}
    assert by_fact["f-a"].possible.fade == "start" and by_fact["f-a"].possible.x == chart.axis.left
    assert by_fact["f-b"].possible.fade == "end" and by_fact["f-b"].ongoing_x == chart.axis.x(dt.date(2019, 3, 1))
    assert by_fact["f-c"].possible.fade == "both" and by_fact["f-c"].certain is None
    assert [r.facts[0] for r in chart.rows][-1] == "f-c"  # undated rows come last


def test_attested_dates_become_ticks_when_the_interval_records_them() -> None:
    chart = draw(held(Attested(None, None, None, parse("2016-05-04"))))
    [(edtf, x, width)] = chart.rows[0].attested
    assert edtf == "2016-05-04" and abs(x - chart.axis.x(dt.date(2016, 5, 4))) < 0.01 and width == 0
    assert affiliation_chart.attested_dates(SimpleNamespace(attested=[parse("2015"), "not a date"])) == [parse("2015")]
    env = Environment(loader=PackageLoader("kg.serve", "templates"), autoescape=select_autoescape())
    env.filters["urlquote"] = str
    svg = env.get_template("_affiliation_chart.html").render(page=SimpleNamespace(chart=chart, title="T"))
    assert svg.count('class="attested"') == 1 and 'data-date="2016-05-04"' in svg
    # a day seen holding is a sure day once kg.dates counts attested dates in the certain span
    sure = chart.rows[0].certain is not None
    assert ("bar-surely" in svg) == sure == (held(Attested(None, None, None, parse("2016-05-04"))).relation
                                              .certain_window() is not None)


def test_event_shapes_follow_precision_and_lanes_do_not_overlap() -> None:
    def event(date: str, fact: str) -> Event:
        span = parse(date)
        return Event(span.earliest.isoformat(), span.latest.isoformat(), date, span.precision, "date", "split", fact,
                     "reported", "src", "", "")

    events = [event("2015-10-21", "f1"), event("2015-10", "f2"), event("2014-09/2014-12", "f3"), event("2018~", "f4"),
              event("2015-10-21", "f5")]
    chart = event_chart.chart(events, axis(), 1100)
    shapes = {m.event.fact: m.shape for m in chart.marks}
    assert shapes == {"f1": "point", "f2": "span", "f3": "fuzzy", "f4": "fuzzy", "f5": "point"}
    lanes = {m.event.fact: m.y for m in chart.marks}
    assert lanes["f1"] != lanes["f5"]  # the same day twice: stacked, not drawn over each other
    assert len(chart.bands) == 1 and chart.bands[0].height >= 2 * event_chart.LANE


def test_link_chart_status_and_exports() -> None:
    import networkx as nx

    net = nx.MultiDiGraph()
    for rel in (Relation("a", "b", "member", "affiliation", Interval(parse("2014"), parse("2017")), "reported",
                         ("s",), ("f1",)),
                Relation("a", "c", "ally", "affiliation", Interval(None, parse("2014")), "reported", ("s",), ("f2",))):
        net.add_edge(rel.subject, rel.object, key=rel.facts[0], rel=rel)
    data = link_chart.neighbourhood(net, _NoGraph(), ["a"], link_chart.when("2015-07", dt.date(2020, 1, 1)))
    holds = {e["facts"][0]: e["holds"] for e in data["edges"]}
    assert holds == {"f1": "certain", "f2": "absent"}
    graphml = link_chart.graphml(data).decode("utf-8")
    assert "f1" in graphml and "f2" not in graphml  # what the chart shows: the absent relation is left out
    dot = link_chart.to_dot(data)
    assert '"a" -> "b"' in dot and "style=solid" in dot and '"c"' not in dot


class _NoGraph:
    """An rdflib graph stand-in with no types and no labels."""

    def __contains__(self, triple: object) -> bool:
        return False

    def objects(self, *_: object) -> Any:
        return iter(())
