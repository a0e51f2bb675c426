"""What a page shows about one IRI, read from the built graph through the library's views.

The affiliations come from :func:`kg.analysis.temporal.affiliations`, the lineage from
:func:`kg.analysis.lineage.lineage` (drawn by Graphviz from :func:`kg.analysis.lineage.to_dot`), the
dated events from :func:`kg.analysis.timeline.timeline`: the page shows what the CLI answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.analysis.attacks import short
from kg.analysis.lineage import lineage, to_dot
from kg.analysis.relations import network
from kg.analysis.resolve import Resolver
from kg.analysis.temporal import Held, affiliations
from kg.analysis.timeline import Event, timeline
from kg.graph.labels import english
from kg.namespaces import ID, MKG, SCHEMA, curie
from kg.store.sparql import select

_QUOTED = """
SELECT DISTINCT ?entity ?fact ?type ?source ?quote ?gloss ?status WHERE {
  { ?fact ?p ?entity } UNION { ?entity a ?any . BIND (?entity AS ?fact) }
  ?fact prov:wasDerivedFrom ?source ; a ?type .
  OPTIONAL { ?fact mkg:quote ?quote }
  FILTER (BOUND(?quote))  # as OPTIONAL + FILTER: see kg.analysis.timeline
  OPTIONAL { ?fact mkg:gloss ?gloss }
  OPTIONAL { ?fact mkg:claimStatus ?statusNode . ?statusNode skos:notation ?status }
} ORDER BY ?source ?fact"""


@dataclass
class Quoted:
    """A fact about the entity, with the source it cites and the verbatim quote."""

    fact: str
    type: str
    source: str
    quote: str
    gloss: str
    status: str


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    iri: str
    id: str
    types: list[str]
    labels: dict[str, list[str]]
    aliases: list[tuple[str, str]]
    notes: list[tuple[str, str]]
    affiliations: list[dict[str, Any]] = field(default_factory=list)
    lineage_svg: str = ""
    lineage_dot: str = ""
    events: list[Event] = field(default_factory=list)
    quoted: list[Quoted] = field(default_factory=list)
    statements: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (self.labels.get("en") or self.labels.get("") or [self.id])[0]


class Pages:
    """The built graph with its networkx view and resolver, opened once for the server."""

    def __init__(self, graph: Graph, resolver: Resolver | None = None) -> None:
        self.graph = graph
        self.net: nx.MultiDiGraph = network(graph)
        self.resolver = resolver or Resolver(graph)
        self._svg: dict[str, str] = {}

    def knows(self, iri: str) -> bool:
        return (URIRef(iri), None, None) in self.graph or (None, None, URIRef(iri)) in self.graph

    def entity(self, iri: str) -> EntityPage:
        """The page of any IRI the graph mentions (entities, facts, sources, vocabulary)."""
        node, g = URIRef(iri), self.graph
        labels: dict[str, list[str]] = {}
        for predicate in (SKOS.prefLabel, RDFS.label):
            for label in g.objects(node, predicate):
                language = getattr(label, "language", None) or ""
                if str(label) not in labels.get(language, []):
                    labels.setdefault(language, []).append(str(label))
        aliases = sorted({(str(a), getattr(a, "language", None) or "") for p in (SKOS.altLabel, MKG.transliteration)
                          for a in g.objects(node, p)})
        notes = sorted({(str(n), getattr(n, "language", None) or "")
                        for p in (SKOS.scopeNote, SCHEMA.description, SKOS.definition, RDFS.comment)
                        for n in g.objects(node, p)})
        page = EntityPage(iri, short(node), sorted(curie(str(t)) for t in g.objects(node, RDF.type)),
                          labels, aliases, notes)
        page.statements = sorted((self._cell(p), self._cell(o)) for p, o in g.predicate_objects(node))
        if iri.startswith(str(ID)):
            page.affiliations = sorted((_affiliation(h) for h in affiliations(self.net, page.id)),
                                       key=lambda a: (a["may"], a["relation"], a["entity"]))
            page.events = timeline(g, node)
            page.quoted = [Quoted(short(r.fact), curie(str(r.type)), short(r.source), str(r.quote),
                                  str(r.gloss or ""), str(r.status or ""))
                           for r in select(g, _QUOTED, entity=node)]
            if (node, RDF.type, MKG.Organization) in g:
                page.lineage_dot, page.lineage_svg = self._lineage(page.id)
        return page

    def _lineage(self, org: str) -> tuple[str, str]:
        links = lineage(self.net, org, "both")
        if not links:
            return "", ""
        names = {n for link in links for n in (link.child, link.parent)}
        labels = {n: english(self.graph, n) for n in names}
        dot = to_dot(links, labels)
        if org not in self._svg:
            self._svg[org] = _svg(dot)
        return dot, self._svg[org]

    def _cell(self, term: Any) -> tuple[str, str]:
        if isinstance(term, URIRef):
            return curie(str(term)), str(term)
        if isinstance(term, Literal):
            return (f"{term} @{term.language}" if term.language else str(term)), ""
        if isinstance(term, BNode):
            return f"_:{term}", ""
        return str(term), ""


def _affiliation(held: Held) -> dict[str, Any]:
    """An affiliation with the span it surely held and the span it may have held."""
    row = held.as_dict()
    surely = held.relation.certain_window()
    first, last = held.relation.possible_window()
    row["surely"] = f"{surely[0]} .. {surely[1]}" if surely else ""
    row["may"] = f"{'?' if first == dt.date.min else first} .. {'?' if last == dt.date.max else last}"
    return row


def _svg(dot: str) -> str:
    """The DOT drawn as inline SVG by Graphviz; empty when Graphviz is not installed."""
    import graphviz

    try:
        svg = graphviz.Source(dot).pipe(format="svg", encoding="utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return ""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""
