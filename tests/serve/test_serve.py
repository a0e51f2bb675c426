"""``kg serve`` as clients we did not write see it: SPARQLWrapper, rdflib's SPARQLStore, HTTP, Chromium.

One server runs for the module, on a free loopback port, over a copy of the curated build.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

from cli.main import cli
from kg.namespaces import ID
from kg.store.store import open_graph
from tests.conftest import REPO
from tests.serve.conftest import running_server

TIMEOUT_S = 2.0
MAX_RESULTS = 500
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("serve")
    (root / "exports").mkdir()
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    with running_server(root, "--timeout", str(TIMEOUT_S), "--max-results", str(MAX_RESULTS), "--workers", "2") as url:
        yield url


def get(url: str, accept: str = "*/*", data: bytes | None = None,
        content_type: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def ask(server: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, str, bytes]:
    return get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}), accept)


ORGS = "SELECT ?org WHERE { ?org a mkg:Organization } ORDER BY ?org"


def _local_orgs() -> list[str]:
    graph = open_graph(REPO)
    return sorted(str(s) for s in graph.subjects(RDF.type, URIRef("https://w3id.org/mkg/ontology#Organization")))


def test_sparqlwrapper_gets_json_results(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(ORGS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert isinstance(result, dict)
    got = [b["org"]["value"] for b in result["results"]["bindings"]]
    # rdflib over the same N-Triples: an engine other than the server's
    assert got == sorted(_local_orgs()) and len(got) > 20


def test_sparqlwrapper_gets_csv_results(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(ORGS)
    client.setReturnFormat(CSV)
    body = client.query().convert()
    assert isinstance(body, bytes)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [r["org"] for r in rows] == sorted(_local_orgs())


def test_sparqlwrapper_post(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setMethod("POST")
    client.setQuery("ASK { mkgd:isis-k a mkg:Organization }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_runs_a_library_query(server: str) -> None:
    from click.testing import CliRunner

    text = (REPO / "queries" / "source-says.rq").read_text(encoding="utf-8")
    remote = Graph(SPARQLStore(query_endpoint=f"{server}/sparql", returnFormat="json"))
    rows = remote.query(text, initBindings={"source": ID["src-3fb481a9"]})
    got = sorted((str(r.fact), str(r.quote)) for r in rows)  # type: ignore[union-attr]
    local = CliRunner().invoke(cli, ["-C", str(REPO), "query", "--name", "source-says", "--param",
                                     "source=src-3fb481a9", "-f", "json"])
    assert local.exit_code == 0, local.output
    bindings = json.loads(local.stdout)["results"]["bindings"]
    assert got == sorted((b["fact"]["value"], b["quote"]["value"]) for b in bindings)
    assert len(got) >= 10


@pytest.mark.parametrize(("accept", "media", "marker"), [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?org\n<https://w3id.org/mkg/id/"),
    ("text/csv;q=0.4, application/sparql-results+json", "application/sparql-results+json", b'"bindings"'),
])
def test_select_content_negotiation(server: str, accept: str, media: str, marker: bytes) -> None:
    status, content_type, body = ask(server, ORGS, accept)
    assert status == 200 and content_type.startswith(media)
    assert marker in body


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                             ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_construct_content_negotiation(server: str, accept: str, fmt: str) -> None:
    query = "CONSTRUCT { mkgd:isis-k ?p ?o } WHERE { mkgd:isis-k ?p ?o }"
    status, content_type, body = ask(server, query, accept)
    assert status == 200 and content_type.startswith(accept)
    got = Graph().parse(data=body.decode("utf-8"), format=fmt)
    expected = open_graph(REPO)
    assert set(got) == {(s, p, o) for s, p, o in expected.triples((ID["isis-k"], None, None))}


def test_no_acceptable_format_is_406(server: str) -> None:
    status, _, body = ask(server, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "text/csv")
    assert status == 406 and b"CONSTRUCT and DESCRIBE results can be" in body


@pytest.mark.parametrize(("data", "content_type"), [
    (b"update=DROP+ALL", "application/x-www-form-urlencoded"),
    (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
    (b"query=INSERT+DATA+%7B+%3Curn%3Aa%3E+%3Curn%3Ab%3E+%3Curn%3Ac%3E+%7D", "application/x-www-form-urlencoded"),
    (b"query=LOAD+%3Chttp%3A%2F%2Fexample.org%2Fx.ttl%3E", "application/x-www-form-urlencoded"),
])
def test_updates_are_refused_with_403(server: str, data: bytes, content_type: str) -> None:
    status, _, body = get(f"{server}/sparql", data=data, content_type=content_type)
    assert status == 403 and b"read-only" in body
    assert ask(server, "ASK { <urn:a> <urn:b> <urn:c> }")[2] == b'{"head":{},"boolean":false}'


def test_service_is_refused(server: str) -> None:
    status, _, body = ask(server, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE (federated queries) is refused" in body and b"--allow-service" in body


def test_syntax_error_is_400_with_line_and_column(server: str) -> None:
    status, _, body = ask(server, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    assert status == 400 and body.startswith(b"query: SPARQL syntax error at line 3, column 12")


def test_sparql_query_body_post(server: str) -> None:
    status, _, body = get(f"{server}/sparql", "application/sparql-results+json",
                          data=b"SELECT ?o WHERE { mkgd:isis-k skos:prefLabel ?o }",
                          content_type="application/sparql-query")
    labels = {b["o"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert status == 200 and "ولاية خراسان" in labels


def test_result_limit_is_422_without_a_partial_body(server: str) -> None:
    status, content_type, body = ask(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422 and content_type.startswith("text/plain")
    assert f"more than {MAX_RESULTS} rows".encode() in body and b"bindings" not in body


def test_runaway_query_is_cut_off_and_others_still_answer(server: str) -> None:
    answers: dict[str, tuple[int, float]] = {}

    def runaway() -> None:
        start = time.monotonic()
        status, _, body = ask(server, RUNAWAY)
        answers["runaway"] = (status, time.monotonic() - start)
        answers["runaway_body"] = (int(b"bindings" in body), 0.0)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    status, _, _ = ask(server, ORGS)  # served by the other worker meanwhile
    answers["normal"] = (status, time.monotonic() - start)
    thread.join(60)
    assert answers["runaway"][0] == 503 and answers["runaway_body"][0] == 0
    assert TIMEOUT_S <= answers["runaway"][1] < TIMEOUT_S + 15
    assert answers["normal"][0] == 200 and answers["normal"][1] < TIMEOUT_S
    assert ask(server, ORGS)[0] == 200  # the killed worker was replaced


def test_entity_page_shows_names_notes_affiliations_lineage_and_quotes(server: str) -> None:
    status, content_type, body = get(f"{server}/id/isis-k", "text/html")
    page = body.decode("utf-8")
    assert status == 200 and content_type.startswith("text/html")
    assert "ولاية خراسان" in page and "Wilayat Khorasan" in page  # both languages, aliases
    assert "Not the al-Qaeda" in page  # the disambiguation note
    assert 'id="affiliations"' in page and "/id/hafiz-saeed-khan" in page
    assert 'id="lineage"' in page and ("<svg" in page or "digraph lineage" in page)
    graph = open_graph(REPO)
    quote = str(next(graph.objects(ID["f-3fb481a9-12"], URIRef("https://w3id.org/mkg/ontology#quote"))))
    assert quote in page  # a source quote about an affiliation of ISIS-K


def test_entity_page_negotiates_rdf(server: str) -> None:
    status, content_type, body = get(f"{server}/id/khorasan-group", "text/turtle")
    assert status == 200 and content_type.startswith("text/turtle")
    assert (ID["khorasan-group"], None, None) in Graph().parse(data=body.decode("utf-8"), format="turtle")


def test_unknown_entity_is_404(server: str) -> None:
    assert get(f"{server}/id/no-such-thing", "text/html")[0] == 404


def test_search_lists_every_khorasan(server: str) -> None:
    status, _, body = get(f"{server}/search?" + urllib.parse.urlencode({"q": "Khorasan"}), "text/html")
    page = body.decode("utf-8")
    assert status == 200 and "ambiguous" in page
    # every entity a source calls Khorasan (the Iraqi front and the founding defectors are not)
    for entity in ("isis-k", "khorasan-group", "khorasani-militia", "khorasan-region"):
        assert f'href="/id/{entity}"' in page


def test_query_form_preloads_the_library(server: str) -> None:
    page = get(f"{server}/sparql", "text/html")[2].decode("utf-8")
    assert 'id="query-form"' in page and 'href="/library/affiliations-at"' in page
    form = get(f"{server}/library/affiliations-at", "text/html")[2].decode("utf-8")
    assert 'name="org"' in form and 'name="date"' in form


def test_library_query_with_parameters(server: str) -> None:
    url = f"{server}/library/affiliations-at?" + urllib.parse.urlencode({"org": "ولاية خراسان", "date": "2015-10"})
    status, _, body = get(url, "application/sparql-results+json")
    members = {b["member"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert status == 200 and str(ID["abdul-rahim-muslim-dost"]) in members
    html = get(url, "text/html")[2].decode("utf-8")
    assert 'id="results"' in html and "abdul-rahim-muslim-dost" in html
    status, _, body = get(f"{server}/library/affiliations-at?org=Khorasan&date=2015", "application/json")
    assert status == 400 and b"ambiguous name" in body


def test_html_results_escape_what_they_show(server: str) -> None:
    query = 'SELECT ?x WHERE { BIND ("<script>alert(1)</script>" AS ?x) }'
    status, _, body = get(f"{server}/sparql", "text/html", data=urllib.parse.urlencode({"query": query}).encode(),
                          content_type="application/x-www-form-urlencoded")
    assert status == 200 and b"<script>alert" not in body and b"&lt;script&gt;" in body


def test_no_cors_unless_asked(server: str) -> None:
    """Issue 20, item 1: without --cors no origin may read /sparql, and a preflight is not answered."""
    request = urllib.request.Request(f"{server}/sparql?query=ASK%7B%7D",
                                     headers={"Origin": "https://yasgui.example", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.headers.get("Access-Control-Allow-Origin") is None
    preflight = urllib.request.Request(f"{server}/sparql", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(preflight, timeout=30)
    refused.value.close()
    assert refused.value.code == 405 and refused.value.headers.get("Access-Control-Allow-Origin") is None


def test_serve_binds_loopback_by_default() -> None:
    from cli.serve_commands import serve_command

    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("KG_REQUIRE_BROWSER"):
        pytest.fail("chromium is not installed (CI installs it in .ci/run)")
    return found


def test_headless_chromium_renders_search_and_entity(server: str, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed; .ci/run installs it")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom"]
    search = subprocess.run([browser, *flags, f"{server}/search?q=" + urllib.parse.quote("خراسان")],
                            capture_output=True, text=True, timeout=120)
    assert 'id="candidates"' in search.stdout and 'href="/id/isis-k"' in search.stdout
    entity = subprocess.run([browser, *flags, f"{server}/id/isis-k"], capture_output=True, text=True, timeout=120)
    assert "Affiliations over time" in entity.stdout and "ولاية خراسان" in entity.stdout


def test_load_test_smoke() -> None:
    """The bounded load test at its CI size: no failed well-formed request, every runaway cut off."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "load_serve.py"), "--quick"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert figures["errors"] == 0 and figures["requests"] > 0
    assert figures["runaways"] >= 1 and figures["runaways_cut_off"] == figures["runaways"]
