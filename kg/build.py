"""``kg build``: compile, validate, then write ``exports/`` atomically.

Nothing is written unless the whole graph conforms. Violations come back as
problems that name the curated file, line and fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.analysis.answers import keep_network
from kg.analysis.resolve import project_index
from kg.atomic import commit_files
from kg.curate.corpus import Corpus
from kg.export.exports import ExportSet, default_exports
from kg.graph.checked import compile_checked, violation_problems
from kg.graph.compile import Compiled
from kg.store.precomputed import stored_answer
from kg.store.reader import StoreGraph
from kg.store.store import IMPORTS, build_store, graph_of, open_generation, store_is_fresh, writing

__all__ = ["BuildResult", "build", "check_imports", "compile_checked", "violation_problems"]

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
        fresh = store_is_fresh(root)
        if not fresh:
            build_store(root)
        store, folder, lease = open_generation(root, keep=False)  # let go after: a long-lived caller builds again
        try:
            if not fresh:
                project_index(root, graph_of(store))  # the resolver's name index, made once here
            graph = StoreGraph(store, folder)
            if stored_answer(graph, "lineage") is None:  # and what the network commands read (a killed build's too)
                keep_network(graph)
        finally:
            lease.release()
    return result


def _built(root: Path, exports: ExportSet | None) -> BuildResult:
    corpus, compiled = compile_checked(root)
    files = (exports or default_exports(root / EXPORTS)).render(compiled.graph)
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
