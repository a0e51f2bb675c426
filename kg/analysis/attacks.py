"""Attacks with their claims, attributions and per-source casualty figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import pyoxigraph as ox

from kg.curate.readings import AMBIGUOUS
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.precomputed import LISTING_OWN, UNDATED, of_graph
from kg.store.reader import iri, node, oxigraph_of, texts

Graph = Any  # a kg.store.reader.StoreGraph, or an rdflib Graph
Term = Any  # an IRI: an rdflib or a pyoxigraph term, or its text

_MKG, _ID = PREFIXES["mkg"], PREFIXES["mkgd"]
_OX_TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)
_LABEL, _NOTATION = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "notation"
_TYPE, _DERIVED = PREFIXES["rdf"] + "type", PREFIXES["prov"] + "wasDerivedFrom"
_SHOWN = LISTING_OWN
"""What a listing reads of an attack itself."""

# {scope} narrows each query to the attacks asked about, inside the engine: by a place (through
# the location hierarchy), or every attack. The asked-for terms are bound, never pasted. Attacks
# by a perpetrator are read from the store's precomputed index instead (kg.store.precomputed).
_IN = """?attack mkg:place ?scopePlace ; a mkg:Attack . ?scopePlace geo:sfWithin* ?placeAsked ."""
_ALL = """?attack a mkg:Attack ."""
_PLACED = "SELECT ?attack WHERE { " + _IN + " }"

# Each bound in its own OPTIONAL and without DISTINCT: so Oxigraph looks the dates up from
# the attacks found, rather than joining every date.
_MATCHING = """
SELECT ?attack ?earliest ?latest WHERE {{
  {scope}
  OPTIONAL {{ ?attack mkg:date ?d . ?d mkg:earliest ?earliest }}
  {latest}
}}"""
_LATEST = "OPTIONAL { ?attack mkg:date ?e . ?e mkg:latest ?latest }"
"""Asked only when a window has a start: the rest sorts and filters on the earliest day."""


def _number(text: str | None) -> int | float | None:
    """A count as written: an integer when it is one.

    >>> _number("130"), _number("2.5"), _number(None)
    (130, 2.5, None)
    """
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def short(term: Any) -> str:
    """An id for an IRI of ours, the text for anything else (an rdflib or a pyoxigraph term, or text).

    >>> from rdflib import URIRef
    >>> short(URIRef("https://w3id.org/mkg/id/isis-k")), short(ox.NamedNode("https://w3id.org/mkg/id/isis-k"))
    ('isis-k', 'isis-k')
    """
    if term is None:
        return ""
    return (term.value if isinstance(term, _OX_TERMS) else str(term)).removeprefix(_ID)


@dataclass
class AttackRow:
    """One attack and everything reported about who did it and what it cost."""

    id: str
    label_en: str
    label_ar: str
    date: str
    earliest: str
    latest: str
    place: str
    outcome: str
    claims: list[dict[str, str]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether any source dates the attack: an undated one may fall in any window."""
        return bool(self.earliest)

    def as_dict(self) -> dict[str, Any]:
        """The row's fields (claims and figures shared, not copied), and whether it is ``dated``."""
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "dated": self.dated}


