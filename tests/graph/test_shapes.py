"""Every SHACL shape has a conforming example (the kitchen graph) and a violating one.

Each ``tests/data/shapes/<Shape>.ru`` is a SPARQL Update that breaks the kitchen graph
in one way; its first line names the focus node and the message expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.graph.validate import shapes_graph, validate
from kg.namespaces import SH
from tests.conftest import DATA, copy_graph

MUTATIONS = sorted((DATA / "shapes").glob("*.ru"))
SHAPES_NS = "https://w3id.org/mkg/shapes#"


def node_shapes() -> list[str]:
    graph = shapes_graph()
    return sorted(str(s)[len(SHAPES_NS):] for s in graph.subjects(RDF.type, SH.NodeShape))


def test_every_shape_has_a_violating_example() -> None:
    assert sorted(p.stem for p in MUTATIONS) == node_shapes()


def test_kitchen_graph_conforms(kitchen_graph: Graph) -> None:
    report = validate(kitchen_graph)
    assert report.conforms, report.violations


def test_every_shape_has_focus_nodes_in_the_conforming_example(kitchen_graph: Graph) -> None:
    shapes = shapes_graph()
    for shape in node_shapes():
        targets = list(shapes.objects(URIRef(SHAPES_NS + shape), SH.targetClass))
        assert any((None, RDF.type, cls) in kitchen_graph for cls in targets), shape


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda p: p.stem)
def test_violating_example(kitchen_graph: Graph, mutation: Path) -> None:
    text = mutation.read_text(encoding="utf-8")
    expect_focus, expect_message = _expectation(text.splitlines()[0])
    broken = copy_graph(kitchen_graph)
    broken.update(text)
    report = validate(broken)
    assert not report.conforms
    hits = [v for v in report.violations if v.focus == expect_focus and v.message == expect_message]
    assert hits, [(v.focus, v.message) for v in report.violations]
    # the reference engine finds exactly the same violations
    assert validate(broken, engine="pyshacl") == report


def test_both_engines_agree_on_the_conforming_examples(kitchen_graph: Graph) -> None:
    from kg.store.store import open_graph
    from tests.conftest import REPO

    for graph in (kitchen_graph, open_graph(REPO)):
        assert validate(graph, engine="pyshacl") == validate(graph, engine="turbo")


def _expectation(header: str) -> tuple[str, str]:
    focus, message = header.removeprefix("# expect: ").split(" ", 1)
    if focus.startswith("mkgd:"):
        focus = "https://w3id.org/mkg/id/" + focus[5:]
    return focus.strip("<>"), message

