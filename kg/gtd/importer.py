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
from pathlib import Path

import pyoxigraph
import yaml
from pyoxigraph import Literal, NamedNode, Triple

from kg.atomic import write_files
from kg.errors import KgError, Problem, fail
from kg.gtd.columns import COLUMNS, REQUIRED
from kg.gtd.link import Linker
from kg.gtd.rows import RowError, incident
from kg.gtd.triples import RDF_TYPE, Mapper
from kg.namespaces import ID, MKG
from kg.resolve import Resolver
from kg.store import IMPORTS
from kg.validate import shapes_graph, validate

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


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
               progress: Callable[[int], None] | None = None) -> Imported:
    """Import one GTD CSV into ``root/imports``; raise :class:`KgError` when nothing can be imported."""
    started = time.perf_counter()
    data = _read(path)
    sha = hashlib.sha256(data).hexdigest()
    dataset_id = source_id or f"gtd-{sha[:8]}"
    if not _ID.fullmatch(dataset_id):
        raise fail(str(path), f"--source-id {dataset_id!r} is not a lower-case slug", hint="e.g. gtd-2021",
                   exit_code=2)
    _refuse_duplicate(root, path, dataset_id, sha)
    text = _decode(path, data, encoding)
    result = Imported(dataset_id)
    mapper = Mapper(dataset_id, Linker(resolver))
    nt = io.BytesIO()
    triples = _dataset_triples(dataset_id, path.name, sha)
    pyoxigraph.serialize(triples, nt, pyoxigraph.RdfFormat.N_TRIPLES)
    result.triples += len(triples)
    for batch in _batches(_rows(path, text, result, strict, mapper), 2000):
        pyoxigraph.serialize(batch, nt, pyoxigraph.RdfFormat.N_TRIPLES)
        result.triples += len(batch)
        if progress:
            progress(result.rows)
    if result.imported == 0:
        raise KgError([*result.skipped[:20], Problem(str(path), None, None, "no row could be imported",
                                                      "see the reasons above")], exit_code=1)
    body = nt.getvalue()
    result.seconds["compile"] = time.perf_counter() - started
    built = root / "exports" / "graph.nt"
    curated_nt = built.read_bytes() if built.is_file() else None
    validate_import(root, body, str(path), curated_nt=curated_nt)
    result.seconds["validate"] = time.perf_counter() - started - result.seconds["compile"]
    record = {"id": dataset_id, "kind": "gtd", "original_name": path.name, "sha256": sha, "encoding": encoding,
              "rows": result.rows, "imported": result.imported, "skipped": len(result.skipped),
              "triples": result.triples, "skipped_rows": [str(p) for p in result.skipped]}
    files = {f"{dataset_id}.csv": data, f"{dataset_id}.nt": body,
             f"{dataset_id}.yaml": yaml.safe_dump(record, allow_unicode=True, sort_keys=False).encode("utf-8")}
    result.files = write_files(root / IMPORTS, files)
    if curated_nt is not None:
        remember_valid(root, [validity_key(curated_nt, body)])
    result.seconds["write"] = time.perf_counter() - started - result.seconds["compile"] - result.seconds["validate"]
    return result


MEMO = Path(".kg") / "imports.validated"


def validity_key(curated_nt: bytes, body: bytes) -> str:
    """What an import's validity depends on: its own triples and the curated graph it points into."""
    return f"{hashlib.sha256(curated_nt).hexdigest()}:{hashlib.sha256(body).hexdigest()}"


def known_valid(root: Path) -> set[str]:
    memo = root / MEMO
    return set(memo.read_text().split()) if memo.is_file() else set()


def remember_valid(root: Path, keys: list[str]) -> None:
    """Record imports found valid against a curated graph, so a build does not check them twice."""
    known = known_valid(root)
    if set(keys) - known:
        (root / MEMO).parent.mkdir(exist_ok=True)
        (root / MEMO).write_text("\n".join(sorted(known | set(keys))) + "\n")


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
                       hint="nothing to do: the same file gives the same records", exit_code=1)
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


def _rows(path: Path, text: str, result: Imported, strict: bool, mapper: Mapper) -> Iterator[Triple]:
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
        if not any(v.strip() for v in values):
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
        result.imported += 1
        yield from mapper.triples(found)


def _batches(triples: Iterator[Triple], size: int) -> Iterator[list[Triple]]:
    batch: list[Triple] = []
    for triple in triples:
        batch.append(triple)
        if len(batch) >= size * 20:
            yield batch
            batch = []
    if batch:
        yield batch


def _dataset_triples(dataset_id: str, name: str, sha: str) -> list[Triple]:
    node = NamedNode(str(ID[dataset_id]))
    return [Triple(node, RDF_TYPE, NamedNode(str(MKG.Dataset))),
            Triple(node, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                   Literal(f"GTD-format file {name}", language="en")),
            Triple(node, NamedNode(str(MKG.sha256)), Literal(sha))]


def validate_import(root: Path, body: bytes, where: str, *, curated_nt: bytes | None = None) -> None:
    """Imported records against ``shapes/dataset/``, with the types of the curated entities they point at.

    Raise a :class:`KgError` naming the first violations; ``where`` names the file.
    """
    store = pyoxigraph.Store()
    store.bulk_load(body, pyoxigraph.RdfFormat.N_TRIPLES)
    built = root / "exports" / "graph.nt"
    if curated_nt is None and built.is_file():
        curated_nt = built.read_bytes()
    if curated_nt is not None:
        curated = pyoxigraph.Store()
        curated.bulk_load(curated_nt, pyoxigraph.RdfFormat.N_TRIPLES)
        pointed = store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER (isIRI(?o)) "
                              "FILTER NOT EXISTS { ?o ?q ?v } }")
        assert isinstance(pointed, pyoxigraph.QuerySolutions)
        for row in list(pointed):
            store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object)
                         for q in curated.quads_for_pattern(row["o"], RDF_TYPE, None))
    report = validate(store, shapes_graph("dataset"))
    if not report.conforms:
        raise KgError([Problem(where, None, v.focus.rsplit("/", 1)[-1], f"{v.message} (SHACL {v.shape})",
                               "re-import the dataset with kg import, or report a bug")
                       for v in report.violations[:5]], exit_code=1)
