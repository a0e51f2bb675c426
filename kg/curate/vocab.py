"""The controlled vocabularies, read from ``ontology/vocab.ttl`` (the one place they live)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import MKG
from kg.resources import resource_dir

SCHEMES = (
    "ClaimStatus", "Role", "OrganizationKind", "LocationKind", "AttackKind", "Outcome",
    "ChangeKind", "Qualifier", "Measure", "DesignationType", "Precision", "Match", "EventKind",
)


@dataclass(frozen=True)
class Vocabulary:
    """Every concept of every scheme, by notation."""

    concepts: dict[str, dict[str, URIRef]]

    def iri(self, scheme: str, notation: str) -> URIRef:
        """The concept IRI for a notation.

        >>> str(vocabulary().iri("Role", "leader"))
        'https://w3id.org/mkg/vocab/role-leader'
        """
        return self.concepts[scheme][notation]

    def notations(self, scheme: str) -> list[str]:
        """The allowed notations of a scheme, sorted."""
        return sorted(self.concepts[scheme])


@cache
def vocabulary() -> Vocabulary:
    """Load the vocabularies once per process (the file is small and read-only)."""
    graph = Graph()
    graph.parse(resource_dir("ontology") / "vocab.ttl", format="turtle")
    concepts: dict[str, dict[str, URIRef]] = {name: {} for name in SCHEMES}
    for name in SCHEMES:
        for concept in graph.subjects(SKOS.inScheme, MKG[f"{name}Scheme"]):
            assert isinstance(concept, URIRef)
            concepts[name][str(graph.value(concept, SKOS.notation))] = concept
    return Vocabulary(concepts)
