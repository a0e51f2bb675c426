"""The build's checks in one call: read and check the curated files, compile, validate with SHACL.

``kg build`` runs them before it writes anything; the review workspace runs them on a change
before it writes it (``replaced`` holds the facts files as they would be). SHACL results come
back as problems that name the curated file, line and fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
from rdflib import URIRef

from kg.curate import corpus as corpus_mod
from kg.curate.corpus import Corpus, Record, SourceDoc
from kg.curate.yamlfile import ParseCache
from kg.errors import KgError, Problem
from kg.graph.compile import DERIVATION_KINDS, Compiled, compile_corpus
from kg.graph.validate import Report, Violation, validate
from kg.namespaces import ID


def compile_checked(root: Path, *, replaced: Mapping[str, str] | None = None, cache: ParseCache | None = None,
                    drafts: bool = True) -> tuple[Corpus, Compiled]:
    """Load, compile and SHACL-validate a project; raise :class:`KgError` on any problem.

    ``replaced``, ``cache`` and ``drafts`` are passed to :func:`kg.curate.corpus.load`.

    >>> corpus, compiled = compile_checked(Path("tests/data/kitchen"))
    >>> len(corpus.facts), len(compiled.graph) > 100
    (9, True)
    """
    corpus = corpus_mod.load(root, replaced=replaced, cache=cache, drafts=drafts)
    compiled = compile_corpus(corpus)
    report = validate(compiled.graph)
    if not report.conforms:
        raise KgError(violation_problems(report, compiled), exit_code=1)
    return corpus, compiled


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
