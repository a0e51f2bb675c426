"""``kg build``: compile, validate, then write ``exports/`` atomically.

Nothing is written unless the whole graph conforms. Violations come back as
problems that name the curated file, line and fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from rdflib import URIRef

from kg.analysis.resolve import project_index
from kg.atomic import commit_files
from kg.curate import corpus as corpus_mod
from kg.curate.corpus import Corpus, Record, SourceDoc
from kg.errors import KgError, Problem
from kg.export.exports import ExportSet, default_exports
from kg.graph.compile import DERIVATION_KINDS, Compiled, compile_corpus
from kg.graph.validate import Report, Violation, validate
from kg.namespaces import ID
from kg.store.store import IMPORTS, build_store, store_is_fresh, stored_graph, writing

EXPORTS = "exports"


@dataclass
class BuildResult:
    """What a build produced."""

    corpus: Corpus
    compiled: Compiled
    files: dict[str, bytes]
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return len(self.compiled.graph)


def compile_checked(root: Path) -> tuple[Corpus, Compiled]:
    """Load, compile and SHACL-validate a project; raise :class:`KgError` on any problem."""
    corpus = corpus_mod.load(root)
    compiled = compile_corpus(corpus)
    report = validate(compiled.graph)
    if not report.conforms:
        raise KgError(violation_problems(report, compiled), exit_code=1)
    return corpus, compiled


def build(root: Path, *, check: bool = False, exports: ExportSet | None = None) -> BuildResult:
    """Build the graph from ``root``; write ``exports/`` unless ``check`` is set.

    With ``check``, nothing is written and ``stale`` lists the export files that differ
    from a fresh build (missing ones included).

    A build holds the build lock from reading the facts to its last write, so a build
    that started earlier can never finish later and overwrite what a later one wrote;
    ``exports/`` changes in one step (:func:`kg.atomic.commit_files`).
    """
    folder = root / EXPORTS
    if check:
        result = _built(root, exports)
        result.stale = [name for name, data in sorted(result.files.items())
                        if not (folder / name).is_file() or (folder / name).read_bytes() != data]
        return result
    with writing(root):
        result = _built(root, exports)
        result.written = commit_files(folder, result.files)
        if not store_is_fresh(root):
            build_store(root)
            project_index(root, stored_graph(root))  # the resolver's name index, made once here
    return result


def _built(root: Path, exports: ExportSet | None) -> BuildResult:
    corpus, compiled = compile_checked(root)
    files = (exports or default_exports()).render(compiled.graph)
    check_imports(root, files["graph.nt"])
    return BuildResult(corpus, compiled, files)


def check_imports(root: Path, curated_nt: bytes) -> None:
    """Validate every imported dataset (``imports/*.nt``) against ``shapes/dataset/``.

    An import is checked against the curated entities it points at, so it is checked
    again whenever the curated graph changes; a pair already found valid is remembered
    in ``.kg/imports.validated`` and not checked twice.
    """
    imported = sorted((root / IMPORTS).glob("*.nt"))
    if not imported:
        return
    from kg.gtd.importer import known_valid, remember_valid, validate_import, validity_key

    known = known_valid(root)
    keys = []
    for path in imported:
        body = path.read_bytes()
        keys.append(validity_key(curated_nt, body))
        if keys[-1] not in known:
            validate_import(root, body, str(path), curated_nt=curated_nt)
    remember_valid(root, keys)


def violation_problems(report: Report, compiled: Compiled) -> list[Problem]:
    """Turn SHACL results into problems that point at the curated file and line."""
    problems = []
    for violation in report.violations:
        if violation.severity != "Violation":
            continue
        problems.append(_problem(violation, compiled))
    return problems


def _problem(violation: Violation, compiled: Compiled) -> Problem:
    focus = URIRef(violation.focus.split("#", 1)[0])
    origin = compiled.origins.get(focus)
    shape = violation.shape.rsplit("#", 1)[-1] if violation.shape else "shape"
    path = f" [{violation.path}]" if violation.path else ""
    detail, hint = "", "see shapes/ for the rule"
    if shape == "NoLineageCycleShape" and (cycle := lineage_cycle(compiled, focus.removeprefix(str(ID)))):
        detail, hint = f": {cycle}", "check from: and to: in these facts"
    message = f"{violation.message.replace(str(ID), '')}{detail}{path} (SHACL {shape})"
    if origin is None:
        return Problem("<graph>", None, violation.focus, message, hint)
    if isinstance(origin, SourceDoc):
        return Problem(origin.file, origin.meta.line, origin.id, message, hint)
    return Problem(origin.file, origin.line, origin.id, message, hint)


def lineage_cycle(compiled: Compiled, entity: str) -> str:
    """The shortest lineage cycle through ``entity``, each step with the fact that makes it.

    Every fact on the cycle is named, the one that brings the lineage back to ``entity``
    last (it closes the cycle), with its file and line.
    """
    steps: dict[tuple[str, str], Record] = {}
    for record in compiled.origins.values():
        if isinstance(record, Record) and record.type == "Split" and record.data.get("kind") in DERIVATION_KINDS:
            for original in record.data.get("from") or []:
                for resulting in record.data.get("to") or []:
                    steps.setdefault((str(original), str(resulting)), record)
    lineage = nx.DiGraph(list(steps))
    if entity not in lineage:
        return ""
    paths = [nx.shortest_path(lineage, after, entity) for after in lineage.successors(entity)
             if nx.has_path(lineage, after, entity)]
    if not paths:
        return ""
    walk = [entity, *min(paths, key=len)]
    hops = [f"{b} ({steps[a, b].id})" for a, b in zip(walk, walk[1:], strict=False)]
    last = steps[walk[-2], walk[-1]]
    hops[-1] = f"{walk[-1]} ({last.id}, {last.file}:{last.line}, closes it)"
    return " → ".join([entity, *hops])
