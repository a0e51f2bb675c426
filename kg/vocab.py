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
    "ChangeKind", "Qualifier", "Measure", "DesignationType", "Precision",
)


@dataclass(frozen=True)
class Vocabulary:
    """Every concept of every scheme, by notation."""

    concepts: dict[str, dict[str, URIRef]]
    labels: dict[URIRef, str]
    person_roles: frozenset[str]
    symmetric_roles: frozenset[str]

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
    labels: dict[URIRef, str] = {}
    for name in SCHEMES:
        for concept in graph.subjects(SKOS.inScheme, MKG[f"{name}Scheme"]):
            assert isinstance(concept, URIRef)
            notation = str(graph.value(concept, SKOS.notation))
            concepts[name][notation] = concept
            for label in graph.objects(concept, SKOS.prefLabel):
                if getattr(label, "language", None) == "en":
                    labels[concept] = str(label)
    person = frozenset(
        str(graph.value(c, SKOS.notation))
        for c in graph.subjects(MKG.roleScope, None)
        if str(graph.value(c, MKG.roleScope)) == "person"
    )
    symmetric = frozenset(str(graph.value(c, SKOS.notation)) for c in graph.subjects(MKG.symmetric, None))
    return Vocabulary(concepts, labels, person, symmetric)
