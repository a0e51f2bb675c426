"""The pictures of ``kg serve`` as Chromium draws them: affiliations over time, lineage, timeline, link chart.

Assertions are on the rendered DOM (positions, computed styles, the link chart's state), with the
expected values computed from the analyses, not written down. The screenshots of docs/pages.md are
taken here too: ``KG_SCREENSHOTS=docs/pictures python -m pytest tests/serve/test_pictures.py``
writes them there; otherwise they go to a temporary folder and are only checked to be drawn.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.analysis.lineage import lineage
from kg.analysis.relations import network
from kg.analysis.temporal import affiliations
from kg.serve.axis import TimeAxis
from kg.store.store import open_graph
from tests.conftest import REPO, bench_module
from tests.serve import test_serve
from tests.serve.test_serve import _chromium, get

server = test_serve.server
"""The module's own ``kg serve`` over a copy of the curated build (the fixture of test_serve)."""

PAGES = {"isis-k": "ISIS-K", "khorasan-group": "Khorasan Group", "hafiz-saeed-khan": "Hafiz Saeed Khan",
         "kerman-bombings-2024": "Kerman attack"}
CHART_DATES = ("2014-06", "2015-10", "2020-06")
PARTIAL_START = "f-0a9c83c6-07"
"""ISIS-K branch-of ISIS, from "2015" (a year: the start is partial), ongoing as of 2024-03-22."""


