"""The project's namespaces and the prefixes every output and query shares."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

MKG = Namespace("https://w3id.org/mkg/ontology#")
"""Ontology terms."""
ID = Namespace("https://w3id.org/mkg/id/")
"""Curated entities, facts and sources: ``ID[<id>]``."""
VOCAB = Namespace("https://w3id.org/mkg/vocab/")
"""SKOS concepts of the controlled vocabularies."""
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

CURATED_GRAPH = "https://w3id.org/mkg/graph/curated"
"""The named graph that holds the build: the one ``kg push`` replaces, and a named graph of ``kg serve``."""

PREFIXES: dict[str, Namespace] = {
    "mkg": MKG,
    "mkgd": ID,
    "mkgv": VOCAB,
    "org": ORG,
    "prov": Namespace(str(PROV)),
    "time": Namespace(str(TIME)),
    "skos": Namespace(str(SKOS)),
    "schema": SCHEMA,
    "geo": GEO,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "owl": Namespace(str(OWL)),
    "sh": SH,
    "dcterms": DCTERMS,
}


def curie(iri: str) -> str:
    """An IRI shortened with the shared prefixes (unchanged when none fits).

    >>> curie("https://w3id.org/mkg/id/isis-k"), curie("urn:x")
    ('mkgd:isis-k', 'urn:x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return iri


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the shared prefixes on a graph (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def prefix_map() -> dict[str, str]:
    """The shared prefixes as plain strings, as pyoxigraph takes them."""
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def sparql_prologue() -> str:
    """PREFIX declarations for every shared prefix, to put before a user's query.

    >>> "PREFIX mkg: <https://w3id.org/mkg/ontology#>" in sparql_prologue()
    True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def prologue_line() -> str:
    """The PREFIX declarations on one line: what to paste before a query for a client that parses it first.

    >>> prologue_line().startswith("PREFIX mkg: <https://w3id.org/mkg/ontology#> PREFIX mkgd: ")
    True
    """
    return " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
