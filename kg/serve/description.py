"""The SPARQL 1.1 Service Description of ``/sparql``: what ``GET /sparql`` with no query answers.

It says where the endpoint is, that it takes SPARQL 1.1 queries (no updates), the result
formats it gives, its default dataset (the union default graph and the named graphs) and
the prefixes every query may use without declaring them, as SHACL prefix declarations
(``sh:declare``), the W3C vocabulary for them: a client that parses a query before sending
it (Jena) needs them written out, and can read them here.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import PREFIXES, SH

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_ANY_URI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "JSON-LD")
PREFIXES_OUT = {"sd": SD, "formats": FORMATS, "sh": str(SH), "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(endpoint: str, named_graphs: list[str], *, allow_service: bool = False) -> list[ox.Triple]:
    """The service description of the endpoint at ``endpoint``, serving these named graphs.

    >>> triples = describe("http://127.0.0.1:8000/sparql", ["https://w3id.org/mkg/graph/curated"])
    >>> [t.object.value for t in triples if t.predicate.value.endswith("#endpoint")]
    ['http://127.0.0.1:8000/sparql']
    """
    service, dataset, default = (ox.NamedNode(f"{endpoint}#{part}") for part in ("service", "dataset", "default"))
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
    ]
    if allow_service:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS]
    for number, name in enumerate(named_graphs):
        node = ox.NamedNode(f"{endpoint}#graph-{number}")
        triples += [ox.Triple(dataset, _sd("namedGraph"), node), ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
                    ox.Triple(node, _sd("name"), ox.NamedNode(name))]
    for prefix, namespace in PREFIXES.items():
        node = ox.NamedNode(f"{endpoint}#prefix-{prefix}")
        triples += [ox.Triple(service, ox.NamedNode(str(SH.declare)), node),
                    ox.Triple(node, ox.NamedNode(str(SH.prefix)), ox.Literal(prefix)),
                    ox.Triple(node, ox.NamedNode(str(SH.namespace)), ox.Literal(str(namespace), datatype=XSD_ANY_URI))]
    return triples
