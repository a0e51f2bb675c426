"""kg query on the kitchen-sink fixture: refusals, syntax errors, output formats and the store."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kg.analysis.resolve import INDEX
from kg.atomic import locked
from kg.namespaces import ID
from kg.store.query import library
from kg.store.store import LOCK, STAMP, STORE, graph_of, open_store
from tests.conftest import REPO
from tests.store.test_query_kitchen import build, built_kitchen, kg


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_kitchen(tmp_path_factory.mktemp("safety"))


# --- safety and syntax -------------------------------------------------------------------

UPDATE = "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused"
SERVICE = "SERVICE (federated queries) is refused"


@pytest.mark.parametrize(("text", "message"), [
    ("INSERT DATA { mkgd:a mkgd:b mkgd:c }", UPDATE),
    ("DELETE WHERE { ?s ?p ?o }", UPDATE),
    ("LOAD <http://example.org/data.ttl>", UPDATE),
    ("DROP ALL", UPDATE),
    ("CLEAR DEFAULT", UPDATE),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", SERVICE),
    ("SELECT * WHERE { FILTER EXISTS { SERVICE SILENT <http://example.org/s> { ?s ?p ?o } } }", SERVICE),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }", SERVICE),
    ("ASK { ?s ?p ?o MINUS { SERVICE <urn:x> { ?s ?p ?o } } }", SERVICE),
])
def test_updates_load_and_service_are_refused(project: Path, text: str, message: str) -> None:
    before = len(open_store(project))
    code, out, err = kg(project, "query", text)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: query: {message}"), err
    assert len(open_store(project)) == before


def test_the_word_service_in_a_literal_is_fine(project: Path) -> None:
    assert kg(project, "query", 'ASK { FILTER ("SERVICE" != "LOAD") }')[1].strip() == "true"


@pytest.mark.parametrize(("text", "where"), [
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }", "line 3, column 12"),  # where the input ends
    ("SELECT ?s\nWHERE { ?s a nope:Thing }", "line 2, column 14: unknown prefix nope: (declared: mkg, mkgd, "),
    ("SELECT ?s\nWHERE { nope:a ?p ?o }", "line 2, column 9: unknown prefix nope: (declared: mkg, mkgd, "),
    ("SELECT ?s\nWHERE { ?s ?p ?o }\nGROUP BY ?p", "line 3, column 12"),
])
def test_syntax_errors_give_line_and_column(project: Path, text: str, where: str) -> None:
    code, out, err = kg(project, "query", text)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: query: SPARQL syntax error at {where}"), err


def test_the_store_is_opened_read_only(project: Path) -> None:
    with pytest.raises(RuntimeError, match="read-write"):
        open_store(project).update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_the_rdflib_view_of_the_store_reads_and_refuses_writes(project: Path) -> None:
    graph = graph_of(open_store(project))
    expected = Graph().parse(project / "exports" / "graph.nt", format="nt")
    isis = sorted(expected.subjects(SKOS.prefLabel))[0]
    labels = sorted(str(o) for o in expected.objects(isis, SKOS.prefLabel))
    assert labels and sorted(str(o) for o in graph.objects(isis, SKOS.prefLabel)) == labels
    assert len(graph) == len(expected) and len(list(graph.triples((None, None, None)))) == len(expected)
    rows = graph.query("SELECT ?label ?e WHERE { ?e skos:prefLabel ?label }", initBindings={"e": isis})
    assert sorted(str(r[0]) for r in rows) == labels
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    with pytest.raises(PermissionError, match="read-only"):
        graph.add((isis, SKOS.prefLabel, Literal("x")))


def loaded(project: Path, *args: str) -> set[str]:
    """The top-level packages a command (output piped) has imported when it is done."""
    code = ("import sys; from cli.main import cli\n"
            f"sys.argv = ['kg', '-C', {str(project)!r}, *{list(args)!r}]\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    piped = {key: value for key, value in os.environ.items() if key != "COLUMNS"}  # pytest may set it
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True,
                          env=piped)
    return set(done.stdout.strip().splitlines()[-1].split())


HEAVY = {"pyshacl", "pyld", "requests", "starlette", "uvicorn", "pyparsing", "rdflib.plugins.sparql", "edtf",
         "stix2", "jinja2", "rich"}
"""What no query command needs (rich: not when its output is piped)."""


@pytest.mark.parametrize("args", [["affiliations", "test-group", "-f", "csv"], ["timeline", "test-group"],
                                  ["attacks", "--limit", "5"], ["resolve", "Testland", "-f", "json"]])
def test_a_query_command_loads_no_sparql_parser_server_or_web_client(project: Path, args: list[str]) -> None:
    assert not loaded(project, *args) & HEAVY


@pytest.mark.parametrize("args", [["query", "--name", "organizations", "-f", "csv"],
                                  ["query", "--name", "attacks-by", "--param", "agent=test-group", "-f", "csv"],
                                  ["query", "SELECT ?s WHERE { ?s a mkg:Organization }"], ["prefixes"],
                                  ["timeline", "test-group"], ["attacks", "--by", "test-group", "--limit", "5"],
                                  ["resolve", "Testland", "-f", "json"], ["conflicts", "-f", "csv"],
                                  ["affiliations", "test-group", "-f", "csv"], ["lineage", "test-group", "-f", "csv"],
                                  ["connections", "test-group", "testland", "-f", "csv"]])
def test_a_sparql_query_or_an_analyst_command_loads_no_rdflib(project: Path, args: list[str]) -> None:
    modules = loaded(project, *args)
    assert not modules & (HEAVY | {"rdflib"}), modules & (HEAVY | {"rdflib"})


def test_no_analyst_command_loads_networkx_on_a_built_store(project: Path) -> None:
    assert "networkx" not in loaded(project, "timeline", "test-group")
    assert "networkx" not in loaded(project, "affiliations", "test-group", "--at", "2015")
    assert "networkx" not in loaded(project, "attacks", "--limit", "5")
    assert "networkx" not in loaded(project, "lineage", "test-group")  # the walks the store load kept
    assert "networkx" not in loaded(project, "connections", "test-group", "testland")  # the routes it kept
    # longer routes than the generation keeps are found with networkx: the check can fail
    assert "networkx" in loaded(project, "connections", "test-group", "testland", "--max-hops", "4")


# --- output ------------------------------------------------------------------------------

def test_json_is_sparql_results_json(project: Path) -> None:
    code, out, _ = kg(project, "query", "SELECT ?org ?label WHERE { ?org a mkg:Organization ; "
                      'skos:prefLabel ?label FILTER (lang(?label) = "ar") } ORDER BY ?org', "-f", "json")
    assert code == 0
    results = json.loads(out)
    assert results["head"] == {"vars": ["org", "label"]}
    first = results["results"]["bindings"][0]
    assert first["org"] == {"type": "uri", "value": str(ID["branch-group"])}
    assert first["label"] == {"type": "literal", "value": "جماعة الفرع", "xml:lang": "ar"}
    parsed = pyoxigraph.parse_query_results(out.encode("utf-8"), format=pyoxigraph.QueryResultsFormat.JSON)
    assert len(list(parsed)) == 4  # type: ignore[arg-type]
    code, out, _ = kg(project, "query", "ASK { mkgd:test-group a mkg:Organization }", "-f", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "json"])
def test_results_formats_parse_back(project: Path, fmt: str) -> None:
    code, out, _ = kg(project, "query", "--name", "organizations", "-f", fmt)
    assert code == 0
    if fmt == "csv":  # lossy (no term types): pyoxigraph will not read it back
        assert len(list(csv.DictReader(io.StringIO(out)))) == 4
        return
    parsed = pyoxigraph.parse_query_results(out.encode("utf-8"), format=getattr(pyoxigraph.QueryResultsFormat,
                                                                                  fmt.upper()))
    assert len(list(parsed)) == 4  # type: ignore[arg-type]


def test_table_and_ask(project: Path) -> None:
    code, out, _ = kg(project, "query", "--name", "strength")
    assert code == 0 and out.splitlines()[0].split() == ["organization", "qualifier", "value", "as_of", "place",
                                                         "status", "source"]
    assert "mkgd:test-group" in out.splitlines()[2]
    assert kg(project, "query", "ASK { mkgd:nothing ?p ?o }")[1].strip() == "false"


CONSTRUCT = "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a mkg:Location ; skos:prefLabel ?l }"


def expected_labels() -> Graph:
    graph = Graph()
    for place, en, ar in (("test-city", "Test City", "مدينة الاختبار"), ("test-country", "Testland", "بلاد الاختبار")):
        for text, lang in ((en, "en"), (ar, "ar")):
            graph.add((URIRef(ID[place]), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
                       Literal(text, lang=lang)))
    return graph


@pytest.mark.parametrize(("fmt", "rdf_format"), [(None, "turtle"), ("turtle", "turtle"), ("jsonld", "json-ld")])
def test_construct_gives_turtle_or_json_ld(project: Path, fmt: str | None, rdf_format: str) -> None:
    code, out, err = kg(project, "query", CONSTRUCT, *(["-f", fmt] if fmt else []))
    assert code == 0, err
    assert isomorphic(Graph().parse(data=out, format=rdf_format), expected_labels())
    if fmt == "jsonld":
        assert json.loads(out)["@context"]["label"] == {"@container": "@language", "@id": "skos:prefLabel"}


def test_describe_gives_turtle(project: Path) -> None:
    code, out, _ = kg(project, "query", "DESCRIBE mkgd:test-city")
    graph = Graph().parse(data=out, format="turtle")
    assert code == 0 and (URIRef(ID["test-city"]), None, URIRef(ID["test-country"])) in graph


@pytest.mark.parametrize(("text", "fmt", "message"), [
    (CONSTRUCT, "csv", "-f csv: CONSTRUCT and DESCRIBE give turtle, jsonld (hint: use -f turtle)"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "turtle", "-f turtle: SELECT and ASK give table, json, csv, tsv, xml"),
])
def test_a_format_that_does_not_fit_the_query_form(project: Path, text: str, fmt: str, message: str) -> None:
    code, out, err = kg(project, "query", text, "-f", fmt)
    assert code == 2 and out == "" and err.startswith(f"error: {message}")


def test_query_from_a_file_to_a_file(project: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("# my query\nSELECT ?n WHERE { ?a mkg:count ?n ; a mkg:StrengthEstimate }\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    code, out, _ = kg(project, "query", "--file", str(query), "-f", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").splitlines() == ["n", "500"]


def test_exactly_one_query_source(project: Path, tmp_path: Path) -> None:
    code, _, err = kg(project, "query", "ASK {}", "--name", "leaders")
    assert code == 2 and "give exactly one of QUERY, --file or --name" in err
    assert kg(project, "query")[0] == 2


def test_list_and_prefixes(project: Path) -> None:
    code, out, _ = kg(project, "query", "--list", "-f", "json")
    listed = {row["name"]: row for row in json.loads(out)["results"]}
    assert code == 0 and set(listed) == set(library())
    assert listed["affiliations-at"]["params"] == "org (entity), date (date)"
    code, out, _ = kg(project, "prefixes")
    assert code == 0 and ["mkgd", "https://w3id.org/mkg/id/"] in [line.split() for line in out.splitlines()]


# --- the store ---------------------------------------------------------------------------

def test_build_writes_the_store_and_its_hash(project: Path) -> None:
    nt = (project / "exports" / "graph.nt").read_bytes()
    assert (project / STAMP).read_text().splitlines()[0] == hashlib.sha256(nt).hexdigest()
    assert len(graph_of(open_store(project))) == len(Graph().parse(data=nt.decode("utf-8"), format="nt"))
    assert not [p.name for p in (project / ".kg").iterdir() if p.name.startswith("store.")
                and p.name != "store.sha256"]  # no staging or retired store left behind
    _, _, err = kg(project, "query", "ASK {}")
    assert err == ""  # fresh: no rebuild


def test_a_missing_store_is_rebuilt_with_a_message(kitchen: Path) -> None:
    build(kitchen)
    shutil.rmtree(kitchen / STORE.parent)  # the store and its generations
    code, out, err = kg(kitchen, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv")
    assert code == 0 and err.startswith("rebuilding the store: it is missing")
    assert int(out.splitlines()[1]) == len(graph_of(open_store(kitchen)))


def test_a_stale_store_is_rebuilt_with_a_message(kitchen: Path) -> None:
    build(kitchen)
    built = kitchen / "exports" / "graph.nt"
    built.write_text(built.read_text(encoding="utf-8") + "<urn:x:new> <urn:x:p> \"added\" .\n", encoding="utf-8")
    code, out, err = kg(kitchen, "query", 'SELECT ?s WHERE { ?s <urn:x:p> "added" }', "-f", "csv")
    assert code == 0 and err.startswith("rebuilding the store: ") and "graph.nt changed" in err
    assert out.splitlines()[1:] == ["urn:x:new"]
    assert (kitchen / STAMP).read_text().splitlines()[0] == hashlib.sha256(built.read_bytes()).hexdigest()
    assert kg(kitchen, "query", "ASK {}")[2] == ""  # rebuilt once, fresh after


def test_a_rewritten_file_of_the_same_size_is_noticed(kitchen: Path) -> None:
    build(kitchen)
    built = kitchen / "exports" / "graph.nt"
    text = built.read_text(encoding="utf-8")
    size = built.stat().st_size
    built.write_text(text.replace("/mkg/id/", "/mkg/iD/", 1), encoding="utf-8")  # other bytes, a new mtime
    assert built.stat().st_size == size
    code, _, err = kg(kitchen, "query", "ASK {}")
    assert code == 0 and err.startswith("rebuilding the store: ")


def test_a_touched_but_unchanged_file_is_hashed_not_reloaded(kitchen: Path) -> None:
    build(kitchen)
    built = kitchen / "exports" / "graph.nt"
    os.utime(built, ns=(built.stat().st_atime_ns, built.stat().st_mtime_ns + 10**9))
    assert kg(kitchen, "query", "ASK {}")[2] == ""  # hashed: the same bytes, no rebuild


def test_the_name_index_is_made_at_build_and_read_back_while_the_store_is_unchanged(kitchen: Path) -> None:
    build(kitchen)
    index = kitchen / INDEX
    cached = json.loads(index.read_text(encoding="utf-8"))
    assert cached["digest"] == (kitchen / STAMP).read_text().splitlines()[0]
    org = next(entity for entity, kind in sorted(cached["types"].items()) if kind == "Organization")
    assert org in {entity for _, entity, _ in cached["names"]}
    # the cache is what a command reads: a name only it knows resolves
    cached["names"].append(["zzz only in the cache", org, "zzz only in the cache"])
    index.write_text(json.dumps(cached), encoding="utf-8")
    code, out, _ = kg(kitchen, "resolve", "zzz only in the cache", "-f", "csv")
    assert code == 0 and out.splitlines()[1].startswith(org.removeprefix(str(ID)) + ",")
    # a store loaded from other files makes it stale: it is made again, without the fake name
    built = kitchen / "exports" / "graph.nt"
    built.write_text(built.read_text(encoding="utf-8") + "<urn:x:new> <urn:x:p> \"added\" .\n", encoding="utf-8")
    code, _, err = kg(kitchen, "resolve", "zzz only in the cache", "-f", "csv")
    assert code == 2 and err.startswith("rebuilding the store")  # no entity matches: an input error
    assert "zzz" not in index.read_text(encoding="utf-8")


def test_no_built_graph_says_run_kg_build(kitchen: Path) -> None:
    code, _, err = kg(kitchen, "query", "ASK {}")
    assert code == 2 and err.startswith("error: ") and "no built graph (hint: run kg build first)" in err
    assert "rebuilding" not in err


def test_the_rebuild_waits_for_the_build_lock(kitchen: Path) -> None:
    build(kitchen)
    shutil.rmtree(kitchen / STORE.parent)  # the store and its generations
    opened: list[int] = []
    worker = threading.Thread(target=lambda: opened.append(len(open_store(kitchen))))
    with locked(kitchen / LOCK):  # as kg build holds it while it writes exports/ and the store
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not (kitchen / STORE).exists()
    worker.join(60)
    assert opened and opened[0] > 800
