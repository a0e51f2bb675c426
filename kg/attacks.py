"""Attacks with their claims, attributions and per-source casualty figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from kg.namespaces import ID
from kg.sparql import select

_ATTACKS = """
SELECT ?attack ?en ?ar ?edtf ?earliest ?latest ?place ?placeEn ?outcome WHERE {
  ?attack a mkg:Attack ; skos:prefLabel ?en , ?ar ; mkg:outcome/skos:notation ?outcome .
  FILTER (lang(?en) = "en" && lang(?ar) = "ar")
  OPTIONAL { ?attack mkg:date [ mkg:edtf ?edtf ; mkg:earliest ?earliest ; mkg:latest ?latest ] }
  OPTIONAL { ?attack mkg:place ?place . ?place skos:prefLabel ?placeEn . FILTER (lang(?placeEn) = "en") }
}"""

_CLAIMS = """
SELECT ?attack ?fact ?agent ?status ?by ?channel ?source ?quote WHERE {
  ?fact a mkg:ResponsibilityClaim ; mkg:attack ?attack ; mkg:perpetrator ?agent ;
        mkg:claimStatus/skos:notation ?status ; prov:wasDerivedFrom ?source ; mkg:quote ?quote .
  OPTIONAL { ?fact mkg:claimedBy ?by }
  OPTIONAL { ?fact mkg:channel ?channel }
}"""

_FIGURES = """
SELECT ?attack ?fact ?measure ?value ?qualifier ?victims ?asOf ?reportedBy ?source ?quote WHERE {
  ?fact a mkg:CasualtyReport ; mkg:attack ?attack ; mkg:measure/skos:notation ?measure ;
        mkg:qualifier/skos:notation ?qualifier ; prov:wasDerivedFrom ?source ; mkg:quote ?quote .
  OPTIONAL { ?fact mkg:count ?value }
  OPTIONAL { ?fact mkg:victims ?victims }
  OPTIONAL { ?fact mkg:asOf/mkg:edtf ?asOf }
  OPTIONAL { ?fact mkg:reportedBy ?reportedBy }
}"""

_WITHIN = "SELECT ?place ?attack WHERE { ?attack a mkg:Attack ; mkg:place/geo:sfWithin* ?place . }"


def short(term: Any) -> str:
    """An id for an IRI of ours, the text for anything else.

    >>> short(URIRef("https://w3id.org/mkg/id/isis-k"))
    'isis-k'
    """
    return str(term).removeprefix(str(ID)) if term is not None else ""


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


def attacks(graph: Graph, *, by: URIRef | None = None, first: dt.date | None = None,
            last: dt.date | None = None, place: URIRef | None = None) -> list[AttackRow]:
    """Attacks, optionally by a perpetrator (claimed or attributed), in a window, in a place.

    The window keeps attacks whose date could fall in it (partial dates included);
    ``place`` follows the location hierarchy, so a country includes its cities.
    """
    rows: dict[str, AttackRow] = {}
    for r in select(graph, _ATTACKS):
        if first and r.latest is not None and r.latest.toPython() < first:
            continue
        if last and r.earliest is not None and r.earliest.toPython() > last:
            continue
        rows[short(r.attack)] = AttackRow(
            short(r.attack), str(r.en), str(r.ar), str(r.edtf or ""), str(r.earliest or ""),
            str(r.latest or ""), str(r.placeEn or ""), str(r.outcome))
    if place is not None:
        inside = {short(r.attack) for r in select(graph, _WITHIN, place=place)}
        rows = {k: v for k, v in rows.items() if k in inside}
    for r in select(graph, _CLAIMS):
        row = rows.get(short(r.attack))
        if row is not None:
            row.claims.append({"fact": short(r.fact), "agent": short(r.agent), "status": str(r.status),
                               "by": short(r.by), "channel": short(r.channel),
                               "source": short(r.source), "quote": str(r.quote)})
    for r in select(graph, _FIGURES):
        row = rows.get(short(r.attack))
        if row is not None:
            row.figures.append({"fact": short(r.fact), "measure": str(r.measure),
                                "value": int(r.value) if r.value is not None else None,
                                "qualifier": str(r.qualifier), "victims": str(r.victims or ""),
                                "as_of": str(r.asOf or ""), "reported_by": short(r.reportedBy),
                                "source": short(r.source), "quote": str(r.quote)})
    if by is not None:
        rows = {k: v for k, v in rows.items() if any(c["agent"] == short(by) for c in v.claims)}
    for row in rows.values():
        row.claims.sort(key=lambda c: (c["agent"], c["status"], c["source"], c["fact"]))
        row.figures.sort(key=lambda f: (f["measure"], f["source"], f["fact"]))
    return sorted(rows.values(), key=lambda a: (a.earliest or "9999", a.id))


CLAIMED = ("claimed", "acknowledged")
"""Statuses in which the perpetrator speaks for itself."""


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
    """
    via = f", via {claim['channel']}" if claim.get("channel") else ""
    return f"{claim['agent']} ({claim['status']}{via}; {claim['source']})"


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
