"""What clients we did not write need from ``kg serve``: SPARQLWrapper's format names, prefixes, pages.

Each test names the item of issue 20 (or 21) it stands for.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from html.parser import HTMLParser

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, JSONLD, N3, RDFXML, TURTLE, XML, SPARQLWrapper

from kg.namespaces import ID
from kg.store.store import open_graph
from tests.conftest import REPO
from tests.serve.conftest import CORS_ORIGIN

CONSTRUCT = "CONSTRUCT { mkgd:isis-k ?p ?o } WHERE { mkgd:isis-k ?p ?o }"


def fetch(url: str, *, accept: str = "*/*", data: bytes | None = None, method: str | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": accept, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def isis_k() -> set[tuple[object, object, object]]:
    return set(open_graph(REPO).triples((ID["isis-k"], None, None)))


RDF_PARSERS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
               "application/n-triples": "nt"}


@pytest.mark.parametrize(("fmt", "media"), [(TURTLE, "text/turtle"), (N3, "text/turtle"),
                                            (XML, "application/rdf+xml"), (RDFXML, "application/rdf+xml"),
                                            (JSONLD, "application/ld+json"),
                                            pytest.param(JSON, "application/ld+json", marks=pytest.mark.filterwarnings(
                                                "ignore:Sending Accept header:RuntimeWarning"))])
def test_sparqlwrapper_construct_in_each_format(endpoint: str, fmt: str, media: str) -> None:
    """Item 2: SPARQLWrapper sends format=json-ld, rdf+xml, n3 or xml beside its Accept header."""
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(fmt)
    response = client.query().response  # read as sent: convert() warns on rdflib 7 for RDF/XML
    content_type = response.headers["Content-Type"].split(";")[0]
    assert content_type == media
    graph = Graph().parse(data=response.read().decode("utf-8"), format=RDF_PARSERS[media])
    assert set(graph) == isis_k() and len(graph) > 10


@pytest.mark.parametrize(("value", "media"), [("xml", "application/sparql-results+xml"),
                                              ("csv", "text/csv"), ("application/sparql-results+json",
                                                                    "application/sparql-results+json")])
def test_format_names_select(endpoint: str, value: str, media: str) -> None:
    query = urllib.parse.urlencode({"query": "SELECT ?o WHERE { mkgd:isis-k a ?o }", "format": value})
    status, headers, _ = fetch(f"{endpoint}/sparql?{query}", accept="text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith(media)


def test_unknown_format_falls_back_to_accept(endpoint: str) -> None:
    query = urllib.parse.urlencode({"query": CONSTRUCT, "format": "application/x-unheard-of"})
    status, headers, body = fetch(f"{endpoint}/sparql?{query}", accept="application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert set(Graph().parse(data=body.decode("utf-8"), format="nt")) == isis_k()


def test_prefix_header_makes_a_query_parse_without_predeclared_prefixes() -> None:
    """Item 6: kg prefixes -f sparql gives the one line that a parse-first client (Jena) needs."""
    from click.testing import CliRunner
    from rdflib.plugins.sparql import prepareQuery

    from cli.main import cli

    line = CliRunner().invoke(cli, ["prefixes", "-f", "sparql"]).stdout.strip()
    assert "\n" not in line and line.count("PREFIX ") >= 10
    text = "SELECT ?o WHERE { mkgd:isis-k skos:prefLabel ?o }"
    with pytest.raises(Exception, match="Unknown namespace prefix"):
        prepareQuery(text, initNs={})  # what a client that resolves prefixes itself says without it
    prepareQuery(f"{line}\n{text}", initNs={})


class _Lang(HTMLParser):
    """Every element's lang and dir attributes, and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "lang" in values:
            self.found.append((tag, values["lang"], values.get("dir")))


def languages(page: bytes) -> list[tuple[str, str | None, str | None]]:
    parser = _Lang()
    parser.feed(page.decode("utf-8"))
    return parser.found


def test_arabic_notes_and_cells_are_right_to_left(endpoint: str) -> None:
    """Item 8: every element marked lang="ar" (the note of isis-k, result cells) says dir="rtl"."""
    status, _, page = fetch(f"{endpoint}/id/isis-k", accept="text/html")
    arabic = [(tag, direction) for tag, lang, direction in languages(page) if lang == "ar"]
    assert status == 200 and {("p", "rtl"), ("dd", "rtl")} & set(arabic) and len(arabic) >= 4  # the note
    assert {direction for _, direction in arabic} == {"rtl"}
    query = urllib.parse.urlencode({"query": "SELECT ?label WHERE { mkgd:isis-k skos:prefLabel|skos:altLabel ?label }"})
    status, _, table = fetch(f"{endpoint}/sparql?{query}", accept="text/html")
    cells = [(tag, direction) for tag, lang, direction in languages(table) if lang == "ar"]
    assert status == 200 and cells and set(cells) == {("td", "rtl")}
    assert ("td", "en", "ltr") in languages(table)


@pytest.mark.parametrize("path", ["/library", "/library/"])
def test_library_index(endpoint: str, path: str) -> None:
    """Item 8: /library and /library/ list the library's queries."""
    status, _, page = fetch(endpoint + path, accept="text/html")
    assert status == 200 and b'href="/library/affiliations-at"' in page and b'href="/library/organizations"' in page


@pytest.mark.parametrize(("accept", "media"), [("*/*", "text/html"), (None, "text/html"),
                                               ("text/turtle", "text/turtle"),
                                               ("application/ld+json", "application/ld+json")])
def test_entity_pages_prefer_html_for_any(endpoint: str, accept: str | None, media: str) -> None:
    """Item 8: curl's Accept: */* (or none) on /id/isis-k gets the page; an RDF type still gets RDF."""
    request = urllib.request.Request(f"{endpoint}/id/isis-k", headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith(media)


def test_cors_preflight_and_headers_on_sparql_only(endpoint: str) -> None:
    """Item 1: --cors answers the preflight and sends the allow headers on /sparql only, never credentials."""
    preflight = {"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    status, headers, _ = fetch(f"{endpoint}/sparql", method="OPTIONS", headers=preflight)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == CORS_ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Access-Control-Allow-Credentials" not in headers
    status, headers, _ = fetch(f"{endpoint}/sparql?query=ASK%7B%7D", headers={"Origin": CORS_ORIGIN})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == CORS_ORIGIN
    assert "Access-Control-Allow-Credentials" not in headers
    for path in ("/id/isis-k", "/yasgui", "/"):
        assert "Access-Control-Allow-Origin" not in fetch(endpoint + path, headers={"Origin": CORS_ORIGIN})[1]
    other = {**preflight, "Origin": "https://elsewhere.example"}
    status, headers, _ = fetch(f"{endpoint}/sparql", method="OPTIONS", headers=other)
    assert status == 400 and "Access-Control-Allow-Origin" not in headers