def matching(graph: Graph, *, by: Term | None = None, first: dt.date | None = None,
             last: dt.date | None = None, place: Term | None = None, dated_only: bool = False) -> list[str]:
    """Ids of the attacks, optionally by a perpetrator (claimed or attributed), in a window, in a place.

    Earliest first, undated last. The window keeps attacks whose date could fall in it
    (partial dates included, and undated attacks, which may fall in any window, unless
    ``dated_only``); ``place`` follows the location hierarchy, so a country includes its cities.
    A perpetrator's attacks are read in that order from the precomputed index, as many as
    there are, never all attacks of the store (:mod:`kg.store.precomputed`).
    """
    after, before = (first.isoformat() if first else None), (last.isoformat() if last else None)
    if by is not None:
        agents = {r.agent for r in texts(graph, _AGENTS, agentAsked=node(by))} | {iri(by)}
        found = of_graph(graph).attacks_by(agents, after=after, before=before, dated_only=dated_only)
        if place is not None:
            inside = {r.attack for r in texts(graph, _PLACED, placeAsked=node(place))}
            found = [row for row in found if row[0] in inside]
        return [short(iri) for iri, _ in found]
    query = _MATCHING.format(scope=_IN if place is not None else _ALL, latest=_LATEST if first else "")
    days: dict[str, str] = {}
    for r in texts(graph, query, **({"placeAsked": node(place)} if place is not None else {})):
        if dated_only and r["earliest"] is None:
            continue
        if after and r["latest"] is not None and r["latest"] < after:  # ISO dates sort as text
            continue
        if before and r["earliest"] is not None and r["earliest"] > before:
            continue
        days.setdefault(r["attack"] or "", r["earliest"] or UNDATED)
    return [short(iri) for iri in sorted(days, key=lambda iri: (days[iri], short(iri)))]


def attacks(graph: Graph, *, by: Term | None = None, first: dt.date | None = None,
            last: dt.date | None = None, place: Term | None = None) -> list[AttackRow]:
    """The attacks :func:`matching` finds, with their claims and figures."""
    return details(graph, matching(graph, by=by, first=first, last=last, place=place))


def details(graph: Graph, ids: list[str]) -> list[AttackRow]:
    """The attacks with these ids, in this order, each with its claims and casualty figures.

    Read node by node (:class:`kg.store.nodes.Nodes`: a node's triples in one lookup, the
    nodes attacks share once), not in one query: Oxigraph's plan for the joined query did
    not start from the attacks asked about, and took 3 s for 50 of them among 200,000. An
    attack and its facts come whole from the precomputed listing where the index keeps one
    (:meth:`kg.store.precomputed.Precomputed.listings`): the dozen lookups an attack took 1.4 ms,
    14 s for the 9,490 of one group. What they point at (dates, places, concepts) is read
    from the store, once each.
    """
    nodes = Nodes(oxigraph_of(graph))
    for attack, (own, facts) in of_graph(graph).listings([_ID + attack_id for attack_id in ids]).items():
        nodes.given(ox.NamedNode(attack), own, pointing=(_MKG + "attack", [fact for fact, _ in facts]))
        for fact, objects in facts:
            nodes.given(fact, objects)
    rows = []
    for attack_id in ids:
        attack = _ID + attack_id
        own = nodes.only(attack, _SHOWN)
        labels = {(getattr(label, "language", None) or "").lower(): label.value
                  for label in sorted(own.get(_LABEL, []), key=_order, reverse=True)}  # the first of a language
        # the first by IRI, not in the order a store or a file gives them
        date, outcome, record = (min(own.get(_MKG + name, [None]), key=_order) for name in ("date", "outcome",
                                                                                          "recordId"))
        places = sorted(nodes.labels(place, _LABEL).get("en", "") for place in own.get(_MKG + "place", []))
        row = AttackRow(attack_id, labels.get("en", ""), labels.get("ar", ""), nodes.text(date, _MKG + "edtf"),
                        nodes.text(date, _MKG + "earliest"), nodes.text(date, _MKG + "latest"),
                        "; ".join(p for p in places if p), nodes.text(outcome, _NOTATION))
        record = record.value if record is not None else ""
        for fact in sorted(nodes.subjects(_MKG + "attack", attack), key=lambda term: term.value):
            kinds = {kind.value for kind in nodes.out(fact).get(_TYPE, [])}
            if _MKG + "ResponsibilityClaim" in kinds:
                row.claims.extend(_claim(nodes, fact, record))
            if _MKG + "CasualtyReport" in kinds:
                row.figures.extend(_figure(nodes, fact, record))
        row.claims.sort(key=lambda c: (c["agent"], c["status"], c["source"], c["fact"]))
        row.figures.sort(key=lambda f: (f["measure"], f["source"], f["fact"]))
        rows.append(row)
    return rows


