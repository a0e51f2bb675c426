"""kg push and kg query --endpoint against a second real engine: Virtuoso Open Source 7 (Debian's package).

The test starts ``virtuoso-t`` itself, on free loopback ports, with its own virtuoso.ini
and database in a temporary folder (a fresh database: user ``dba``, password ``dba``).
CI installs the package (.ci/run) and sets KG_REQUIRE_VIRTUOSO, so there it fails instead
of skipping. Differences from Oxigraph are in docs/push.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from cli.main import cli
from kg.store.push import DEFAULT_GRAPH, source_graphs
from tests.conftest import REPO, free_port, wait_for
from tests.store.test_query import PARAMS, PINNED

CHUNK = 1000
INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso server with a fresh database; yields its base URL."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        if os.environ.get("KG_REQUIRE_VIRTUOSO"):
            pytest.fail("virtuoso-t is missing (CI installs virtuoso-opensource in .ci/run)")
        pytest.skip("virtuoso-t is not installed: apt-get install virtuoso-opensource")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(INI.format(db=folder, sql_port=free_port(), http_port=http_port))
    log = (folder / "out.log").open("w")
    process = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(lambda: requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200,
                 process, "virtuoso-t", seconds=120, log=(folder / "out.log").read_text)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def kg(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, ["-C", str(REPO), *args])
    return result.exit_code, result.stdout, result.stderr


def count(base: str, graph: str = DEFAULT_GRAPH) -> int:
    answer = requests.post(f"{base}/sparql", data={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> "
                                                            "{ ?s ?p ?o } }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=60)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def built_lines() -> int:
    return sum(1 for line in (REPO / "exports" / "graph.nt").read_text(encoding="utf-8").splitlines() if line.strip())


PUSH = ["push", "--user", "dba", "--digest"]
PASSWORD = {"KG_PUSH_PASSWORD": "dba"}


@pytest.fixture(scope="module")
def pushed(virtuoso: str) -> str:
    code, _, err = kg(*PUSH, "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--chunk-triples", str(CHUNK),
                      env=PASSWORD)
    assert code == 0, err
    return err


def test_push_in_chunks_with_digest_auth(virtuoso: str, pushed: str) -> None:
    chunks = -(-built_lines() // CHUNK)
    assert chunks > 2 and f"chunk {chunks} (POST): {built_lines()}/{built_lines()} triples sent" in pushed
    assert count(virtuoso) == built_lines()
    for name, body in source_graphs(REPO).items():
        assert count(virtuoso, name) == body.count(b"\n")


def test_a_second_push_leaves_the_same_triples(virtuoso: str, pushed: str) -> None:
    code, _, err = kg(*PUSH, "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--chunk-triples", "2000",
                      env=PASSWORD)
    assert code == 0, err
    assert count(virtuoso) == built_lines()


def test_push_without_credentials_is_refused_in_one_line(virtuoso: str) -> None:
    code, _, err = kg("push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth")
    assert code == 1 and "HTTP 401" in err and err.count("\n") == 1


def solutions(out: str) -> list[dict[str, object]]:
    return list(json.loads(out)["results"]["bindings"])


VIRTUOSO_DIFFERS = {  # Virtuoso 7.2.5 gives other rows; Oxigraph and rdflib agree with each other (docs/push.md)
    "affiliations-at": "the IF(BOUND(...) && ...) that grades an affiliation says certain where both others say "
                       "possible (shamil-khukumatov in October 2015)",
    "disagreements": "the nested OPTIONALs pair other figures (more-than 133 for more-than 130)",
    "lineage-up": "mkg:derivesFrom+ gives a fifth ancestor (nahda-party)",
    "attacks-in": "geo:sfWithin* gave 2 rows on one fresh database and 4 on another (Kaluga and Crocus twice)",
}
UNSTABLE = {"attacks-in"}  # Virtuoso's answer varies from run to run: an xfail that may pass


def comparable(rows: list[dict[str, object]]) -> list[str]:
    """Rows as sorted JSON, with GROUP_CONCAT's output as a set: SPARQL leaves its order and tag to the engine."""
    out = []
    for row in rows:
        row = dict(row)
        if "aliases" in row or "org" in row and "kind" in row:  # Oxigraph leaves an empty group unbound
            value = str(row["aliases"]["value"]) if isinstance(row.get("aliases"), dict) else ""  # type: ignore[index]
            row["aliases"] = sorted(value.split(" | ")) if value else []
        out.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def _case(name: str) -> object:
    if name not in VIRTUOSO_DIFFERS:
        return name
    reason = f"Virtuoso 7.2.5: {VIRTUOSO_DIFFERS[name]}"
    return pytest.param(name, marks=pytest.mark.xfail(reason=reason, strict=name not in UNSTABLE))


@pytest.mark.parametrize("name", [_case(name) for name in sorted(PINNED)])
def test_library_queries_give_the_same_rows_as_locally(virtuoso: str, pushed: str, name: str) -> None:
    args = ["--name", name, *PARAMS.get(name, []), "-f", "json"]
    code, local, err = kg("query", *args)
    assert code == 0, err
    code, remote, err = kg("query", "--endpoint", f"{virtuoso}/sparql", *args)
    assert code == 0, err
    assert len(solutions(remote)) == PINNED[name]
    assert comparable(solutions(remote)) == comparable(solutions(local))


def test_ask_and_construct(virtuoso: str, pushed: str) -> None:
    code, out, err = kg("query", "--endpoint", f"{virtuoso}/sparql", "ASK { mkgd:isis-k a mkg:Organization }",
                        "-f", "json")
    assert code == 0 and json.loads(out)["boolean"] is True, out + err
    text = "CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o a mkg:Organization ; skos:prefLabel ?l }"
    local, remote = kg("query", text, "-f", "jsonld"), kg("query", text, "-f", "jsonld", "--endpoint",
                                                            f"{virtuoso}/sparql")
    assert remote[0] == 0, remote[2]
    assert json.loads(remote[1]) == json.loads(local[1])


def test_the_query_from_a_path_with_no_graph_store(tmp_path: Path, virtuoso: str) -> None:
    """The plain /sparql-graph-crud needs SPARQL_UPDATE for the anonymous user: refused here, in one line."""
    code, _, err = kg("push", "--endpoint", f"{virtuoso}/sparql-graph-crud")
    assert code == 1 and err.count("\n") == 1 and "HTTP 40" in err
