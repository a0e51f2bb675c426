"""Running SPARQL SELECT over an rdflib graph with the shared prefixes and bound parameters.

Parameters are bound as RDF terms, never pasted into the query text: ``initBindings`` on an
in-memory graph, a ``VALUES`` block of escaped terms (:mod:`kg.store.binding`) on the Oxigraph store,
where a binding must reach the query planner.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.query import ResultRow

from kg.namespaces import sparql_prologue
from kg.store.binding import with_values
from kg.store.reader import texts
from kg.store.store_view import StoreView


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
    if isinstance(graph.store, StoreView):  # Oxigraph runs it, and loads no FROM graph
        query, bindings = (with_values(query, bindings) if bindings else query), {}
    else:
        # rdflib would fetch a FROM <url> over the network; this setting is global, so it is
        # set on every call rather than trusted to stay as some other code left it. Imported
        # here: its SPARQL parser costs a command 80 ms to load.
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    result = graph.query(sparql_prologue() + query, initBindings=bindings)
    return [row for row in result if isinstance(row, ResultRow)]


def select_text(graph: Graph, query: str, **bindings: Any) -> list[dict[str, str | None]]:
    """Rows of a SELECT query as the text of each term (an IRI, a literal's lexical form), or None.

    Run by Oxigraph whatever the graph (:func:`kg.store.reader.texts`): for long answers no
    rdflib terms are made (for 9,490 attacks that was 4 s of a 15 s ``kg attacks``).

    >>> from rdflib import Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:a"), URIRef("urn:p"), Literal(3)))
    >>> select_text(g, "SELECT ?s ?o ?none WHERE { ?s <urn:p> ?o }")
    [{'s': 'urn:a', 'o': '3', 'none': None}]
    """
    return list(texts(graph, query, **bindings))