@pytest.fixture(scope="module")
def net() -> Any:
    return network(open_graph(REPO))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _chromium()
    if path is None:
        pytest.skip("chromium is not installed; .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("KG_REQUIRE_BROWSER"):
            pytest.fail("playwright is not installed (it is in the test extra)")
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    opened.close()
    assert not errors, errors


def _chart(page: Any, server: str, query: str) -> None:
    page.goto(f"{server}/graph?{query}")
    page.wait_for_selector('#chart[data-status="ready"]', timeout=60_000)


def test_affiliation_chart_has_a_bar_per_relation_and_a_row_per_bar(server: str, page: Any, net: Any) -> None:
    expected = len(affiliations(net, "isis-k"))
    page.goto(f"{server}/id/isis-k")
    assert page.locator("svg#affiliation-chart g.aff-row").count() == expected
    assert page.locator("#affiliation-table tr[id^=aff-]").count() == expected
    # every row has a may-have-held bar, and each bar links to its fact (or its row when it has several)
    assert page.locator("svg#affiliation-chart rect.bar-may").count() == expected
    hrefs = page.eval_on_selector_all("svg#affiliation-chart a.aff-bar", "els => els.map(a => a.getAttribute('href'))")
    assert all(h.startswith("/id/f-") or h.startswith("#aff-") for h in hrefs)
    titles = page.eval_on_selector_all("svg#affiliation-chart a.aff-bar > title", "els => els.map(t => t.textContent)")
    assert any("branch-of" in t and "src-0a9c83c6" in t and "claimed" in t for t in titles)


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return dict(box)


def test_partial_start_is_hatched_then_solid(server: str, page: Any, net: Any) -> None:
    page.goto(f"{server}/id/isis-k")
    row = f'svg#affiliation-chart g.aff-row[data-facts="{PARTIAL_START}"]'
    may, surely = _box(page, f"{row} rect.bar-may"), _box(page, f"{row} rect.bar-surely")
    held = next(h.relation for h in affiliations(net, "isis-k") if h.relation.facts == (PARTIAL_START,))
    (first, _), (sure_first, sure_last) = held.possible_window(), held.certain_window()
    # the page's axis, read back from two of its ticks, places the bars at the analysis's days
    ticks = {t.text_content(): t.bounding_box() for t in page.locator("svg#affiliation-chart g.axis text").all()}
    x2015, x2016 = (ticks[y]["x"] + ticks[y]["width"] / 2 for y in ("2015", "2016"))
    per_day = (x2016 - x2015) / 365

    def x_of(day: dt.date) -> float:
        return x2015 + (day - dt.date(2015, 1, 1)).days * per_day

    assert abs(may["x"] - x_of(first)) < 2 and abs(surely["x"] - x_of(sure_first)) < 2
    assert surely["x"] - may["x"] > 300 * per_day  # most of 2015 is only "may have held"
    assert abs(surely["x"] + surely["width"] - x_of(sure_last + dt.timedelta(days=1))) < 2
    assert may["x"] + may["width"] > surely["x"] + surely["width"]  # no end: it may still hold, fading out
    assert page.locator(f"{row} rect.bar-may").get_attribute("data-fade") == "end"
    assert page.locator(f"{row} path.ongoing").count() == 1
    fills = page.eval_on_selector_all(f"{row} rect",
                                      "els => els.map(e => e.classList.value + '=' + getComputedStyle(e).fill)")
    assert any(f.startswith("bar-surely=rgb(") for f in fills) and any(f.startswith("bar-may=url(") for f in fills)
    # the same start with no end and no "ongoing as of": nothing is sure, so no solid bar
    other = next(h.relation for h in affiliations(net, "isis-k")
                 if h.relation.start == "2015" and not h.relation.end)
    assert other.certain_window() is None
    lone = f'svg#affiliation-chart g.aff-row[data-facts="{" ".join(other.facts)}"]'
    assert page.locator(f"{lone} rect.bar-may").count() == 1 and page.locator(f"{lone} rect.bar-surely").count() == 0


RENDERED_FONT = """els => els.map(t => {
  const m = t.getScreenCTM();
  return Math.hypot(m.a, m.b) * parseFloat(getComputedStyle(t).fontSize);
})"""


def test_label_text_is_legible(server: str, page: Any) -> None:
    page.goto(f"{server}/id/isis-k")
    for chart in (".lineage svg", "svg#affiliation-chart", "svg#event-chart"):
        sizes = page.eval_on_selector_all(f"{chart} text", RENDERED_FONT)
        assert sizes and min(sizes) >= 11, (chart, min(sizes))
    page.set_viewport_size({"width": 1024, "height": 800})  # a narrower window scrolls the drawing, not shrinks it
    assert min(page.eval_on_selector_all(".lineage svg text", RENDERED_FONT)) >= 11


def test_lineage_has_no_parallel_duplicate_edges(server: str, page: Any, net: Any) -> None:
    page.goto(f"{server}/id/isis-k")
    titles = page.eval_on_selector_all(".lineage svg g.edge > title", "els => els.map(t => t.textContent)")
    links = lineage(net, "isis-k", "both")
    pairs = {(lk.parent, lk.child) for lk in links}
    assert len(links) > len(pairs)  # the analysis does give parallel links ...
    assert len(titles) == len(set(titles)) == len(pairs)  # ... and the drawing merges them
    facts = {f for lk in links if (lk.parent, lk.child) == ("isis", "isis-k") for f in lk.relation.facts}
    row = page.locator("#lineage-table tr", has=page.locator('a[href="/id/isis"]')).filter(
        has=page.locator('td:nth-child(2) a[href="/id/isis-k"]'))
    assert row.locator("td:nth-child(4) a").count() == len(facts) > 1
    label = page.locator(".lineage svg g.edge", has=page.locator("title", has_text="isis->isis-k")).text_content() or ""
    assert "×" in label and "branch-of" in label and "formation" in label
    assert page.locator("#lineage-legend li").count() >= 6
    full = get(f"{server}/lineage/isis-k.svg")
    assert full[0] == 200 and full[1].startswith("image/svg+xml")
    assert full[2].count(b'class="edge"') == len(pairs) and b'xlink:href="/id/isis-k#lineage-' in full[2]


def test_timeline_draws_each_precision(server: str, page: Any) -> None:
    page.goto(f"{server}/id/isis-k")
    shapes = page.eval_on_selector_all("svg#event-chart a.mark",
                                       "els => els.map(a => [a.classList[1], a.dataset.precision])")
    assert {s for s, _ in shapes} == {"point", "span", "fuzzy"}
    assert all((s == "point") == (p == "day") for s, p in shapes)
    assert all(s == "fuzzy" for s, p in shapes if p == "range")
    point = page.locator("svg#event-chart a.mark.point circle").first
    fuzzy = page.locator("svg#event-chart a.mark.fuzzy rect").first
    assert fuzzy.get_attribute("mask") == "url(#fade-both)" and point.get_attribute("r")
    assert page.locator("#timeline-table tr").count() > 1  # the table stays below the chart


def test_page_structure_summary_contents_and_rtl(server: str, page: Any) -> None:
    page.goto(f"{server}/id/isis-k")
    summary = page.locator("#summary").inner_text()
    assert "Which one is this?" in summary and "Not the al-Qaeda" in summary and "ongoing as of" in summary
    toc = page.eval_on_selector_all("#toc a", "els => els.map(a => a.getAttribute('href'))")
    for target in toc:
        assert page.locator(f"details{target}").count() == 1, target
    assert page.locator("details#statements").get_attribute("open") is None  # the long list starts closed
    page.click('#toc a[href="#statements"]')
    arabic = page.eval_on_selector_all("main [lang=ar]", "els => els.map(e => getComputedStyle(e).direction)")
    assert arabic and set(arabic) == {"rtl"}
    # the Arabic note's closing full stop is drawn left of the word before it, where Arabic ends a sentence
    note = page.locator("#summary dd[lang=ar]")
    assert note.inner_text().endswith(".")
    stop, word = note.evaluate("""e => {
      const text = e.firstChild, n = text.length, range = document.createRange();
      range.setStart(text, n - 1); range.setEnd(text, n); const stop = range.getBoundingClientRect().left;
      range.setStart(text, n - 2); range.setEnd(text, n - 1); return [stop, range.getBoundingClientRect().left];
    }""")
    assert stop < word


def test_slider_hides_a_relation_outside_its_window(server: str, page: Any, net: Any) -> None:
    edge = next(f"{u}|{v}|{k}" for u, v, k, d in net.edges(keys=True, data=True)
                if v == "isis-k" and d["rel"].relation == "governor")  # Qari Rafiq: may have held until 2015-11-15
    _chart(page, server, "focus=isis-k&at=2015-10")
    state = f"""() => {{ const e = kgLinkChart.cy.getElementById({json.dumps(edge)});
        return [e.visible(), e.style('line-style'), document.querySelector('tr[data-edge="{edge}"]').hidden]; }}"""
    assert page.evaluate(state) == [True, "dashed", False]
    start = page.get_attribute("#slider", "data-start")
    year, month = map(int, start.split("-"))
    page.eval_on_selector("#slider", f"s => {{ s.value = {(2016 - year) * 12 + 6 - month}; "
                                     "s.dispatchEvent(new Event('input')); }")
    assert page.input_value("#at") == "2016-06" and "at=2016-06" in page.url
    visible, _, row_hidden = page.evaluate(state)
    assert not visible and row_hidden
    solid = page.evaluate("() => kgLinkChart.cy.edges('.certain').map(e => e.data('rel').facts.join(' '))")
    assert PARTIAL_START in solid  # surely held in June 2016: drawn solid
    assert page.evaluate(f"() => kgLinkChart.cy.getElementById({json.dumps(edge)}).source().visible()") is False
    assert "at=2016-06" in page.get_attribute("#export-graphml", "href")
    counts = page.evaluate("() => ['held-count', 'certain-count']"
                           ".map(i => Number(document.getElementById(i).textContent))")
    assert counts == page.evaluate("() => [kgLinkChart.cy.edges(':visible').length,"
                                   " kgLinkChart.cy.edges('.certain').length]")


def test_slider_agrees_with_the_server_at_each_date(server: str, page: Any) -> None:
    _chart(page, server, "focus=isis-k")
    for at in CHART_DATES:
        data = json.loads(get(f"{server}/graph.json?focus=isis-k&at={at}")[2])
        got = page.evaluate("([edges, first, last]) => edges.map(e => kgLinkChart.holds(e, first, last))",
                            [data["edges"], data["first"], data["last"]])
        assert got == [e["holds"] for e in data["edges"]], at
        assert {"absent", "possible"} <= set(got), at  # the dates do sort the relations


def test_link_chart_expands_on_click_and_exports(server: str, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    _chart(page, server, "focus=khorasan-group&at=2014-09")
    before = page.evaluate("() => kgLinkChart.cy.nodes().length")
    page.evaluate("() => kgLinkChart.cy.getElementById('al-qaeda').emit('tap')")
    page.wait_for_function("() => document.getElementById('chart').dataset.foci.includes('al-qaeda')")
    assert page.evaluate("() => kgLinkChart.cy.nodes().length") > before
    graphml = get(server + page.get_attribute("#export-graphml", "href"))
    assert graphml[0] == 200 and b"<graphml" in graphml[2] and b"al-qaeda" in graphml[2]
    svg = get(server + page.get_attribute("#export-svg", "href"))
    assert svg[0] == 200 and svg[1].startswith("image/svg+xml") and b"<svg" in svg[2]
    with page.expect_download() as download:
        page.click("#export-png")
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert requested and all(u.startswith(server + "/") or u.startswith("blob:") for u in requested)


def test_link_chart_text_alternative_without_javascript(server: str) -> None:
    status, _, body = get(f"{server}/graph?focus=isis-k&at=2015-10", "text/html")
    html = body.decode("utf-8")
    assert status == 200 and 'id="graph-table"' in html and "deputy-leader" in html
    loaded = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert loaded and all(u.startswith("/static/") for u in loaded)  # nothing from the network
    assert get(f"{server}/graph?focus=no-such-entity")[0] == 404
    assert get(f"{server}/graph?focus=isis-k&at=2015-13")[0] == 400


def test_link_chart_renders_500_nodes(server: str, browser: Any) -> None:
    """Not timed here: bench/linkchart_render.py measures it (docs/pages.md)."""
    bench = bench_module("linkchart_render")
    drawn = bench.render(browser, server, bench.synthetic(500, 1.6, 7))
    assert drawn["nodes"] == 500 and drawn["edges"] > 500 and 0 < drawn["visible"] < drawn["edges"]
    assert drawn["ms"] > 0


def test_screenshots(server: str, page: Any, tmp_path: Path) -> None:
    folder = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    page.set_viewport_size({"width": 1280, "height": 1500})
    for entity in PAGES:
        page.goto(f"{server}/id/{entity}")
        shots.append(folder / f"page-{entity}.png")
        page.screenshot(path=shots[-1])
    page.goto(f"{server}/id/isis-k")
    for section, part in (("lineage", "details#lineage"), ("timeline", "details#timeline figure")):
        shots.append(folder / f"page-isis-k-{section}.png")
        page.locator(part).screenshot(path=shots[-1])
    page.set_viewport_size({"width": 1280, "height": 1000})
    for at in CHART_DATES:
        _chart(page, server, "focus=isis-k&at=" + urllib.parse.quote(at))
        shots.append(folder / f"graph-isis-k-{at}.png")
        page.screenshot(path=shots[-1])
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000, shot


def test_axis_months_on_a_short_span() -> None:
    axis = TimeAxis.around([dt.date(2014, 9, 22)], left=0, width=600)
    assert axis.first <= dt.date(2014, 8, 1) and axis.last >= dt.date(2014, 11, 1)
    assert [t.label for t in axis.ticks()][0].endswith("2014")
