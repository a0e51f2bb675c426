"""Reading the store without rdflib: SPARQL rows as text, and nodes, straight from Oxigraph.

Importing rdflib was the largest single cost of the query commands (0.1-0.3 s of each).
The analyses that need no graph algorithm (attacks, timeline, conflicts, name resolution)
read through this module instead: :class:`StoreGraph` is the store as they take it, and
each of them takes an rdflib ``Graph`` the same way (a graph held in memory, in tests or
at export, is copied into an in-memory Oxigraph store once; a view of the store,
:mod:`kg.store.store_view`, is read through its store), so each analysis has one code path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pyoxigraph as ox

from kg.namespaces import sparql_prologue
from kg.store.binding import with_values


class StoreGraph:
    """The default graph of an open store (``folder``: its generation, for the precomputed index)."""

    def __init__(self, store: ox.Store, folder: Path | None = None) -> None:
        self.oxigraph = store
        self.folder = folder

    @property
    def store(self) -> StoreGraph:
        """Itself: as an rdflib view's ``graph.store`` is what holds the Oxigraph store and its folder."""
        return self


_COPIES: WeakKeyDictionary[Any, tuple[int, ox.Store]] = WeakKeyDictionary()


def oxigraph_of(graph: Any) -> ox.Store:
    """The Oxigraph store a graph reads: a :class:`StoreGraph`'s or a view's, or a copy of an rdflib graph.

    The copy is made again when the graph grew or shrank since.
    """
    found = getattr(getattr(graph, "store", None), "oxigraph", None)
    if isinstance(found, ox.Store):
        return found
    size = len(graph)
    known = _COPIES.get(graph)
    if known is None or known[0] != size:
        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        known = _COPIES[graph] = (size, store)
    return known[1]


class Row(dict[str, Any]):
    """A solution as the text of each term (an IRI, a literal's lexical form), by name or as an attribute.

    >>> Row(a="1").a, Row().missing
    ('1', None)
    """

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def texts(graph: Any, query: str, **bindings: Any) -> list[Row]:
    """Rows of a SELECT query run by Oxigraph, each term as its text; an unbound variable is ``None``.

    Parameters are bound as a ``VALUES`` block (:mod:`kg.store.binding`), never pasted.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("3")))
    >>> texts(StoreGraph(store), "SELECT ?s ?o ?none WHERE { ?s <urn:p> ?o }", s=ox.NamedNode("urn:a"))
    [{'s': 'urn:a', 'o': '3', 'none': None}]
    """
    text = with_values(query, bindings) if bindings else query
    solutions = oxigraph_of(graph).query(sparql_prologue() + text)
    assert isinstance(solutions, ox.QuerySolutions), "a SELECT query"
    names = [variable.value for variable in solutions.variables]
    return [Row({name: None if term is None else term.value for name, term in zip(names, solution, strict=True)})
            for solution in solutions]


def iri(term: Any) -> str:
    """The IRI of a term, whichever library made it (or the text given).

    >>> iri(ox.NamedNode("urn:a")), iri("urn:a")
    ('urn:a', 'urn:a')
    """
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def node(term: Any) -> ox.NamedNode:
    """A term (an rdflib or a pyoxigraph IRI, or its text) as a pyoxigraph ``NamedNode``."""
    return term if isinstance(term, ox.NamedNode) else ox.NamedNode(iri(term))
