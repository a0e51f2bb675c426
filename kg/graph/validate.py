"""SHACL validation against the shapes in ``shapes/``.

:func:`validate` returns a typed :class:`Report`; callers decide how to show it.

Two engines give the same report: pySHACL, the reference, and pyshacl-turbo, a Rust
engine with pySHACL's API (it passes pySHACL's own test suite). Turbo is the default:
the curated graph validates in 0.05 s instead of 3.5 s, and a graph of millions of
triples in minutes instead of hours. ``tests/graph/test_shapes.py`` runs every conforming and
violating example through both engines and requires the same violations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph
import pyshacl
import pyshacl_turbo
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.namespaces import SH
from kg.resources import resource_dir


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: the node at fault, the property path, the message and the shape."""

    focus: str
    path: str
    message: str
    shape: str
    severity: str = "Violation"


@dataclass(frozen=True)
class Report:
    """The outcome of a validation run."""

    conforms: bool
    violations: tuple[Violation, ...]


def shapes_graph(folder: str = "") -> Graph:
    """A fresh graph of the shapes in ``shapes/`` (curated facts) or a subfolder.

    ``shapes_graph("dataset")`` holds the shapes of imported dataset records.
    """
    graph = Graph()
    for path in sorted((resource_dir("shapes") / folder).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


Engine = Literal["turbo", "pyshacl"]
ENGINES: dict[str, Any] = {"turbo": pyshacl_turbo.validate, "pyshacl": pyshacl.validate}


def validate(data: Graph | pyoxigraph.Store, shapes: Graph | None = None, *, engine: Engine = "turbo") -> Report:
    """Validate a data graph (or, with turbo, a pyoxigraph store); every shape is checked.

    >>> validate(Graph()).conforms
    True
    >>> validate(Graph(), engine="pyshacl").conforms
    True
    """
    shapes = shapes if shapes is not None else shapes_graph()
    _, results, _ = ENGINES[engine](
        data, shacl_graph=shapes,
        inference="none", advanced=True, allow_warnings=True, abort_on_first=False,
    )
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        shape = _node_shape(shapes, results.value(result, SH.sourceShape))
        severity = results.value(result, SH.resultSeverity)
        violations.append(Violation(
            focus=str(focus),
            path=_short(path) if isinstance(path, URIRef) else "",
            message=str(message) if message is not None else "does not conform",
            shape=str(shape) if isinstance(shape, URIRef) else "",
            severity=_short(severity) if severity is not None else "Violation",
        ))
    violations.sort()
    conforming = not any(v.severity == "Violation" for v in violations)
    return Report(conforming, tuple(violations))


def _node_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a result came from (property shapes are blank nodes)."""
    if isinstance(shape, URIRef) or shape is None:
        return shape
    return shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape) or shape


def _short(term: object) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text