def _order(term: Any) -> str:
    return "" if term is None else str(term.value)


def _claim(nodes: Nodes, fact: Any, record: str) -> list[dict[str, str]]:
    common = {"fact": short(fact), "status": nodes.text(nodes.value(fact, _MKG + "claimStatus"), _NOTATION),
              "by": short(nodes.value(fact, _MKG + "claimedBy")), "channel": short(nodes.value(fact, _MKG + "channel")),
              "quote": nodes.text(fact, _MKG + "quote"), "record": record,
              "reading": AMBIGUOUS if nodes.value(fact, _MKG + "preferredReading") is not None else ""}
    out = nodes.out(fact)
    return [{**common, "agent": short(agent), "source": short(source)}
            for agent in out.get(_MKG + "perpetrator", []) for source in out.get(_DERIVED, [])]


def _figure(nodes: Nodes, fact: Any, record: str) -> list[dict[str, Any]]:
    common = {"fact": short(fact), "measure": nodes.text(nodes.value(fact, _MKG + "measure"), _NOTATION),
              "value": _number(nodes.text(fact, _MKG + "count") or None),
              "qualifier": nodes.text(nodes.value(fact, _MKG + "qualifier"), _NOTATION),
              "victims": nodes.text(fact, _MKG + "victims"),
              "as_of": nodes.text(nodes.value(fact, _MKG + "asOf"), _MKG + "edtf"),
              "reported_by": short(nodes.value(fact, _MKG + "reportedBy")), "quote": nodes.text(fact, _MKG + "quote"),
              "record": record}
    return [{**common, "source": short(source)} for source in nodes.out(fact).get(_DERIVED, [])]


CLAIMED = ("claimed", "acknowledged")
"""Statuses in which the perpetrator speaks for itself."""


_AGENTS = "SELECT ?agentAsked ?agent WHERE { ?agent skos:closeMatch? ?agentAsked . }"


def agents_matching(graph: Graph, agent: Term) -> set[str]:
    """The agent's id and those of imported groups strongly matched to it (``skos:closeMatch``)."""
    return {short(r.agent) for r in texts(graph, _AGENTS, agentAsked=node(agent))} | {short(iri(agent))}


def claim_kind(status: str) -> str:
    """``claimed`` when the perpetrator itself says so, otherwise ``attributed``.

    >>> claim_kind("claimed"), claim_kind("confirmed"), claim_kind("alleged")
    ('claimed', 'attributed', 'attributed')
    """
    return "claimed" if status in CLAIMED else "attributed"


def claim_text(claim: dict[str, str]) -> str:
    """One claim as analysts read it.

    >>> claim_text({"agent": "isis-k", "status": "claimed", "channel": "amaq", "source": "src-1"})
    'isis-k (claimed, via amaq; src-1)'
    >>> claim_text({"agent": "isis-k", "status": "reported", "source": "src-2", "reading": AMBIGUOUS})
    'isis-k (reported; src-2; ambiguous reading)'
    """
    via = f", via {claim['channel']}" if claim.get("channel") else ""
    row = f" row {claim['record']}" if claim.get("record") else ""
    reading = f"; {claim['reading']}" if claim.get("reading") else ""
    return f"{claim['agent']} ({claim['status']}{via}; {claim['source']}{row}{reading})"


def toll_text(figure: dict[str, Any]) -> str:
    """One casualty figure with its hedge and source.

    >>> toll_text({"measure": "killed", "qualifier": "more-than", "value": 130, "source": "src-1"})
    'killed: more than 130 [src-1]'
    >>> toll_text({"measure": "killed", "qualifier": "exact", "value": 95, "source": "src-2"})
    'killed: 95 [src-2]'
    """
    hedge = "" if figure["qualifier"] == "exact" else figure["qualifier"].replace("-", " ")
    value = "" if figure["value"] is None else str(figure["value"])
    return f"{figure['measure']}: {' '.join(p for p in (hedge, value) if p)} [{figure['source']}]"
