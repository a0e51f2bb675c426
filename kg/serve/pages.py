"""What a page shows about one IRI, read from the built graph through the library's views.

The affiliations come from :func:`kg.analysis.temporal.affiliations` (drawn by
:mod:`kg.serve.affiliation_chart`), the lineage from :func:`kg.analysis.lineage.lineage` (merged and
drawn by :mod:`kg.serve.lineage_drawing`), the dated events from :func:`kg.analysis.timeline.timeline`
(drawn by :mod:`kg.serve.event_chart`): the page shows what the CLI answers. The two charts of a
page share one date axis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.analysis.attacks import short
from kg.analysis.lineage import lineage
from kg.analysis.relations import network
from kg.analysis.resolve import Resolver
from kg.analysis.temporal import affiliations
from kg.analysis.timeline import Event, timeline
from kg.curate.readings import AMBIGUOUS
from kg.graph.labels import english
from kg.namespaces import ID, MKG, SCHEMA, curie
from kg.serve import affiliation_chart, event_chart, lineage_drawing
from kg.serve.affiliation_chart import AffiliationChart, Row
from kg.serve.event_chart import EventChart
from kg.serve.lineage_drawing import Edge
from kg.store.sparql import select_text

_QUOTED = """
SELECT DISTINCT ?entity ?fact ?type ?source ?quote ?gloss ?status ?preferred ?other WHERE {
  { ?fact ?p ?entity } UNION { ?entity a ?any . BIND (?entity AS ?fact) }
  # an entity that only a reading other than the preferred one names
  UNION { ?other ?p ?entity . ?fact mkg:reading ?other . FILTER NOT EXISTS { ?fact mkg:preferredReading ?other } }
  ?fact prov:wasDerivedFrom ?source ; a ?type .
  OPTIONAL { ?fact mkg:quote ?quote }
  FILTER (BOUND(?quote))  # as OPTIONAL + FILTER: see kg.analysis.timeline
  OPTIONAL { ?fact mkg:gloss ?gloss }
  OPTIONAL { ?fact mkg:claimStatus ?statusNode . ?statusNode skos:notation ?status }
  OPTIONAL { ?fact mkg:preferredReading ?preferred }
} ORDER BY ?source ?fact"""
OTHER_READING = "named only in another reading"


@dataclass
class Quoted:
    """A fact about the entity, with the source it cites and the verbatim quote."""

    fact: str
    type: str
    source: str
    quote: str
    gloss: str
    status: str
    reading: str = ""  # "ambiguous reading"; or OTHER_READING when the preferred reading does not name it


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    iri: str
    id: str
    types: list[str]
    labels: dict[str, list[str]]
    aliases: list[tuple[str, str]]
    notes: list[tuple[str, str]]
    chart: AffiliationChart | None = None
    lineage_edges: list[Edge] = field(default_factory=list)
    lineage_svg: str = ""
    lineage_dot: str = ""
    events: list[Event] = field(default_factory=list)
    event_chart: EventChart | None = None
    quoted: list[Quoted] = field(default_factory=list)
    statements: list[tuple[tuple[str, str], tuple[str, str, str]]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """English labels of the entities the page links to, by id."""
    responsible: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    """For an attack: who is held responsible, each with (claim status, source) pairs."""
    outside: set[str] = field(default_factory=set)
    """Labels, aliases and notes that no source gives (outside knowledge)."""

    @property
    def title(self) -> str:
        return (self.labels.get("en") or self.labels.get("") or [self.id])[0]

    @property
    def affiliations(self) -> list[Row]:
        return self.chart.rows if self.chart else []

    @property
    def current(self) -> list[tuple[Row, list[Row]]]:
        """Relations a source says were still in effect when it was written (no end, "ongoing as of"),
        grouped by what they say (the first row of each group, then all of them)."""
        groups: dict[str, list[Row]] = {}
        for row in self.affiliations:
            if row.end.startswith("ongoing as of"):
                groups.setdefault(row.label, []).append(row)
        return [(rows[0], rows) for rows in groups.values()]

    def name(self, entity_id: str) -> str:
        return self.names.get(entity_id, entity_id)

    @property
    def lineage_legend(self) -> list[tuple[str, str]]:
        return lineage_drawing.legend()


class Pages:
    """The built graph with its networkx view and resolver, opened once for the server."""

    def __init__(self, graph: Graph, resolver: Resolver | None = None) -> None:
        self.graph = graph
        self.net: nx.MultiDiGraph = network(graph)
        self.resolver = resolver or Resolver(graph)
        self._lineages: dict[str, tuple[list[Edge], str, str]] = {}
        self._span: tuple[dt.date, dt.date] | None = None
        self._english: dict[str, str] = {}

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
        page.outside = {str(text) for text in g.objects(node, MKG.outsideKnowledge)}
        page.statements = sorted((self._cell(p)[:2], self._cell(o)) for p, o in g.predicate_objects(node))
        if iri.startswith(str(ID)):
            held = affiliation_chart.order(affiliations(self.net, page.id))
            page.events = timeline(g, node)
            page.quoted = _quoted(select_text(g, _QUOTED, entity=node))  # text: no rdflib terms to make
            days = affiliation_chart.chart_days(h.relation for h in held) + event_chart.event_days(page.events)
            axis = affiliation_chart.axis_for(days, self.span())
            page.names = {e: self.english(e) for h in held for e in (h.relation.subject, h.relation.object)}
            if held:
                page.chart = affiliation_chart.chart(held, axis, page.name)
            if page.events:
                page.event_chart = event_chart.chart(page.events, axis, affiliation_chart.WIDTH)
            if page.id in self.net:
                page.responsible = self._responsible(page.id)
                page.names.update({e: self.english(e) for e, _ in page.responsible})
            if (node, RDF.type, MKG.Organization) in g:
                page.lineage_edges, page.lineage_dot, page.lineage_svg = self.lineage(page.id)
                page.names.update({n: self.english(n) for e in page.lineage_edges for n in (e.parent, e.child)})
        return page

    def english(self, entity_id: str) -> str:
        """An entity's English label, looked up once per server (the graph does not change under it)."""
        if entity_id not in self._english:
            self._english[entity_id] = english(self.graph, entity_id)
        return self._english[entity_id]

    def lineage(self, org: str) -> tuple[list[Edge], str, str]:
        """The organization's lineage: merged edges, their DOT, and its SVG (drawn once per server)."""
        if org not in self._lineages:
            edges = lineage_drawing.merge(lineage(self.net, org, "both"))
            if not edges:
                self._lineages[org] = ([], "", "")
            else:
                labels = {n: self.english(n) for e in edges for n in (e.parent, e.child)}
                dot = lineage_drawing.to_dot(edges, labels, org, lambda n: f"/id/{n}")
                self._lineages[org] = (edges, dot, lineage_drawing.svg(dot))
        return self._lineages[org]

    def _responsible(self, attack: str) -> list[tuple[str, list[tuple[str, str]]]]:
        found: dict[str, set[tuple[str, str]]] = {}
        for agent, _, data in self.net.in_edges(attack, data=True):
            rel = data["rel"]
            if rel.kind == "responsibility":
                found.setdefault(agent, set()).update((rel.status, s) for s in rel.sources)
        return [(agent, sorted(found[agent])) for agent in sorted(found)]

    def span(self) -> tuple[dt.date, dt.date]:
        """The first and last day any relation's bounds name: the axis of a page with no dates of its own."""
        if self._span is None:
            days = sorted(affiliation_chart.chart_days(d["rel"] for *_, d in self.net.edges(data=True)))
            self._span = (days[0], days[-1]) if days else (dt.date.today(), dt.date.today())
        return self._span

    def _cell(self, term: Any) -> tuple[str, str, str]:
        """A term as (text, IRI if any, language if any)."""
        if isinstance(term, URIRef):
            return curie(str(term)), str(term), ""
        if isinstance(term, Literal):
            return str(term), "", (term.language or "").lower()
        if isinstance(term, BNode):
            return f"_:{term}", "", ""
        return str(term), "", ""


def _quoted(rows: Any) -> list[Quoted]:
    """The facts naming the entity, once each: named by the fact itself, or only by another reading."""
    found: dict[tuple[str, str], Quoted] = {}
    for r in rows:
        reading = OTHER_READING if r["other"] is not None else AMBIGUOUS if r["preferred"] is not None else ""
        quoted = Quoted(short(r["fact"]), curie(r["type"] or ""), short(r["source"]), r["quote"] or "",
                        r["gloss"] or "", r["status"] or "", reading)
        key = (quoted.fact, quoted.type)
        if key not in found or found[key].reading == OTHER_READING:
            found[key] = quoted
    return list(found.values())
