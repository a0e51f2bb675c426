"""Running SPARQL SELECT over an rdflib graph with the shared prefixes and bound parameters.

Parameters are bound as RDF terms (``initBindings``), never pasted into the query text.
"""

from __future__ import annotations

from typing import Any

import rdflib.plugins.sparql
from rdflib import Graph
from rdflib.query import ResultRow

from kg.namespaces import sparql_prologue


def select(graph: Graph, query: str, **bindings: Any) -> list[Any]:
    """Rows of a SELECT query; unbound variables read as ``None``.

    >>> from rdflib import URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")))
    >>> [str(r.o) for r in select(g, "SELECT ?o WHERE { ?s <urn:p> ?o }", s=URIRef("urn:a"))]
    ['urn:b']
    >>> # FROM <url> is not fetched (nothing listens on port 9): the graph itself answers
    >>> [str(r.o) for r in select(g, "SELECT ?o FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s <urn:p> ?o }")]
    ['urn:b']
    """
    # rdflib would fetch a FROM <url> over the network; this setting is global, so it is
    # set on every call rather than trusted to stay as some other code left it
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    result = graph.query(sparql_prologue() + query, initBindings=bindings)
    return [row for row in result if isinstance(row, ResultRow)]
