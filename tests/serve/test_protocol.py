"""The SPARQL 1.1 Protocol cases that apply to a read-only endpoint, as the project's own tests.

Each test re-implements one case of the W3C protocol test suite (its name in the manifest
is in the docstring) on the served dataset: its named graphs are the sources' graphs of
``exports/graph.trig`` and the curated graph, as ``kg push`` writes them (issue 20, item 3).
Updates are refused (403) instead of run. Nothing from the W3C suite is copied here.
"""

from __future__ import annotations

import html
import http.client
import json
import urllib.parse
from collections import defaultdict

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

from kg.namespaces import CURATED_GRAPH, PREFIXES, prologue_line
from tests.conftest import REPO

QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def facts() -> list[tuple[str, str, str]]:
    """Three (source graph, fact, type) with one type, each from another source's graph."""
    dataset = Dataset()
    dataset.parse(REPO / "exports" / "graph.trig", format="trig")
    by_type: dict[str, dict[str, str]] = defaultdict(dict)
    for graph in dataset.graphs():
        if isinstance(graph.identifier, URIRef) and "/id/src-" in str(graph.identifier):
            for fact, kind in sorted(graph.subject_objects(RDF.type)):
                by_type[str(kind)].setdefault(str(graph.identifier), str(fact))
    kind, found = max(sorted(by_type.items()), key=lambda item: len(item[1]))
    assert len(found) >= 3
    return [(source, fact, kind) for source, fact in sorted(found.items())[:3]]


