"""GraphML and GEXF of the networkx view, for Gephi and Cytoscape.

Nodes are entities (type, English and Arabic labels, aliases); edges are the time-bounded
relations of :mod:`kg.analysis.relations` plus place containment, each with its interval bounds,
claim status and sources. Values are plain strings so every tool reads them.
"""

from __future__ import annotations

import io

import networkx as nx
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from kg.analysis.attacks import short
from kg.analysis.relations import relations
from kg.analysis.resolve import ENTITY_CLASSES
from kg.namespaces import GEO


def export_graph(graph: Graph) -> nx.MultiDiGraph:
    """The view as written to GraphML: only string, int and float attributes."""
    net = nx.MultiDiGraph()
    nodes = {}
    for cls, name in ENTITY_CLASSES.items():
        for entity in graph.subjects(RDF.type, cls):
            labels = {getattr(lab, "language", ""): str(lab) for lab in graph.objects(entity, SKOS.prefLabel)}
            aliases = sorted(str(a) for a in graph.objects(entity, SKOS.altLabel))
            nodes[short(entity)] = {"type": name, "label_en": labels.get("en", ""),
                                    "label_ar": labels.get("ar", ""), "aliases": " | ".join(aliases)}
    for node in sorted(nodes):
        net.add_node(node, **nodes[node])
    edges = []
    for rel in relations(graph):
        iv = rel.interval
        edges.append((rel.subject, rel.object, {
            "relation": rel.relation, "kind": rel.kind, "start_edtf": rel.start, "end_edtf": rel.end,
            "start_earliest": iv.start.earliest.isoformat() if iv.start else "",
            "start_latest": iv.start.latest.isoformat() if iv.start else "",
            "end_earliest": iv.end.earliest.isoformat() if iv.end else "",
            "end_latest": iv.end.latest.isoformat() if iv.end else "",
            "attested_edtf": rel.attested,
            "attested_earliest": iv.attested.earliest.isoformat() if iv.attested else "",
            "attested_latest": iv.attested.latest.isoformat() if iv.attested else "",
            "status": rel.status, "sources": " ".join(rel.sources), "fact": " ".join(rel.facts)}))
    for inner, outer in graph.subject_objects(GEO.sfWithin):
        edges.append((short(inner), short(outer), {"relation": "within", "kind": "within"}))
    for u, v, data in sorted(edges, key=lambda e: (e[0], e[1], sorted(e[2].items()))):
        net.add_edge(u, v, **data)
    return net


def graphml(graph: Graph) -> bytes:
    """GraphML bytes (UTF-8), byte-stable for the same graph."""
    return ("\n".join(nx.generate_graphml(export_graph(graph))) + "\n").encode("utf-8")


def gexf(graph: Graph) -> bytes:
    """GEXF bytes for Gephi (networkx stamps the date; it is fixed here for stable output)."""
    buffer = io.BytesIO()
    nx.write_gexf(export_graph(graph), buffer)
    text = buffer.getvalue().decode("utf-8")
    start = text.find('lastmodifieddate="')
    if start != -1:
        end = text.index('"', start + len('lastmodifieddate="'))
        text = text[:start] + 'lastmodifieddate="1970-01-01"' + text[end + 1:]
    return text.encode("utf-8")
