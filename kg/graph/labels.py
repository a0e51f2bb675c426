"""Entities' preferred labels, by language, read from the graph."""

from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.namespace import SKOS

from kg.namespaces import ID


def by_language(graph: Graph, node: Any) -> dict[str, str]:
    """A node's preferred labels by language tag, lower case ("" for a plain literal).

    Lower case because the Oxigraph store gives ``en``/``ar`` as it normalises tags.

    >>> from rdflib import Literal
    >>> g = Graph()
    >>> _ = g.add((ID["x"], SKOS.prefLabel, Literal("Ex", lang="EN")))
    >>> by_language(g, ID["x"])
    {'en': 'Ex'}
    """
    return {(getattr(label, "language", None) or "").lower(): str(label)
            for label in graph.objects(node, SKOS.prefLabel)}


def english(graph: Graph, entity_id: str) -> str:
    """The English label of one of our entities, by id; the id itself when it has none.

    A direct lookup: resolving the id as a name would score it against every name in the store.
    """
    return by_language(graph, ID[entity_id]).get("en", entity_id)

