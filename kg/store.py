"""Open the built graph for queries: commands read RDF, never the curated YAML."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import fail
from kg.namespaces import bind_prefixes

BUILT = Path("exports") / "graph.nt"


def open_graph(root: Path) -> Graph:
    """The graph ``kg build`` last wrote under ``root``."""
    path = root / BUILT
    if not path.is_file():
        raise fail(str(path), "no built graph", hint="run kg build first", exit_code=2)
    graph = bind_prefixes(Graph())
    graph.parse(path, format="nt")
    return graph
