"""JSON-LD with pyld: compaction under the published context, with a loader that never fetches."""

from __future__ import annotations

import json
from typing import Any

from pyld import jsonld
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph.context import context, no_remote_documents


def compact(graph: Graph) -> dict[str, Any]:
    """The graph as compacted JSON-LD 1.1 under the published context, sorted."""
    options = {"documentLoader": no_remote_documents, "useNativeTypes": False}
    expanded = jsonld.from_rdf(dataset(graph), options)
    compacted: dict[str, Any] = _sorted(jsonld.compact(expanded, context(), options))
    return compacted


def dataset(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    """The graph as pyld's in-memory RDF dataset.

    Handing pyld N-Quads text instead costs time quadratic in the triples (its parser
    checks each new triple against every earlier one); an rdflib graph holds no duplicates.

    >>> from rdflib import Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x", lang="ar")))
    >>> sorted(dataset(g)["@default"][0]["object"].items())[1:]
    [('language', 'ar'), ('type', 'literal'), ('value', 'x')]
    """
    return {"@default": [{"subject": _node(s), "predicate": _node(p), "object": _node(o)} for s, p, o in graph]}


def _node(term: Any) -> dict[str, Any]:
    if isinstance(term, URIRef):
        return {"type": "IRI", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if term.language:
        return {"type": "literal", "value": str(term), "datatype": str(RDF.langString), "language": term.language}
    return {"type": "literal", "value": str(term), "datatype": str(term.datatype or XSD.string)}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sorted(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def dump_json(value: Any) -> bytes:
    """JSON as the exports write it: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
