"""Time-bounded relations read from the built RDF graph, and their networkx view.

Every n-ary fact that links two entities over time becomes a :class:`Relation`:
affiliations (member → organization, in a role), lineage changes (resulting →
original organization; people → the organization they left or joined),
breaks (agent → the person or faction it broke with), responsibility claims
(perpetrator → attack) and designations (authority → organization). The
:func:`network` view is a networkx ``MultiDiGraph`` whose edges carry the relation,
its interval bounds, its claim status and its sources.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.analysis.attacks import Graph, short
from kg.curate.readings import AMBIGUOUS
from kg.dates import DateSpan, Interval, parse, precision_of
from kg.store.precomputed import stored_answer
from kg.store.reader import texts

if TYPE_CHECKING:
    import networkx as nx

_AFFILIATIONS = """
SELECT ?fact ?member ?org ?role ?status ?source ?quote
       ?sEdtf ?sEarliest ?sLatest ?eEdtf ?eEarliest ?eLatest ?ongoing ?aEdtf ?aEarliest ?aLatest ?preferred WHERE {
  ?fact mkg:quote ?quote ; a mkg:Affiliation ; org:member ?member ; org:organization ?org ;
        org:role ?r ; mkg:claimStatus ?cs ; prov:wasDerivedFrom ?source .
  ?r skos:notation ?role . ?cs skos:notation ?status .
  # named nodes, not paths into blank nodes: Oxigraph then starts from ?fact (0.9 s -> 11 ms
  # with 200,000 imported incidents in the store)
  OPTIONAL {
    ?fact org:memberDuring ?during .
    OPTIONAL { ?during time:hasBeginning ?b . ?b mkg:edtf ?sEdtf ; mkg:earliest ?sEarliest ; mkg:latest ?sLatest }
    OPTIONAL { ?during time:hasEnd ?e . ?e mkg:edtf ?eEdtf ; mkg:earliest ?eEarliest ; mkg:latest ?eLatest }
    OPTIONAL { ?during mkg:ongoingAsOf ?ongoing }
    OPTIONAL { ?during mkg:attestedAt ?a . ?a mkg:edtf ?aEdtf ; mkg:earliest ?aEarliest ; mkg:latest ?aLatest }
  }
  OPTIONAL { ?fact mkg:preferredReading ?preferred }
}"""

_EVENTS = """
SELECT ?fact ?subject ?object ?relation ?kind ?status ?source ?quote ?preferred WHERE {
  # curated facts only (they carry a quote), found first: imported dataset records are many
  ?fact mkg:quote ?quote .
  {
    ?fact a mkg:SplitFrom ; org:originalOrganization ?object ; mkg:changeKind/skos:notation ?change .
    { ?fact org:resultingOrganization ?subject . BIND ("lineage" AS ?kind) }
    UNION
    { ?fact mkg:changeAgent ?subject . BIND ("left" AS ?kind) }
    # in an internal split nobody is said to leave: the agents break with someone inside it
    FILTER (?kind != "left" || ?change != "internal-split")
    BIND (IF(?kind = "lineage", ?change, CONCAT("left in ", ?change)) AS ?relation)
  } UNION {
    ?fact a mkg:SplitFrom ; mkg:changeAgent ?subject ; mkg:brokeWith ?object .
    BIND ("rift" AS ?kind) BIND ("broke-with" AS ?relation)
  } UNION {
    ?fact a mkg:SplitFrom ; org:resultingOrganization ?object ; mkg:changeAgent ?subject ;
          mkg:changeKind/skos:notation ?changeKind .
    BIND ("joined" AS ?kind) BIND (CONCAT("joined after ", ?changeKind) AS ?relation)
  } UNION {
    ?fact a mkg:ResponsibilityClaim ; mkg:perpetrator ?subject ; mkg:attack ?object .
    BIND ("responsibility" AS ?kind) BIND ("responsible-for" AS ?relation)
  } UNION {
    ?fact a mkg:Designation ; mkg:authority ?subject ; mkg:designatedOrganization ?object .
    BIND ("designation" AS ?kind) BIND ("designated" AS ?relation)
  }
  ?fact mkg:claimStatus/skos:notation ?status ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?fact mkg:preferredReading ?preferred }
}"""

# A fact's own date, else (for a claim) its attack's. Asked apart from _EVENTS: in one
# query, Oxigraph's plan for the optional dates grew with every dated node in the store.
_EVENT_DATES = """
SELECT ?fact ?own ?edtf ?earliest ?latest WHERE {
  ?fact mkg:quote ?quote .
  { ?fact mkg:date ?d . BIND (true AS ?own) } UNION { ?fact mkg:attack/mkg:date ?d . BIND (false AS ?own) }
  ?d mkg:edtf ?edtf ; mkg:earliest ?earliest ; mkg:latest ?latest .
}"""


@dataclass(frozen=True)
class Relation:
    """A directed, time-bounded, sourced link between two entities."""

    subject: str
    object: str
    relation: str
    kind: str  # affiliation, lineage, left, joined, rift, responsibility, designation
    interval: Interval
    status: str
    sources: tuple[str, ...]
    facts: tuple[str, ...]
    quotes: tuple[str, ...] = field(default=(), compare=False)
    ambiguous: tuple[str, ...] = field(default=(), compare=False)
    """The facts behind it whose sentence has several readings (this is their preferred one)."""

    @property
    def start(self) -> str:
        return self.interval.start.edtf if self.interval.start else ""

    @property
    def end(self) -> str:
        if self.interval.end:
            return self.interval.end.edtf
        return f"ongoing as of {self.interval.ongoing_as_of}" if self.interval.ongoing_as_of else ""

    @property
    def attested(self) -> str:
        return self.interval.attested.edtf if self.interval.attested else ""

    def possible_window(self) -> tuple[dt.date, dt.date]:
        """The widest span the relation may have held."""
        iv = self.interval
        return (iv.start.earliest if iv.start else dt.date.min,
                iv.end.latest if iv.end else dt.date.max)

    def certain_window(self) -> tuple[dt.date, dt.date] | None:
        """The span the relation surely held, if any (see :meth:`kg.dates.Interval.certain_span`)."""
        return self.interval.certain_span()

    def record(self) -> dict[str, Any]:
        """The relation whole, as JSON values (:meth:`from_record` reads it back)."""
        iv = self.interval
        return {"subject": self.subject, "object": self.object, "relation": self.relation, "kind": self.kind,
                "status": self.status, "sources": list(self.sources), "facts": list(self.facts),
                "quotes": list(self.quotes), "ambiguous": list(self.ambiguous),
                "interval": [_span_record(iv.start), _span_record(iv.end),
                             iv.ongoing_as_of.isoformat() if iv.ongoing_as_of else None, _span_record(iv.attested)]}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Relation:
        """The relation :meth:`record` gave.

        >>> rel = Relation("a", "b", "leader", "affiliation", Interval(parse("2014"), None, dt.date(2015, 1, 2)),
        ...                "reported", ("s",), ("f",), ("q",))
        >>> Relation.from_record(rel.record()) == rel
        True
        """
        start, end, ongoing, attested = record["interval"]
        interval = Interval(_span(*start) if start else None, _span(*end) if end else None,
                            dt.date.fromisoformat(ongoing) if ongoing else None,
                            _span(*attested) if attested else None)
        return cls(record["subject"], record["object"], record["relation"], record["kind"], interval,
                   record["status"], tuple(record["sources"]), tuple(record["facts"]), tuple(record["quotes"]),
                   tuple(record["ambiguous"]))

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a relation."""
        return {"subject": self.subject, "object": self.object, "relation": self.relation,
                "kind": self.kind, "start": self.start, "end": self.end, "attested": self.attested,
                "status": self.status,
                "sources": list(self.sources), "facts": list(self.facts), "quotes": list(self.quotes),
                "reading": AMBIGUOUS if self.ambiguous else ""}


