"""TriG with one named graph per source: load "only what article X says", or compare sources.

A fact node, and the nodes hanging off it (``<fact>#date``, ``<fact>#during``...), go into
the named graph of the source it is derived from (graph IRI = the source's IRI).
Entities' labels, the vocabularies and the sources' own metadata stay in the default graph.
"""

from __future__ import annotations

from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.namespaces import MKG, bind_prefixes


def per_source(graph: Graph) -> Dataset:
    """Split a built graph into a dataset with one named graph per source."""
    dataset = Dataset()
    for prefix, namespace in bind_prefixes(Graph()).namespaces():
        dataset.bind(prefix, namespace, override=True, replace=True)
    owner: dict[str, URIRef] = {}
    for fact, source in graph.subject_objects(PROV.wasDerivedFrom):
        if isinstance(fact, URIRef) and isinstance(source, URIRef):
            owner[str(fact)] = source
    default = dataset.default_graph
    for s, p, o in graph:
        home = owner.get(str(s).split("#", 1)[0]) if isinstance(s, URIRef) else None
        if home is None or _entity_triple(graph, s, p):
            default.add((s, p, o))
        else:
            dataset.graph(home).add((s, p, o))
    return dataset


def _entity_triple(graph: Graph, subject: Any, predicate: Any) -> bool:
    # Attacks and events are entities that also cite a source: their labels stay in the default graph.
    is_grounded_entity = (subject, RDF.type, MKG.Attack) in graph or (subject, RDF.type, MKG.Event) in graph
    return is_grounded_entity and predicate in (SKOS.prefLabel, SKOS.altLabel, RDFS.label, RDF.type)


def render(graph: Graph) -> bytes:
    """Deterministic TriG: named graphs and their triples in sorted order."""
    dataset = per_source(graph)
    chunks = []
    for context in sorted(dataset.graphs(), key=lambda c: str(c.identifier)):
        if len(context) == 0:
            continue
        piece = Graph()
        for prefix, namespace in dataset.namespaces():
            piece.bind(prefix, namespace, override=True, replace=True)
        for triple in context:
            piece.add(triple)
        turtle = piece.serialize(format="turtle")
        prefixes = [line for line in turtle.splitlines() if line.startswith("@prefix")]
        triples = [line for line in turtle.splitlines() if not line.startswith("@prefix")]
        chunks.append((str(context.identifier), prefixes, "\n".join(triples).strip()))
    header = sorted({line for _, prefixes, _ in chunks for line in prefixes})
    out = ["\n".join(header), ""]
    for name, _, body in chunks:
        if name == str(dataset.default_graph.identifier):
            out.append("{\n" + body + "\n}\n")
        else:
            out.append(f"<{name}> {{\n{body}\n}}\n")
    return "\n".join(out).encode("utf-8")
