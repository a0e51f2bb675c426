"""kg query on the Oxigraph store: the library pinned on the curated graph, and its safety."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from kg.store.query import library
from kg.store.store import STORE, open_store
from tests.conftest import REPO


def kg(*args: str, root: Path = REPO) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def rows(*args: str) -> list[dict[str, str]]:
    code, out, err = kg("query", *args, "-f", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


PARAMS = {
    "affiliations-at": ["--param", "org=isis-k", "--param", "date=2015-10"],
    "name-lookup": ["--param", "name=Khorasan"],
    "lineage-up": ["--param", "org=isis-k"],
    "lineage-down": ["--param", "org=isis-k"],
    "attacks-by": ["--param", "agent=ISIS-K"],
    "source-says": ["--param", "source=mkgd:src-3fb481a9"],
    "attacks-in": ["--param", "place=russia-country"],
    "timeline": ["--param", "entity=isis-k"],
}
PINNED = {  # the exact number of rows each library query returns on the curated graph
    "affiliations-at": 8, "attacks-by": 21, "attacks-in": 2, "casualties": 26, "designations": 2,
    "disagreements": 14, "leaders": 11, "lineage-down": 0, "lineage-up": 4, "low-credibility": 116,
    "name-lookup": 15, "organizations": 70, "readings": 8, "source-says": 30, "splits": 14, "strength": 2,
    "timeline": 45,
}


def test_every_library_query_is_documented_and_pinned() -> None:
    queries = library()
    assert sorted(queries) == sorted(PINNED)
    for query in queries.values():
        assert query.title and query.description, query.name


@pytest.mark.parametrize("name", sorted(PINNED))
def test_library_query_result_is_pinned(name: str) -> None:
    assert len(rows("--name", name, *PARAMS.get(name, []))) == PINNED[name]


def test_affiliations_at_says_certain_or_possible() -> None:
    found = {(r["member"], r["role"], r["status"])
             for r in rows("--name", "affiliations-at", *PARAMS["affiliations-at"])}
    assert ("https://w3id.org/mkg/id/abdul-rahim-muslim-dost", "deputy-leader", "possible") in found


def test_attacks_by_splits_claimed_and_attributed() -> None:
    found = {(r["attack"].rsplit("/", 1)[1], r["kind"], r["source"].rsplit("/", 1)[1])
             for r in rows("--name", "attacks-by", *PARAMS["attacks-by"])}
    assert ("crocus-city-hall-attack-2024", "claimed", "src-0a9c83c6") in found
    assert ("crocus-city-hall-attack-2024", "attributed", "src-ec87dddc") in found


def test_designations_pinned() -> None:
    found = {(r["type"], r["date"]) for r in rows("--name", "designations")}
    assert found == {("fto", "2016-01-14"), ("sdgt", "2015-09-29")}


def test_json_results_follow_the_sparql_results_format() -> None:
    code, out, _ = kg("query", "ASK { mkgd:isis-k a mkg:Organization }", "-f", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": True}


def test_injection_in_a_parameter_is_a_literal() -> None:
    before = len(open_store(REPO))
    payload = '"} ; DROP ALL ; SELECT * { ?s ?p ?o'
    found = rows("SELECT ?x WHERE { BIND(1 AS ?one) }", "--param", f"x={payload}")
    assert [r["x"] for r in found] == [payload]
    assert len(open_store(REPO)) == before


@pytest.mark.parametrize(("text", "message"), [
    ("INSERT DATA { mkgd:a mkgd:b mkgd:c }", "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused"),
    ("LOAD <http://example.org/data.ttl>", "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE (federated queries) is refused"),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }", "SPARQL syntax error at line 3, column 12"),  # where it ends
])
def test_refused_queries(text: str, message: str) -> None:
    code, out, err = kg("query", text)
    assert code == 2 and out == ""
    assert err.startswith(f"error: query: {message}")


def test_unknown_parameter_of_a_library_query() -> None:
    code, _, err = kg("query", "--name", "designations", "--param", "org=isis-k")
    assert code == 2 and "designations: unknown parameter org (hint: this query takes: none)" in err


def test_stale_store_is_rebuilt_with_a_message(kitchen: Path) -> None:
    import shutil

    assert kg("build", root=kitchen)[0] == 0
    shutil.rmtree(kitchen / STORE.parent)  # .kg/store links to .kg/stores/<digest>
    code, out, err = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv", root=kitchen)
    assert code == 0 and "rebuilding the store" in err
    assert int(out.splitlines()[1]) > 800


def test_prefixes_are_listed() -> None:
    code, out, _ = kg("prefixes", "-f", "json")
    assert code == 0 and {"prefix": "mkg", "namespace": "https://w3id.org/mkg/ontology#"} in json.loads(out)["results"]


def test_query_benchmark_smoke() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(REPO / "bench" / "query_speed.py"), "--quick", "--project", str(REPO)],
                          capture_output=True, text=True, check=True, cwd=REPO)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures["queries"]) == set(PINNED)
    assert figures["compared"] >= 14 and figures["overall_speedup"] > 0
