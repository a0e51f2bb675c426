"""Validating an imported dataset against ``shapes/dataset/``, block by block.

An import's N-Triples are laid out by :mod:`kg.gtd.importer` as a *head* (the dataset
node and every node rows share: groups and their matches, places, dates), then one
contiguous run of triples per row, starting with the row's ``mkgd:gtd-<eventid> a
mkg:Attack`` line and holding only that row's own records (the attack, its
``#perpetrator-N`` claims, its ``#killed``/``#injured`` tolls, its ``#geometry``).

Every dataset shape is local: a focus node is checked against its own outgoing
triples and the ``rdf:type`` of the nodes they point at, and every target (a class,
the subjects of ``skos:prefLabel``, the objects of ``mkg:date``) is found in the same
triples. So validating ``head + block`` for consecutive blocks of rows gives exactly
the violations of the whole file (head nodes are checked in every block, once is
enough to fail), with memory bounded by a block, not by the file: a 200,000-row
import is ~7 M triples, which pyshacl-turbo checks in blocks at a steady rate.

The layout is guaranteed for the bytes the importer has just made, and for a file in
``imports/`` whose SHA-256 its import record holds (``nt_sha256``); any other body is
validated whole.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

import pyoxigraph
import yaml
from rdflib import Graph
from rdflib.namespace import RDF

from kg.atomic import exit_with_parent, write_files
from kg.errors import KgError, Problem, fail, syntax_error
from kg.graph.validate import Report, shapes_graph, validate
from kg.gtd.chunks import worker_count
from kg.namespaces import MKG, SH
from kg.store.store import BUILT, DAMAGED, IMPORTS

BLOCK_BYTES = 64 * 1024 * 1024
"""About 450,000 triples a block: pyshacl-turbo's rate stays steady up to there."""

_ATTACK_LINE = f"> <{RDF.type}> <{MKG.Attack}> .\n".encode()


def blocks(body: bytes, size: int = BLOCK_BYTES) -> tuple[int, list[tuple[int, int]]]:
    """Where an import's head ends, and the spans of blocks of whole rows of about ``size`` bytes.

    >>> attack = f"<x:1{_ATTACK_LINE.decode()}<x:1#k> <x:p> <x:1> .\\n"
    >>> body = ("<x:g> <x:p> <x:q> .\\n" + attack + attack.replace("x:1", "x:2")).encode()
    >>> head, spans = blocks(body, 10)
    >>> body[:head].decode(), [body[a:b].decode().count("\\n") for a, b in spans]
    ('<x:g> <x:p> <x:q> .\\n', [2, 2])
    """
    first = body.find(_ATTACK_LINE)
    if first < 0:
        return len(body), []
    start = body.rfind(b"\n", 0, first) + 1
    spans, position = [], start
    while position < len(body):
        following = body.find(_ATTACK_LINE, position + size)
        end = len(body) if following < 0 else body.rfind(b"\n", 0, following) + 1
        spans.append((position, end))
        position = end
    return start, spans


def validate_import(root: Path, body: bytes, where: str, *, curated_nt: bytes | None = None,
                    laid_out: bool | None = None, block_bytes: int = BLOCK_BYTES, workers: int | None = None) -> None:
    """Imported records against ``shapes/dataset/``, with the types of the curated entities they may point at.

    ``laid_out`` says the body has the importer's layout (default: when an import record
    in ``root/imports`` holds its SHA-256); it is then checked block by block, in up to
    ``workers`` processes (default: one per CPU, at most 4), a few blocks in flight at a
    time. Blocks are checked in order; the first with violations is reported, in a
    :class:`KgError` naming the first violations (``where`` names the file).
    """
    if curated_nt is None and (root / BUILT).is_file():
        curated_nt = (root / BUILT).read_bytes()
    types = _curated_types(curated_nt or b"", shapes_graph("dataset"))
    if laid_out is None:
        laid_out = hashlib.sha256(body).hexdigest() in _recorded_digests(root)
    if not laid_out:  # not the importer's own bytes: its syntax first, so that an error names the file's line
        try:
            for _ in pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as exc:
            line, message = syntax_error(exc)
            raise fail(where, f"not valid N-Triples: {message}", line=line, hint=DAMAGED, exit_code=2) from None
    end, spans = blocks(body, block_bytes) if laid_out else (len(body), [])
    head, view = types + body[:end], memoryview(body)
    parts = (bytes(view[a:b]) for a, b in spans or [(end, end)])
    workers = min(worker_count(workers), len(spans))
    if workers > 1:
        failed = _in_processes(head, parts, workers)
    else:
        failed = next((r for r in (check_block(head, part) for part in parts) if not r.conforms), None)
    if failed is not None:
        raise KgError(_problems(failed, where), exit_code=1)


def _in_processes(head: bytes, parts: Iterator[bytes], workers: int) -> Report | None:
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=exit_with_parent) as pool:
        pending = deque(pool.submit(check_block, head, part) for part in islice(parts, workers + 1))
        while pending:
            report = pending.popleft().result()
            if not report.conforms:
                pool.shutdown(cancel_futures=True)
                return report
            part = next(parts, None)
            if part is not None:
                pending.append(pool.submit(check_block, head, part))
    return None


def check_block(head: bytes, part: bytes) -> Report:
    """Validate the head and one block of rows (in a worker process, too)."""
    store = pyoxigraph.Store()
    store.bulk_load(head + part, pyoxigraph.RdfFormat.N_TRIPLES)
    return validate(store, shapes_graph("dataset"))


def _curated_types(curated_nt: bytes, shapes: Graph) -> bytes:
    """``rdf:type`` lines of curated entities, for the classes the shapes require of the nodes records point at.

    Only classes no dataset shape targets: a curated attack must not be checked as an imported one.
    """
    required = set(shapes.objects(None, SH["class"])) - set(shapes.objects(None, SH.targetClass))
    endings = tuple(f"> <{RDF.type}> <{cls}> .".encode() for cls in required)
    return b"".join(line + b"\n" for line in curated_nt.splitlines() if line.endswith(endings))


def _recorded_digests(root: Path) -> set[str]:
    found = set()
    for record in (root / IMPORTS).glob("*.yaml"):
        data = yaml.safe_load(record.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("nt_sha256"):
            found.add(str(data["nt_sha256"]))
    return found


def _problems(report: Report, where: str) -> list[Problem]:
    return [Problem(where, None, v.focus.rsplit("/", 1)[-1], f"{v.message} (SHACL {v.shape})",
                    "re-import the dataset with kg import, or report a bug")
            for v in report.violations[:5]]


MEMO = Path(".kg") / "imports.validated"


def validity_key(curated_nt: bytes, body: bytes) -> str:
    """What an import's validity depends on: its own triples and the curated graph it points into."""
    return f"{hashlib.sha256(curated_nt).hexdigest()}:{hashlib.sha256(body).hexdigest()}"


def known_valid(root: Path) -> set[str]:
    """The (curated graph, import) pairs already found valid."""
    memo = root / MEMO
    return set(memo.read_text().split()) if memo.is_file() else set()


def remember_valid(root: Path, keys: list[str]) -> None:
    """Record imports found valid against a curated graph, so a build does not check them twice."""
    known = known_valid(root)
    if set(keys) - known:
        write_files((root / MEMO).parent, {MEMO.name: ("\n".join(sorted(known | set(keys))) + "\n").encode()})