def _span_record(span: DateSpan | None) -> list[str] | None:
    return [span.edtf, span.earliest.isoformat(), span.latest.isoformat()] if span else None


def _span(edtf: str | None, earliest: str, latest: str) -> DateSpan | None:
    if edtf is None:
        return None
    approximate = edtf != edtf.rstrip("~?%")
    return DateSpan(edtf, dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest), precision_of(edtf),
                    approximate)


def relations(graph: Graph) -> list[Relation]:
    """Every relation in the graph, merged when several sources state the same one.

    Kept beside the store generation once worked out (:mod:`kg.analysis.answers`); else
    read (:func:`read_relations`). The three queries took 0.08 s of every network command
    on 200,000 imported incidents.
    """
    kept = stored_answer(graph, "relations")
    if kept is not None:
        return [Relation.from_record(record) for record in kept]
    return read_relations(graph)


def read_relations(graph: Graph) -> list[Relation]:
    """Every relation in the graph, read from its facts, merged when several sources state the same one."""
    merged: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for r in texts(graph, _AFFILIATIONS):
        interval = Interval(_span(r.sEdtf, r.sEarliest, r.sLatest), _span(r.eEdtf, r.eEarliest, r.eLatest),
                            dt.date.fromisoformat(r.ongoing) if r.ongoing is not None else None,
                            _span(r.aEdtf, r.aEarliest, r.aLatest))
        key = (short(r.member), short(r.org), str(r.role), "affiliation", interval, str(r.status))
        merged[key].append(r)
    dated: dict[str, Any] = {}
    for r in sorted(texts(graph, _EVENT_DATES), key=lambda r: r.own == "true"):
        dated[str(r.fact)] = r  # a fact's own date overrides its attack's
    for r in texts(graph, _EVENTS):
        d = dated.get(str(r.fact))
        point = _span(d.edtf, d.earliest, d.latest) if d is not None else None
        interval = _event_interval(str(r.kind), point)
        key = (short(r.subject), short(r.object), str(r.relation), str(r.kind), interval, str(r.status))
        merged[key].append(r)
    out = []
    for (subject, obj, relation, kind, interval, status), rows in merged.items():
        out.append(Relation(
            subject, obj, relation, kind, interval, status,
            tuple(sorted({short(r.source) for r in rows})), tuple(sorted({short(r.fact) for r in rows})),
            tuple(sorted({str(r.quote) for r in rows})),
            tuple(sorted({short(r.fact) for r in rows if r.preferred is not None}))))
    return sorted(out, key=lambda rel: (rel.subject, rel.object, rel.relation, rel.facts))


