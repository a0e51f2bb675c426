"""Attacks with their claims, attributions and per-source casualty figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import pyoxigraph as ox

from kg.curate.readings import AMBIGUOUS
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.listing import Record, gather, iri_of
from kg.store.precomputed import UNDATED, of_graph
from kg.store.reader import iri, node, oxigraph_of, texts

Graph = Any  # a kg.store.reader.StoreGraph, or an rdflib Graph
Term = Any  # an IRI: an rdflib or a pyoxigraph term, or its text

_MKG, _ID = PREFIXES["mkg"], PREFIXES["mkgd"]
_OX_TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)
_LABEL, _NOTATION = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "notation"

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
    attack's own records come as one :data:`kg.store.listing.Record` from the precomputed
    index where it keeps one (:meth:`kg.store.precomputed.Precomputed.listings`): gathered
    from the store, an attack took a dozen lookups and 1.4 ms (14 s for the 9,490 of one
    group). What they point at (dates, places, concepts) is read from the store, once each.
    """
    nodes = Nodes(oxigraph_of(graph))
    kept = of_graph(graph).listings(ids)
    return [_row(nodes, attack_id, kept.get(attack_id) or gather(nodes, ox.NamedNode(_ID + attack_id)))
            for attack_id in ids]


def _row(nodes: Nodes, attack_id: str, record: Record) -> AttackRow:
    """The listing of an attack from its :data:`kg.store.listing.Record`: the terms it points at read from the store."""
    label_en, label_ar, date_text, places, outcome, record_id, claims, figures = record
    date = iri_of(date_text) if isinstance(date_text, str) else None

    def text(node: Any, predicate: str) -> str:
        found = nodes.objects(node, predicate)
        return str(found[0].value) if found else ""

    def english(place: str) -> str:
        return next((str(label.value) for label in nodes.objects(iri_of(place), _LABEL)
                     if (getattr(label, "language", None) or "").lower() == "en"), "")

    names = sorted(english(place) for place in places)
    # a date comes with its text and days (the record kept them), or its triples are read at
    # once (three of its few); a place's label is read alone (one of its many)
    edtf, earliest, latest = (date_text[1:] if isinstance(date_text, list) else
                              (nodes.text(date, _MKG + name) for name in ("edtf", "earliest", "latest")))
    row = AttackRow(attack_id, label_en, label_ar, edtf, earliest, latest, "; ".join(name for name in names if name),
                    text(iri_of(outcome), _NOTATION))
    for fact, status, by, channel, quote, ambiguous, agents, sources in claims:
        common = {"fact": fact, "status": text(iri_of(status), _NOTATION), "by": by, "channel": channel,
                  "quote": quote, "record": record_id, "reading": AMBIGUOUS if ambiguous else ""}
        row.claims += [{**common, "agent": agent, "source": source} for agent in agents for source in sources]
    for fact, measure, count, qualifier, victims, as_of, reported_by, quote, sources in figures:
        common = {"fact": fact, "measure": text(iri_of(measure), _NOTATION), "value": _number(count or None),
                  "qualifier": text(iri_of(qualifier), _NOTATION), "victims": victims,
                  "as_of": text(iri_of(as_of), _MKG + "edtf"), "reported_by": reported_by, "quote": quote,
                  "record": record_id}
        row.figures += [{**common, "source": source} for source in sources]
    row.claims.sort(key=lambda c: (c["agent"], c["status"], c["source"], c["fact"]))
    row.figures.sort(key=lambda f: (f["measure"], f["source"], f["fact"]))
    return row


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
