"""The Oxigraph store seen through rdflib, read-only: how the query commands read the built graph.

rdflib's ``Graph`` API (``value``, ``objects``, ``query``...) over a ``pyoxigraph.Store``,
with SPARQL run by Oxigraph. oxrdflib does the same and more (writes, named graphs), but
importing it loads rdflib's own SPARQL engine and its pyparsing grammar, which this view
never uses: 0.15 s of every command, about as long as the answer of most queries.

Terms come back as Oxigraph holds them: a plain literal typed ``xsd:string``, language
tags lower-cased (compare ``str(term)``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.store import Store
from rdflib.term import BNode, Literal, Node, URIRef, Variable


def from_ox(term: Any) -> Node | None:
    """An Oxigraph term as an rdflib term (``None`` stays ``None``: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise ValueError(f"an RDF-star triple term is not supported here: {term!r}")


def to_ox(term: Node | None) -> Any:
    """An rdflib term (or ``None``, any term) as an Oxigraph term."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        datatype = ox.NamedNode(term.datatype) if term.datatype else None
        return ox.Literal(term, language=term.language, datatype=datatype)
    raise ValueError(f"not an RDF term: {term!r}")


class StoreView(Store):
    """A read-only rdflib ``Store`` over the default graph of a ``pyoxigraph.Store``."""

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store, folder: Path | None = None) -> None:
        super().__init__()
        self.oxigraph = store
        self.folder = folder  # the generation's, when known: its precomputed index (kg.store.precomputed)
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Any, Iterator[Any]]]:
        subject, predicate, obj = (to_ox(term) for term in triple_pattern)
        for quad in self.oxigraph.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()):
            yield (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)), iter(())

    def __len__(self, context: Any = None) -> int:
        solutions = self.oxigraph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(solutions))[0].value)  # the default graph's triples, not every quad

    def query(self, query: Any, initNs: Mapping[str, Any], initBindings: Mapping[str, Any],  # noqa: N803
              queryGraph: Any, **kwargs: Any) -> Result:
        """A SPARQL query run by Oxigraph on the default graph, as an rdflib ``Result``.

        ``initBindings`` become Oxigraph substitutions, bound after the plan is made:
        :func:`kg.store.sparql.select` binds with a ``VALUES`` block instead.
        """
        if not isinstance(query, str) or kwargs:
            raise ValueError("the store view runs SPARQL text only, with no other option")
        result = self.oxigraph.query(query, prefixes={**self._namespaces, **initNs},
                                     substitutions={ox.Variable(k): to_ox(v) for k, v in initBindings.items()})
        if isinstance(result, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(result)
        elif isinstance(result, ox.QuerySolutions):
            out = Result("SELECT")
            out.vars = [Variable(v.value) for v in result.variables]
            out.bindings = [dict(zip(out.vars, map(from_ox, solution), strict=True)) for solution in result]
        else:
            out = Result("CONSTRUCT")
            out.graph = Graph()
            for triple in result:
                out.graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return out

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise PermissionError("the built graph is read-only: change facts/ and run kg build")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise PermissionError("the built graph is read-only: change facts/ and run kg build")

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if not override and (prefix in self._namespaces or namespace in self._prefixes):
            return
        self._prefixes.pop(self._namespaces.pop(prefix, URIRef("")), None)
        self._namespaces.pop(self._prefixes.pop(namespace, ""), None)
        self._namespaces[prefix], self._prefixes[namespace] = namespace, prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespaces.items()


def view(store: ox.Store, folder: Path | None = None) -> Graph:
    """An open store's default graph as a read-only rdflib ``Graph`` (``folder``: its generation, if known)."""
    return Graph(store=StoreView(store, folder), identifier=DATASET_DEFAULT_GRAPH_ID)