def _event_interval(kind: str, point: DateSpan | None) -> Interval:
    # Leaving ends a tie at the event; joining starts one, and so does a break (the rift
    # holds from then on); the rest happen at a point.
    if kind == "left":
        return Interval(None, point)
    if kind in ("joined", "rift"):
        return Interval(point, None)
    return Interval(point, point)


def network(graph: Graph) -> nx.MultiDiGraph:
    """The relations as a networkx ``MultiDiGraph``; each edge keeps its :class:`Relation`."""
    return network_of(relations(graph))


def network_of(rels: list[Relation]) -> nx.MultiDiGraph:
    """These relations as a networkx ``MultiDiGraph``; each edge keeps its :class:`Relation`."""
    import networkx as nx  # here: the commands that run no graph algorithm never load it (0.13-0.25 s)

    net = nx.MultiDiGraph()
    for rel in rels:
        net.add_edge(rel.subject, rel.object, key=rel.facts[0] + ":" + rel.kind, rel=rel,
                     relation=rel.relation, kind=rel.kind, status=rel.status,
                     sources=list(rel.sources))
    return net


_ROLES = "SELECT ?role WHERE { ?concept skos:inScheme mkg:RoleScheme ; skos:notation ?role }"


def role_names(graph: Graph) -> list[str]:
    """The notation of every role of the vocabulary (``mkg:RoleScheme``), sorted."""
    return sorted(r.role for r in texts(graph, _ROLES))
