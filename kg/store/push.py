"""Loading the build into a SPARQL 1.1 store: the Graph Store HTTP Protocol, in chunks.

``exports/graph.nt`` replaces one named graph (:data:`DEFAULT_GRAPH` unless told):
the first chunk is ``PUT`` (which replaces the graph), the next ones ``POST``
(which append), so a second push leaves exactly the same triples. Chunks are split on
line boundaries: each N-Triples line is one triple.

Blank nodes are scoped to one request (a store mints a fresh node for ``_:b0`` in each
one), so every triple that mentions a blank node goes in one last request of its own,
whatever the chunk size; no skolemization, the data is sent as built. (The curated
build has no blank node today.)

Between the ``PUT`` and the last ``POST`` a reader sees part of the graph; see
docs/push.md for loading aside and swapping on a store that needs that.

Then each source's named graph of ``exports/graph.trig`` is replaced too, one ``PUT`` each,
so the remote store holds the dataset ``kg serve`` serves (:mod:`kg.store.store`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph

from kg.namespaces import CURATED_GRAPH
from kg.store.remote import request
from kg.store.store import PER_SOURCE, loaded_files

DEFAULT_GRAPH = CURATED_GRAPH
"""The named graph ``kg push`` replaces unless ``--graph`` names another."""
DEFAULT_CHUNK = 20_000
NTRIPLES = "application/n-triples"
_BLANK = re.compile(r"^(?:_:|<[^>]*>\s+<[^>]*>\s+_:)")


@dataclass
class PushReport:
    """What a push sent."""

    graph: str
    triples: int
    requests: int
    seconds: float
    source_graphs: int = 0
    source_triples: int = 0


def mentions_blank(line: str) -> bool:
    """Whether an N-Triples line has a blank node as subject or object.

    >>> mentions_blank('_:b0 <urn:p> "x" .'), mentions_blank('<urn:s> <urn:p> _:b1 .')
    (True, True)
    >>> mentions_blank('<urn:s> <urn:p> "_:b1" .')
    False
    """
    return bool(_BLANK.match(line))


def chunks(paths: Path | list[Path], size: int) -> Iterator[list[str]]:
    """The files' triples, ``size`` lines at a time; the lines with blank nodes, together, last.

    Always at least one chunk (maybe empty): the ``PUT`` must happen even for an empty build.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nt = Path(tmp) / "g.nt"
    ...     _ = nt.write_text('<urn:a> <urn:p> _:x .\\n_:x <urn:p> "1" .\\n' + '<urn:a> <urn:p> "2" .\\n' * 3)
    ...     [len(c) for c in chunks(nt, 2)]
    [2, 1, 2]
    """
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    current: list[str] = []
    blank: list[str] = []
    sent = False
    for line in _lines([paths] if isinstance(paths, Path) else paths):
        if not line.endswith("\n"):
            line += "\n"
        if mentions_blank(line):
            blank.append(line)
            continue
        current.append(line)
        if len(current) == size:
            yield current
            current, sent = [], True
    if current or not sent and not blank:
        yield current
    if blank:
        yield blank


def _lines(paths: list[Path]) -> Iterator[str]:
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip() and not line.lstrip().startswith("#"):
                    yield line


def count_triples(paths: Path | list[Path]) -> int:
    """Non-empty, non-comment lines: the triples N-Triples files hold."""
    return sum(1 for _ in _lines([paths] if isinstance(paths, Path) else paths))


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (``?graph=IRI``, or ``&graph=`` after a query).

    >>> graph_url("http://localhost:7878/store", "https://w3id.org/mkg/graph/curated")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fmkg%2Fgraph%2Fcurated'
    """
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({"graph": graph})


def source_graphs(root: Path) -> dict[str, bytes]:
    """Each source's named graph of ``exports/graph.trig``, as N-Triples (none without the file)."""
    trig = root / PER_SOURCE
    if not trig.is_file():
        return {}
    graphs: dict[str, list[pyoxigraph.Triple]] = {}
    for quad in pyoxigraph.parse(path=str(trig), format=pyoxigraph.RdfFormat.TRIG):
        if isinstance(quad.graph_name, pyoxigraph.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return {name: pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
            for name, triples in sorted(graphs.items())}


def push(root: Path, endpoint: str, *, graph: str = DEFAULT_GRAPH, chunk: int = DEFAULT_CHUNK,
         auth: object | None = None, timeout: float | None = 300.0, per_source: bool = True,
         progress: Callable[[str], None] = lambda message: None) -> PushReport:
    """Replace ``graph`` at a Graph Store Protocol ``endpoint`` with the build under ``root``.

    With ``per_source``, each source's named graph is replaced too (:func:`source_graphs`).

    ``auth`` is anything ``requests`` takes (a ``(user, password)`` pair is HTTP Basic).
    Errors are one line (:func:`kg.store.remote.request`); a failed push leaves part of the
    graph, and pushing again repairs it.
    """
    paths = loaded_files(root)  # the curated build and every imported dataset, as the local store
    total = count_triples(paths)
    url = graph_url(endpoint, graph)
    started = time.perf_counter()
    sent = requests_made = 0
    for number, lines in enumerate(chunks(paths, chunk), start=1):
        method = "PUT" if number == 1 else "POST"
        request(method, url, what=f"push chunk {number} ({method})", timeout=timeout,
                data="".join(lines).encode("utf-8"),
                headers={"Content-Type": f"{NTRIPLES}; charset=utf-8"}, auth=auth)
        sent += len(lines)
        requests_made += 1
        progress(f"kg push: chunk {number} ({method}): {sent}/{total} triples sent")
    report = PushReport(graph, sent, requests_made, 0.0)
    for name, body in (source_graphs(root) if per_source else {}).items():
        request("PUT", graph_url(endpoint, name), what=f"push source graph <{name}> (PUT)", timeout=timeout,
                data=body, headers={"Content-Type": f"{NTRIPLES}; charset=utf-8"}, auth=auth)
        lines = body.count(b"\n")  # one triple a line
        report.source_graphs, report.source_triples, report.requests = (report.source_graphs + 1,
                                                                       report.source_triples + lines,
                                                                       report.requests + 1)
        progress(f"kg push: source graph <{name}> (PUT): {lines} triples")
    report.seconds = time.perf_counter() - started
    return report
