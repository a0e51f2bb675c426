"""kg push and kg query --endpoint against a real Oxigraph server (the ``oxigraph`` PyPI package)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from cli.main import cli
from kg.store.push import DEFAULT_GRAPH, source_graphs
from kg.store.store import BUILT
from tests.conftest import REPO, free_port, wait_for
from tests.store.test_query import PARAMS, PINNED

CHUNK = 1000


def kg(*args: str, root: Path = REPO) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, storing in a temporary folder; yields its base URL."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server binary is missing: pip install -e '.[test]' (the oxigraph package)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1), process,
                 "oxigraph serve", seconds=30,
                 log=lambda: process.stderr.read().decode() if process.stderr else "")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def count(base: str, graph: str = DEFAULT_GRAPH) -> int:
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = requests.post(f"{base}/query", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def built_lines() -> int:
    return sum(1 for line in (REPO / BUILT).read_text(encoding="utf-8").splitlines() if line.strip())


def solutions(out: str) -> list[dict[str, object]]:
    return list(json.loads(out)["results"]["bindings"])


@pytest.fixture(scope="module")
def pushed(server: str) -> str:
    code, out, err = kg("push", "--endpoint", f"{server}/store", "--chunk-triples", str(CHUNK))
    assert code == 0, err
    return err


def test_push_replaces_the_graph_in_chunks(server: str, pushed: str) -> None:
    lines = built_lines()
    chunks = -(-lines // CHUNK)
    assert chunks > 2
    assert f"chunk {chunks} (POST): {lines}/{lines} triples sent" in pushed
    assert "chunk 1 (PUT)" in pushed
    assert count(server) == lines


def test_second_push_leaves_the_same_triples(server: str, pushed: str) -> None:
    before = count(server)
    code, _, err = kg("push", "--endpoint", f"{server}/store", "--chunk-triples", "2000")
    assert code == 0, err
    assert count(server) == before == built_lines()


def test_push_to_another_graph_leaves_the_first(server: str, pushed: str) -> None:
    other = "https://example.org/graph/copy"
    code, _, err = kg("push", "--endpoint", f"{server}/store", "--graph", other)
    assert code == 0, err
    assert "1 request(s)" in err
    assert count(server, other) == count(server) == built_lines()


def test_push_replaces_each_source_graph(server: str, pushed: str) -> None:
    """The pushed store holds the dataset kg serve serves: the curated graph and one graph per source."""
    expected = {name: body.count(b"\n") for name, body in source_graphs(REPO).items()}
    assert len(expected) == 5 and all(expected.values())
    assert {name: count(server, name) for name in expected} == expected
    assert all(f"source graph <{name}> (PUT)" in pushed for name in expected)
    code, out, err = kg("query", "--endpoint", f"{server}/query", "--graph", "",
                        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "-f", "json")
    assert code == 0, err
    graphs = {row["g"]["value"]: int(row["n"]["value"]) for row in solutions(out)}  # type: ignore[index]
    assert {name: graphs[name] for name in expected} == expected and graphs[DEFAULT_GRAPH] == built_lines()


@pytest.mark.parametrize("name", sorted(PINNED))
def test_remote_library_query_matches_local(server: str, pushed: str, name: str) -> None:
    args = ["--name", name, *PARAMS.get(name, []), "-f", "json"]
    code, local, err = kg("query", *args)
    assert code == 0, err
    code, remote, err = kg("query", "--endpoint", f"{server}/query", *args)
    assert code == 0, err
    assert len(solutions(remote)) == PINNED[name]
    key = lambda row: json.dumps(row, sort_keys=True)  # noqa: E731
    assert sorted(solutions(remote), key=key) == sorted(solutions(local), key=key)


def test_source_says_rows_match_local(server: str, pushed: str) -> None:
    args = ["--name", "source-says", "--param", "source=src-3fb481a9", "-f", "json"]
    local, remote = kg("query", *args), kg("query", "--endpoint", f"{server}/query", *args)
    assert local[0] == remote[0] == 0, remote[2]
    assert solutions(remote[1]) == solutions(local[1]) and solutions(local[1])


def test_remote_table_and_construct_formats(server: str, pushed: str) -> None:
    text = "CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o a mkg:Organization ; skos:prefLabel ?l }"
    local, remote = kg("query", text, "-f", "jsonld"), kg("query", text, "-f", "jsonld", "--endpoint",
                                                            f"{server}/query")
    assert remote[0] == 0, remote[2]
    assert json.loads(remote[1]) == json.loads(local[1]) and json.loads(local[1])
    args = ["--name", "organizations"]
    assert kg("query", *args, "--endpoint", f"{server}/query")[1] == kg("query", *args)[1]


@pytest.mark.parametrize("value", ['"} ; DROP ALL ; {', "x\"\"\"\n'''\\", "} } INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                   "عربي \t\r end", "not \\u0041 an escape"])
def test_injected_values_stay_literals(server: str, pushed: str, value: str) -> None:
    before = count(server)
    code, out, err = kg("query", "--endpoint", f"{server}/query", "--name", "name-lookup", "--param",
                        f"name={value}", "-f", "json")
    assert code == 0, err
    assert solutions(out) == []
    code, out, err = kg("query", "--endpoint", f"{server}/query", "SELECT ?v WHERE { }", "--param", f"v={value}",
                        "-f", "json")
    assert code == 0, err
    assert solutions(out) == [{"v": {"type": "literal", "value": value}}]
    assert count(server) == before


def test_remote_query_refuses_updates_and_service(server: str) -> None:
    for text in ("DROP ALL", "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        code, out, err = kg("query", "--endpoint", f"{server}/query", text)
        assert code == 2 and out == "" and "refused" in err


def test_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    code, _, err = kg("push", "--endpoint", url)
    assert code == 2
    assert err.count("\n") == 1 and url in err and "connection refused" in err and "Traceback" not in err
    code, _, err = kg("query", "--endpoint", url, "ASK {}")
    assert code == 2 and err.count("\n") == 1 and url in err


def test_http_errors_are_one_line(server: str) -> None:
    nowhere = f"{server}/nowhere"
    for command in (["push", "--endpoint", nowhere], ["query", "--endpoint", nowhere, "ASK {}"]):
        code, _, err = kg(*command)
        assert code == 1, err
        assert err.count("\n") == 1 and f"{server}/nowhere" in err and "HTTP 404" in err


def test_push_needs_a_build_and_a_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = kg("push", "--endpoint", "http://127.0.0.1:9/store", root=tmp_path)
    assert code == 2 and "no built graph" in err and err.count("\n") == 1
    monkeypatch.delenv("KG_PUSH_PASSWORD", raising=False)
    code, _, err = kg("push", "--endpoint", "http://127.0.0.1:9/store", "--user", "admin")
    assert code == 2 and "KG_PUSH_PASSWORD" in err


def test_blank_nodes_stay_one_node_across_chunks(server: str, tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / BUILT).write_text('<urn:a> <urn:p> _:x .\n<urn:a> <urn:r> "3" .\n_:x <urn:q> "1" .\n'
                                  '<urn:a> <urn:r> "4" .\n_:x <urn:q> "2" .\n', encoding="utf-8")
    graph = "https://example.org/graph/blank"
    code, _, err = kg("push", "--endpoint", f"{server}/store", "--graph", graph, "--chunk-triples", "1",
                      root=tmp_path)
    assert code == 0, err
    assert "in 3 request(s)" in err
    query = f"SELECT (COUNT(DISTINCT ?b) AS ?n) {{ GRAPH <{graph}> {{ <urn:a> <urn:p> ?b . ?b <urn:q> ?v }} }}"
    answer = requests.post(f"{server}/query", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert answer["results"]["bindings"][0]["n"]["value"] == "1"
    assert count(server, graph) == 5
