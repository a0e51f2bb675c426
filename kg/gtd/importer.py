"""``kg import gtd``: a GTD-format CSV becomes a dataset in ``imports/``, next to the curated facts.

An import writes three files, all or none:

* ``imports/<id>.csv``: the file byte for byte (``<id>`` is ``gtd-`` + 8 hex digits of
  its SHA-256 unless ``--source-id`` names it);
* ``imports/<id>.nt``: its records as N-Triples, validated with ``shapes/dataset/``;
* ``imports/<id>.yaml``: what was imported: counts, and every skipped row with its reason.

``kg build`` and every query read ``imports/*.nt`` with the curated graph (the Oxigraph
store holds both). A row that breaks the codebook is reported with its line and skipped;
``strict`` makes the first one fail the import with nothing written.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from kg.analysis.resolve import Resolver
from kg.atomic import write_files
from kg.errors import KgError, Problem, fail
from kg.gtd.check import known_valid, remember_valid, validate_import, validity_key
from kg.gtd.chunks import CHUNK_ROWS, Chunk, ChunkFailed, compile_chunks, ntriples, worker_count
from kg.gtd.columns import COLUMNS, REQUIRED
from kg.gtd.link import Linker
from kg.gtd.rows import Incident, RowError, incident
from kg.gtd.triples import RDF_TYPE
from kg.namespaces import ID, MKG
from kg.store.store import IMPORTS

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_RESERVED = re.compile(r"gtd-([0-9]+|group|place|date)(-.*)?")  # the ids of imported records
__all__ = ["Imported", "import_gtd", "imported_events", "known_valid", "remember_valid", "validate_import",
           "validity_key"]


@dataclass
class Imported:
    """What an import did."""

    id: str
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
    """
    started = time.perf_counter()
    data = _read(path)
    sha = hashlib.sha256(data).hexdigest()
    dataset_id = source_id or f"gtd-{sha[:8]}"
    if not _ID.fullmatch(dataset_id) or (source_id and _RESERVED.fullmatch(dataset_id)):
        raise fail(str(path), f"--source-id {dataset_id!r} is not a lower-case slug free for a dataset",
                   hint="e.g. gtd-release-2021 (gtd-<digits>, gtd-group-, gtd-place-, gtd-date- name records)",
                   exit_code=2)
    _refuse_duplicate(root, path, dataset_id, sha)
    text = _decode(path, data, encoding)
    result = Imported(dataset_id)
    earlier = imported_events(root)
    overlap: list[tuple[int, str]] = []
    chunks = _chunks(_incidents(path, text, result, strict, earlier, overlap), result, chunk_rows)
    processes = worker_count(workers) if text.count("\n") > threshold else 1
    try:
        compiled = compile_chunks(chunks, dataset_id, Linker(resolver), workers=processes, progress=progress)
    except ChunkFailed as exc:
        line, message, hint = exc.args
        raise fail(str(path), message, line=line, hint=hint) from None
    if overlap:
        line, eventid = overlap[0]
        raise fail(str(path), f"eventid {eventid} is already imported from {earlier[eventid]} "
                   f"({len(overlap)} of this file's rows are)", line=line,
                   hint=f"to load a newer release in its place, delete imports/{earlier[eventid]}.* first; "
                   "records are never merged", exit_code=2)
    if result.imported == 0:
        raise KgError([*result.skipped[:20], Problem(str(path), None, None, "no row could be imported",
                                                      "see the reasons above")], exit_code=1)
    # the head (the dataset and the nodes rows share), then the rows: see kg.gtd.check
    head = ntriples(_dataset_triples(dataset_id, path.name, sha)) + b"".join(compiled.shared.values())
    result.triples = compiled.triples + head.count(b"\n")
    body = b"".join([head, *compiled.rows])
    del compiled
    result.seconds["compile"] = time.perf_counter() - started
    built = root / "exports" / "graph.nt"
    curated_nt = built.read_bytes() if built.is_file() else None
    validate_import(root, body, str(path), curated_nt=curated_nt, laid_out=True, workers=workers)
    result.seconds["validate"] = time.perf_counter() - started - result.seconds["compile"]
    record = {"id": dataset_id, "kind": "gtd", "original_name": path.name, "sha256": sha, "encoding": encoding,
              "rows": result.rows, "imported": result.imported, "skipped": len(result.skipped),
              "triples": result.triples, "nt_sha256": hashlib.sha256(body).hexdigest(),
              "skipped_rows": [str(p) for p in result.skipped]}
    files = {f"{dataset_id}.csv": data, f"{dataset_id}.nt": body,
             f"{dataset_id}.yaml": yaml.safe_dump(record, allow_unicode=True, sort_keys=False).encode("utf-8")}
    result.files = write_files(root / IMPORTS, files)
    if curated_nt is not None:
        remember_valid(root, [validity_key(curated_nt, body)])
    result.seconds["write"] = time.perf_counter() - started - result.seconds["compile"] - result.seconds["validate"]
    return result


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


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(str(path), f"cannot read the file: {exc.strerror}", hint="check the path", exit_code=2) from None


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise fail(str(path), f"not {encoding} text ({exc})",
                   hint="GTD's own export is often latin-1: pass --encoding latin-1", exit_code=2) from None


def _refuse_duplicate(root: Path, path: Path, dataset_id: str, sha: str) -> None:
    for existing in sorted((root / IMPORTS).glob("*.yaml")):
        record = yaml.safe_load(existing.read_text(encoding="utf-8")) or {}
        if record.get("sha256") == sha:
            raise fail(str(path), f"already imported as {record.get('id')}",
                       hint="nothing to do: the same file gives the same records", exit_code=2)
    if (root / IMPORTS / f"{dataset_id}.yaml").exists():
        raise fail(str(path), f"another file was imported as {dataset_id}", hint="pass another --source-id",
                   exit_code=2)


def _header(path: Path, fields: list[str] | None) -> list[str]:
    fields = [f.strip() for f in fields or []]
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise fail(str(path), f"line 1: missing column(s) {', '.join(missing)}",
                   hint="a GTD export has eventid, iyear, imonth, iday, country_txt, gname", exit_code=2)
    for name in fields:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"did you mean {close[0]}?" if close else "the GTD codebook's 134 columns are in kg/gtd/columns.py"
            raise fail(str(path), f"line 1: unknown column {name!r}", hint=hint, exit_code=2)
    return fields


def _incidents(path: Path, text: str, result: Imported, strict: bool, earlier: dict[str, str],
               overlap: list[tuple[int, str]]) -> Iterator[tuple[int, Incident]]:
    """Each good row's line and incident; bad rows are skipped into ``result`` (or raised, ``strict``)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    fields = _header(path, next(reader, None))
    seen: set[str] = set()
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise fail(str(path), f"line {line}: the CSV cannot be read: {exc}", hint="check quoting",
                       exit_code=2) from None
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