def sparql(endpoint: str, params: list[tuple[str, str]] | None = None, *, body: bytes | None = None,
           content_type: str | None = None, accept: str = "application/sparql-results+json",
           method: str | None = None) -> tuple[int, str, bytes]:
    """One request as given: http.client, since urllib adds a form content type to any body."""
    path = "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=30)
    headers = {"Accept": accept, **({"Content-Type": content_type} if content_type else {})}
    try:
        connection.request(method or ("GET" if body is None else "POST"), path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def boolean(answer: tuple[int, str, bytes]) -> bool:
    status, media, body = answer
    assert status == 200 and media.startswith("application/sparql-results+json"), body
    return bool(json.loads(body)["boolean"])


def both(facts: list[tuple[str, str, str]], first: int = 0, second: int = 1) -> str:
    return f"ASK {{ <{facts[first][1]}> a ?type . <{facts[second][1]}> a ?type . }}"


def in_graphs(facts: list[tuple[str, str, str]]) -> str:
    return f"ASK {{ GRAPH ?g1 {{ <{facts[0][1]}> a ?type }} GRAPH ?g2 {{ <{facts[1][1]}> a ?type }} }}"


def test_query_post_form(endpoint: str) -> None:
    """query_post_form: a URL-encoded POST, with a default graph in the URL."""
    answer = sparql(endpoint, [("default-graph-uri", CURATED_GRAPH)], body=b"query=ASK%20%7B%7D", content_type=FORM)
    assert boolean(answer) is True


def test_query_get(endpoint: str) -> None:
    """query_get."""
    assert boolean(sparql(endpoint, [("query", "ASK {}"), ("default-graph-uri", CURATED_GRAPH)])) is True


def test_query_post_direct(endpoint: str) -> None:
    """query_post_direct."""
    assert boolean(sparql(endpoint, body=b"ASK {}", content_type=QUERY)) is True


def test_query_dataset_default_graphs_get(endpoint: str, facts: list[tuple[str, str, str]]) -> None:
    """query_dataset_default_graphs_get: two default-graph-uri merge; one alone lacks the other fact."""
    two = [("default-graph-uri", facts[0][0]), ("default-graph-uri", facts[1][0])]
    assert boolean(sparql(endpoint, [("query", both(facts)), *two])) is True
    assert boolean(sparql(endpoint, [("query", both(facts)), two[0]])) is False


def test_query_dataset_default_graphs_post(endpoint: str, facts: list[tuple[str, str, str]]) -> None:
    """query_dataset_default_graphs_post."""
    two = [("default-graph-uri", facts[0][0]), ("default-graph-uri", facts[1][0])]
    assert boolean(sparql(endpoint, two, body=both(facts).encode(), content_type=QUERY)) is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_named_graphs(endpoint: str, facts: list[tuple[str, str, str]], method: str) -> None:
    """query_dataset_named_graphs_get and _post; named-graph-uri alone leaves the default graph empty."""
    named = [("named-graph-uri", facts[0][0]), ("named-graph-uri", facts[1][0])]
    if method == "GET":
        assert boolean(sparql(endpoint, [("query", in_graphs(facts)), *named])) is True
    else:
        assert boolean(sparql(endpoint, named, body=in_graphs(facts).encode(), content_type=QUERY)) is True
    assert boolean(sparql(endpoint, [("query", "ASK { ?s ?p ?o }"), *named])) is False
    assert boolean(sparql(endpoint, [("query", in_graphs(facts)), named[0]])) is False


def test_query_dataset_full(endpoint: str, facts: list[tuple[str, str, str]]) -> None:
    """query_dataset_full: default and named graphs from the protocol."""
    text = f"ASK {{ <{facts[2][1]}> a ?type " + in_graphs(facts)[5:]
    params = [("default-graph-uri", facts[2][0]), ("named-graph-uri", facts[0][0]), ("named-graph-uri", facts[1][0])]
    assert boolean(sparql(endpoint, params, body=text.encode(), content_type=QUERY)) is True
    assert boolean(sparql(endpoint, [("query", text), *params[1:]])) is False  # the default graph is empty


def test_query_multiple_dataset(endpoint: str, facts: list[tuple[str, str, str]]) -> None:
    """query_multiple_dataset: the protocol's dataset wins over FROM in the query."""
    text = in_graphs(facts).replace("ASK {", f"ASK FROM <{facts[2][0]}> {{", 1)
    named = [("named-graph-uri", facts[0][0]), ("named-graph-uri", facts[1][0])]
    assert boolean(sparql(endpoint, named, body=text.encode(), content_type=QUERY)) is True


def test_from_named_and_graph_variable(endpoint: str, facts: list[tuple[str, str, str]]) -> None:
    """FROM NAMED picks the named graphs; with no dataset, GRAPH ?g sees the curated and each source graph."""
    text = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{facts[0][1]}> a ?type }} }}"
    status, _, body = sparql(endpoint, [("query", text.replace("WHERE", f"FROM NAMED <{facts[0][0]}> WHERE"))])
    assert status == 200 and [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [facts[0][0]]
    status, _, body = sparql(endpoint, [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")])
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    sources = {str(g.identifier) for g in Dataset().parse(REPO / "exports" / "graph.trig", format="trig").graphs()
               if "/id/src-" in str(g.identifier)}
    assert status == 200 and set(graphs) == {CURATED_GRAPH, *sources} and len(sources) == 5


def test_the_default_graph_is_the_union_of_the_named_graphs(endpoint: str) -> None:
    counts = {}
    for name, text in [("default", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                       ("union", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g "
                                 "{ ?s ?p ?o } } }"),
                       ("curated", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CURATED_GRAPH}> {{ ?s ?p ?o }} }}")]:
        status, _, body = sparql(endpoint, [("query", text)])
        assert status == 200
        counts[name] = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    built = sum(1 for line in (REPO / "exports" / "graph.nt").read_text(encoding="utf-8").splitlines() if line)
    assert counts == {"default": built, "union": built, "curated": built}


@pytest.mark.parametrize(("text", "kind", "media"), [
    ("SELECT (1 AS ?value) {}", "tabular", ("application/sparql-results+xml", "application/sparql-results+json",
                                            "text/csv", "text/tab-separated-values")),
    ("ASK {}", "boolean", ("application/sparql-results+xml", "application/sparql-results+json")),
    ("DESCRIBE <http://example.org/>", "RDF", ("application/rdf+xml", "text/turtle", "application/n-triples")),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", "RDF", ("application/rdf+xml", "text/turtle", "application/n-triples")),
])
def test_query_content_type(endpoint: str, text: str, kind: str, media: tuple[str, ...]) -> None:
    """query_content_type_select, _ask, _describe and _construct (a relative IRI: the base is the endpoint)."""
    status, content_type, body = sparql(endpoint, [("default-graph-uri", CURATED_GRAPH)], body=text.encode(),
                                        content_type=QUERY, accept="*/*")
    assert status == 200 and content_type.split(";")[0] in media, body
    if text.startswith("CONSTRUCT"):
        graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
        assert {str(s) for s in graph.subjects()} == {f"{endpoint}/s"}


@pytest.mark.parametrize(("name", "params", "body", "content_type", "method", "status"), [
    ("bad_query_method", [("query", "ASK {}")], b"", FORM, "PUT", 405),
    ("bad_multiple_queries", [("query", "ASK {}"), ("query", "SELECT * {}")], None, None, None, 400),
    ("bad_query_wrong_media_type", [], b"ASK {}", "text/plain", None, 415),
    ("bad_query_missing_form_type", [], b"query=ASK%20%7B%7D", None, None, 415),
    ("bad_query_missing_direct_type", [], b"ASK {}", None, None, 415),
    ("bad_query_non_utf8", [], "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16", None, 415),
    ("bad_query_syntax", [("query", "ASK {")], None, None, None, 400),
    ("bad_update_get", [("update", "CLEAR ALL")], None, None, None, 403),
    ("update_post_form", [], b"update=CLEAR+ALL", FORM, None, 403),
    ("update_post_direct", [], b"CLEAR ALL", "application/sparql-update", None, 403),
])
def test_bad_requests_are_refused(endpoint: str, name: str, params: list[tuple[str, str]], body: bytes | None,
                                  content_type: str | None, method: str | None, status: int) -> None:
    """The bad_* cases (4xx), and the update cases: this endpoint is read-only, so 403."""
    got, _, text = sparql(endpoint, params, body=body, content_type=content_type, method=method)
    assert got == status, (name, text)
    assert boolean(sparql(endpoint, [("query", "ASK { ?s ?p ?o }")])) is True  # nothing was cleared


def test_kg_query_endpoint_on_kg_serve_matches_local(endpoint: str) -> None:
    """Item 3: kg query --endpoint sends default-graph-uri=<curated>, which kg serve now holds."""
    from click.testing import CliRunner

    from cli.main import cli

    for args in (["--name", "organizations", "-f", "json"],
                 ["--name", "source-says", "--param", "source=src-3fb481a9", "-f", "json"]):
        local = CliRunner().invoke(cli, ["-C", str(REPO), "query", *args])
        remote = CliRunner().invoke(cli, ["-C", str(REPO), "query", "--endpoint", f"{endpoint}/sparql", *args])
        assert local.exit_code == remote.exit_code == 0, remote.output
        rows = json.loads(remote.stdout)["results"]["bindings"]
        assert rows == json.loads(local.stdout)["results"]["bindings"] and len(rows) >= 10


# --- the service description (the W3C service-description cases) ----------------------------

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def description(endpoint: str, accept: str = "text/turtle") -> Graph:
    status, media, body = sparql(endpoint, accept=accept)
    assert status == 200, body
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld"}[media.split(";")[0]]
    return Graph().parse(data=body.decode("utf-8"), format=fmt)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "*/*"])
def test_sd_returns_rdf(endpoint: str, accept: str) -> None:
    """returns-rdf: GET on the endpoint with no query gives RDF (Turtle or JSON-LD, by Accept)."""
    assert (None, RDF.type, SD.Service) in description(endpoint, accept)


def test_sd_has_endpoint_triple(endpoint: str) -> None:
    """has-endpoint-triple: the description names the URL it was fetched from."""
    assert list(description(endpoint).objects(None, SD.endpoint)) == [URIRef(f"{endpoint}/sparql")]


def test_sd_conforms_to_schema(endpoint: str) -> None:
    """conforms-to-schema: the terms used as the SD vocabulary defines them (as SHACL shapes)."""
    from pyshacl import validate

    graph = description(endpoint)
    shapes = Graph().parse(REPO / "tests" / "data" / "serve" / "service-description-shapes.ttl", format="turtle")
    conforms, _, text = validate(graph, shacl_graph=shapes)
    assert conforms, text
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # read-only


def test_sd_lists_the_dataset_and_the_prefixes(endpoint: str) -> None:
    """Items 5 and 6: the named graphs, the result formats and the predeclared prefixes."""
    graph = description(endpoint)
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert CURATED_GRAPH in names and len([n for n in names if "/id/src-" in n]) == 5
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(None, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats
    declared = {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
                for d in graph.objects(None, SH.declare)}
    assert declared == {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def test_a_browser_still_gets_the_query_form_with_the_prefix_header(endpoint: str) -> None:
    """Item 6: the form shows the prefix declarations, as one line to paste before a query."""
    status, media, body = sparql(endpoint, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    page = body.decode("utf-8")
    assert status == 200 and media.startswith("text/html") and 'id="query-form"' in page
    assert html.escape(prologue_line()) in page
