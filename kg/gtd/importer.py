"""``kg import gtd``: a GTD-format CSV becomes a dataset in ``imports/``, next to the curated facts.

An import writes four files, all or none:

* ``imports/<id>.csv``: the file byte for byte (``<id>`` is ``gtd-`` + 8 hex digits of
  its SHA-256 unless ``--source-id`` names it);
* ``imports/<id>.nt``: its records as N-Triples, validated with ``shapes/dataset/``;
* ``imports/<id>.yaml``: what was imported: counts, and every skipped row with its reason;
* ``imports/<id>.summary.json``: each perpetrator's attacks with their days, and the active
  years of what the records name, precomputed for the store (:mod:`kg.store.precomputed`).

``kg build`` and every query read ``imports/*.nt`` with the curated graph (the Oxigraph
store holds both). A row that breaks the codebook is reported with its line and skipped;
``strict`` makes the first one fail the import with nothing written.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TextIO

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from kg.analysis.resolve import Resolver
from kg.atomic import NewGeneration
from kg.errors import KgError, Problem, fail
from kg.gtd.check import known_valid, remember_valid, validate_import, validity_key
from kg.gtd.chunks import CHUNK_ROWS, Chunk, ChunkFailed, compile_chunks, ntriples, worker_count
from kg.gtd.csvfile import copy_scanned, records
from kg.gtd.link import Linker
from kg.gtd.rows import Incident, RowError, incident
from kg.gtd.triples import RDF_TYPE
from kg.namespaces import ID, MKG
from kg.store.precomputed import SUFFIX
from kg.store.store import IMPORTS, writing

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_RESERVED = re.compile(r"gtd-([0-9]+|group|place|date)(-.*)?")  # the ids of imported records
INCOMING = ".incoming.csv"
"""The file as copied into the new generation of imports/, until its id is known."""
__all__ = ["Imported", "import_gtd", "imported_events", "known_valid", "remember_valid", "validate_import",
           "validity_key"]


@dataclass
class Imported:
    """What an import did."""

    id: str
    lines: int = 0  # of the file, the header included: each is the header, blank, or part of a row
    rows: int = 0
    imported: int = 0
    skipped: list[Problem] = field(default_factory=list)
    triples: int = 0
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # compile, validate, write


def import_gtd(root: Path, path: Path, *, source_id: str | None = None, strict: bool = False,
               encoding: str = "utf-8", resolver: Resolver | None = None,
               progress: Callable[[int], None] | None = None, workers: int | None = None,
               threshold: int = 20_000, chunk_rows: int = CHUNK_ROWS) -> Imported:
    """Import one GTD CSV into ``root/imports``; raise :class:`KgError` when nothing can be imported.

    A file of more than ``threshold`` lines is mapped to triples in chunks of ``chunk_rows``
    rows by ``workers`` processes (default: one per CPU, at most 4), which also validate
    it; the bytes written are the same (see :mod:`kg.gtd.chunks`). A smaller file is
    mapped in this process: starting workers would cost more than they save.

    The four files are written into a new generation of ``imports/`` that replaces the
    folder in one step (:class:`kg.atomic.NewGeneration`), all under the build lock.
    """
    if source_id is not None and (not _ID.fullmatch(source_id) or _RESERVED.fullmatch(source_id)):
        raise fail(str(path), f"--source-id {source_id!r} is not a lower-case slug free for a dataset",
                   hint="e.g. gtd-release-2021 (gtd-<digits>, gtd-group-, gtd-place-, gtd-date- name records)",
                   exit_code=2)
    with writing(root):  # from reading imports/ to the last write: no other import or build between
        generation = NewGeneration(root / IMPORTS)
        try:
            result, valid = _import(root, path, generation, source_id=source_id, strict=strict,
                                    encoding=encoding, resolver=resolver, progress=progress, workers=workers,
                                    threshold=threshold, chunk_rows=chunk_rows)
            generation.commit()
        finally:
            generation.discard()
        if valid:
            remember_valid(root, [valid])  # once the import is in: the cache never names what is not there
    return result


def _import(root: Path, path: Path, generation: NewGeneration, *, source_id: str | None, strict: bool,
            encoding: str, resolver: Resolver | None, progress: Callable[[int], None] | None,
            workers: int | None, threshold: int, chunk_rows: int) -> tuple[Imported, str]:
    """The import written into ``generation``, and its validity key (see :func:`remember_valid`)."""
    started = time.perf_counter()
    with generation.create(INCOMING) as out:
        scanned = copy_scanned(path, out, encoding)
        out.flush()
        os.fsync(out.fileno())
    dataset_id = source_id or f"gtd-{scanned.sha256[:8]}"
    _refuse_duplicate(root, path, dataset_id, scanned.sha256)
    result = Imported(dataset_id, lines=scanned.lines)
    earlier = imported_events(root)
    overlap: list[tuple[int, str]] = []
    with open(generation.path / INCOMING, encoding=encoding, newline="") as text:
        chunks = _chunks(_incidents(path, text, result, strict, earlier, overlap), result, chunk_rows)
        processes = worker_count(workers) if scanned.lines > threshold else 1
        try:
            compiled = compile_chunks(chunks, dataset_id, Linker(resolver), workers=processes, progress=progress)
        except ChunkFailed as exc:
            line, message, hint = exc.args
            raise fail(str(path), message, line=line, hint=hint) from None
    _refuse_empty(path, result, overlap, earlier)
    # the head (the dataset and the nodes rows share), then the rows: see kg.gtd.check
    head = ntriples(_dataset_triples(dataset_id, path.name, scanned.sha256)) + b"".join(compiled.shared.values())
    result.triples = compiled.triples + head.count(b"\n")
    body = b"".join([head, *compiled.rows])
    summary = compiled.parts.summary()
    del compiled
    result.seconds["compile"] = time.perf_counter() - started
    built = root / "exports" / "graph.nt"
    curated_nt = built.read_bytes() if built.is_file() else None
    validate_import(root, body, str(path), curated_nt=curated_nt, laid_out=True, workers=workers)
    result.seconds["validate"] = time.perf_counter() - started - result.seconds["compile"]
    nt_sha256 = hashlib.sha256(body).hexdigest()
    record = {"id": dataset_id, "kind": "gtd", "original_name": path.name, "sha256": scanned.sha256,
              "encoding": encoding, "lines": result.lines, "rows": result.rows, "imported": result.imported,
              "skipped": len(result.skipped), "triples": result.triples,
              "nt_sha256": nt_sha256, "skipped_rows": [str(p) for p in result.skipped]}
    os.replace(generation.path / INCOMING, generation.path / f"{dataset_id}.csv")  # inside the generation
    generation.write(f"{dataset_id}.nt", body)
    generation.write(f"{dataset_id}.yaml", yaml.safe_dump(record, allow_unicode=True, sort_keys=False).encode())
    generation.write(f"{dataset_id}{SUFFIX}", summary.as_json(nt_sha256))
    result.files = [f"{dataset_id}.{kind}" for kind in ("csv", "nt", "yaml")] + [f"{dataset_id}{SUFFIX}"]
    result.seconds["write"] = time.perf_counter() - started - result.seconds["compile"] - result.seconds["validate"]
    return result, validity_key(curated_nt, body) if curated_nt is not None else ""


def _refuse_empty(path: Path, result: Imported, overlap: list[tuple[int, str]], earlier: dict[str, str]) -> None:
    """Refuse a file whose incidents are already imported, or that gives no incident at all."""
    if overlap:
        line, eventid = overlap[0]
        raise fail(str(path), f"eventid {eventid} is already imported from {earlier[eventid]} "
                   f"({len(overlap)} of this file's rows are)", line=line,
                   hint=f"to load a newer release in its place, delete imports/{earlier[eventid]}.* first; "
                   "records are never merged", exit_code=2)
    if result.rows == 0:
        raise fail(str(path), "the file has a header and no rows",
                   hint="export the rows too, or check you gave the right file", exit_code=1)
    if result.imported == 0:
        raise KgError([*result.skipped[:20], Problem(str(path), None, None, "no row could be imported",
                                                      "see the reasons above")], exit_code=1)


_RECORD_ID = re.compile(b"<" + str(MKG.recordId).encode() + rb'> "([0-9]+)"')  # an attack's row: its eventid


def imported_events(root: Path) -> dict[str, str]:
    """The eventid of every incident already imported, and the dataset it came from.

    Read from each ``imports/*.nt`` (the record of truth), one pass of a byte pattern
    over the file: half a second for 200,000 incidents.
    """
    found: dict[str, str] = {}
    for path in sorted((root / IMPORTS).glob("*.nt")):
        for match in _RECORD_ID.finditer(path.read_bytes()):
            found.setdefault(match.group(1).decode("ascii"), path.stem)
    return found


def _refuse_duplicate(root: Path, path: Path, dataset_id: str, sha: str) -> None:
    for existing in sorted((root / IMPORTS).glob("*.yaml")):
        record = yaml.safe_load(existing.read_text(encoding="utf-8")) or {}
        if record.get("sha256") == sha:
            raise fail(str(path), f"already imported as {record.get('id')}",
                       hint="nothing to do: the same file gives the same records", exit_code=2)
    if (root / IMPORTS / f"{dataset_id}.yaml").exists():
        raise fail(str(path), f"another file was imported as {dataset_id}", hint="pass another --source-id",
                   exit_code=2)


def _incidents(path: Path, text: TextIO, result: Imported, strict: bool, earlier: dict[str, str],
               overlap: list[tuple[int, str]]) -> Iterator[tuple[int, Incident]]:
    """Each good row's line and incident; bad rows are skipped into ``result`` (or raised, ``strict``)."""
    seen: set[str] = set()
    for line, fields, values in records(path, text):
        if not "".join(values).strip():
            continue
        result.rows += 1
        row = dict(zip(fields, values, strict=False))
        eventid = (row.get("eventid") or "").strip()
        try:
            if len(values) != len(fields):
                raise RowError(f"{len(values)} fields, the header has {len(fields)}", "check the quoting of this row")
            if eventid in seen:
                raise RowError("duplicate eventid", "each incident appears once")
            found = incident(row)
        except RowError as exc:
            problem = Problem(str(path), line, f"eventid {eventid or '?'}", str(exc), exc.hint)
            if strict:
                raise KgError([problem], exit_code=1) from None
            result.skipped.append(problem)
            continue
        seen.add(eventid)
        if eventid in earlier:  # the same incident from another file: refused as a whole, after counting
            overlap.append((line, eventid))
            continue
        result.imported += 1
        yield line, found


def _chunks(incidents: Iterator[tuple[int, Incident]], result: Imported, size: int) -> Iterator[Chunk]:
    """Incidents in chunks of ``size``, each with the count of rows read when it was cut."""
    while part := list(islice(incidents, size)):
        yield Chunk(part, result.rows)


def _dataset_triples(dataset_id: str, name: str, sha: str) -> list[Triple]:
    node = NamedNode(str(ID[dataset_id]))
    return [Triple(node, RDF_TYPE, NamedNode(str(MKG.Dataset))),
            Triple(node, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                   Literal(f"GTD-format file {name}", language="en")),
            Triple(node, NamedNode(str(MKG.sha256)), Literal(sha))]
