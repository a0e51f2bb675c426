"""The project's namespaces and the prefixes every output and query shares.

:data:`PREFIXES` maps each shared prefix to its IRI as text, so the SPARQL path (``kg query``,
the server) needs no rdflib. The rdflib ``Namespace`` objects (``MKG``, ``ID``...), which the
graph-building and analysis code uses as terms, are made on first use: importing rdflib took
0.3 s of a command that only runs a query on Oxigraph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, Namespace

    MKG: Namespace
    ID: Namespace
    VOCAB: Namespace
    ORG: Namespace
    SCHEMA: Namespace
    GEO: Namespace
    SH: Namespace
    DCTERMS: Namespace

CURATED_GRAPH = "https://w3id.org/mkg/graph/curated"
"""The named graph that holds the build: the one ``kg push`` replaces, and a named graph of ``kg serve``."""

PREFIXES: dict[str, str] = {
    "mkg": "https://w3id.org/mkg/ontology#",  # ontology terms
    "mkgd": "https://w3id.org/mkg/id/",  # curated entities, facts and sources: ID[<id>]
    "mkgv": "https://w3id.org/mkg/vocab/",  # SKOS concepts of the controlled vocabularies
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcterms": "http://purl.org/dc/terms/",
}
"""Every shared prefix and its namespace IRI."""

NAMESPACES = {"MKG": "mkg", "ID": "mkgd", "VOCAB": "mkgv", "ORG": "org", "SCHEMA": "schema", "GEO": "geo",
              "SH": "sh", "DCTERMS": "dcterms"}
"""The rdflib ``Namespace`` objects this module gives (made on first use), by the prefix of each."""


def __getattr__(name: str) -> Any:
    """``MKG``, ``ID`` and the other rdflib namespaces, made when first imported (PEP 562)."""
    if name not in NAMESPACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    namespace = Namespace(PREFIXES[NAMESPACES[name]])
    globals()[name] = namespace
    return namespace


def curie(iri: str) -> str:
    """An IRI shortened with the shared prefixes (unchanged when none fits).

    >>> curie("https://w3id.org/mkg/id/isis-k"), curie("urn:x")
    ('mkgd:isis-k', 'urn:x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
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
