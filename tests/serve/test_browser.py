"""``kg serve`` in Chromium (Playwright): YASGUI at /yasgui, CORS for a page on another origin, Arabic text.

Debian's chromium is driven by Playwright for Python (no browser download); without it
the tests skip, unless KG_REQUIRE_BROWSER is set (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from tests.serve.conftest import CORS_ORIGIN


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("KG_REQUIRE_BROWSER"):
        pytest.fail("chromium is not installed (CI installs it in .ci/run)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_yasgui_runs_a_query_on_the_server_and_nowhere_else(endpoint: str, page: Any) -> None:
    """Item 1: YASGUI served by kg serve itself, no flag needed, every request to this server only."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{endpoint}/yasgui")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
    page.evaluate("""() => window.kgYasgui.getTab().getYasqe().setValue(
        document.getElementById('yasgui').dataset.query.split('SELECT')[0] +
        'SELECT ?label WHERE { mkgd:isis-k skos:prefLabel ?label }')""")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table td", timeout=30_000)
    assert "ولاية خراسان" in page.inner_text(".yasr")
    assert requests and all(url.startswith(endpoint) for url in requests), requests
    assert any(urllib.parse.urlsplit(url).path == "/sparql" for url in requests)
    assert not errors, errors


FETCH = """async ([url, post]) => {
    try {
        const r = post ? await fetch(url, {method: 'POST', body: 'ASK { ?s ?p ?o }', headers: {
                             'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}})
                       : await fetch(url, {headers: {'Accept': 'application/sparql-results+json'}});
        const text = await r.text();
        return post ? String(JSON.parse(text).boolean) : 'read';
    } catch (e) { return 'blocked'; } }"""


def visit(page: Any, origin: str) -> None:
    """Open a blank page on ``origin``, made up by the browser itself (no server, no network).

    Chromium asks the user before a page it cannot place reaches a loopback address (Local
    Network Access); the permission is granted here as the user would, so what is left to
    pass or block the request is CORS.
    """
    page.context.grant_permissions(["local-network-access"], origin=origin)
    page.route(f"{origin}/", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>elsewhere</p>"))
    page.goto(f"{origin}/")


def test_a_page_on_an_allowed_origin_reads_sparql(endpoint: str, page: Any) -> None:
    """Item 1: --cors ORIGIN lets a page there query /sparql (a preflighted POST too), and nothing else."""
    visit(page, CORS_ORIGIN)
    assert page.evaluate(FETCH, [f"{endpoint}/sparql", True]) == "true"
    assert page.evaluate(FETCH, [f"{endpoint}/sparql?query=ASK%7B%7D", False]) == "read"
    assert page.evaluate(FETCH, [f"{endpoint}/id/isis-k", False]) == "blocked"  # CORS is for /sparql only


def test_a_page_on_another_origin_is_refused(endpoint: str, page: Any) -> None:
    visit(page, "http://localhost:7")
    assert page.evaluate(FETCH, [f"{endpoint}/sparql", True]) == "blocked"
    assert page.evaluate(FETCH, [f"{endpoint}/sparql?query=ASK%7B%7D", False]) == "blocked"


def test_arabic_is_drawn_right_to_left(endpoint: str, page: Any) -> None:
    """Item 8: in the browser, every lang="ar" element of the entity page is laid out right to left."""
    page.goto(f"{endpoint}/id/isis-k")
    directions = page.eval_on_selector_all("[lang=ar]", "els => els.map(e => getComputedStyle(e).direction)")
    assert len(directions) >= 4 and set(directions) == {"rtl"}

