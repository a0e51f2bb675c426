"""Attacks with their claims, attributions and per-source casualty figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from kg.namespaces import ID
from kg.sparql import select

# {scope} narrows each query to the attacks asked about, inside the engine: by a perpetrator
# (directly, or an imported group strongly matched to it: skos:closeMatch) and by a place
# (through the location hierarchy). The asked-for terms are bound, never pasted.
_BY = """?scopeClaim mkg:attack ?attack ; mkg:perpetrator/skos:closeMatch? ?agentAsked ."""
_IN = """?attack mkg:place/geo:sfWithin* ?placeAsked ."""

_ATTACKS = """
SELECT DISTINCT {asked} ?attack ?en ?ar ?edtf ?earliest ?latest ?place ?placeEn ?outcome WHERE {{
  {scope}
  ?attack a mkg:Attack ; skos:prefLabel ?en ; mkg:outcome/skos:notation ?outcome .
  FILTER (lang(?en) = "en")
  OPTIONAL {{ ?attack skos:prefLabel ?ar . FILTER (lang(?ar) = "ar") }}
  OPTIONAL {{ ?attack mkg:date [ mkg:edtf ?edtf ; mkg:earliest ?earliest ; mkg:latest ?latest ] }}
  OPTIONAL {{ ?attack mkg:place ?place . ?place skos:prefLabel ?placeEn . FILTER (lang(?placeEn) = "en") }}
}}"""

_CLAIMS = """
SELECT DISTINCT {asked} ?attack ?fact ?agent ?status ?by ?channel ?source ?quote ?record WHERE {{
  {scope}
  ?fact a mkg:ResponsibilityClaim ; mkg:attack ?attack ; mkg:perpetrator ?agent ;
        mkg:claimStatus/skos:notation ?status ; prov:wasDerivedFrom ?source .
  OPTIONAL {{ ?fact mkg:quote ?quote }}
  OPTIONAL {{ ?attack mkg:recordId ?record }}
  OPTIONAL {{ ?fact mkg:claimedBy ?by }}
  OPTIONAL {{ ?fact mkg:channel ?channel }}
}}"""

_FIGURES = """
SELECT DISTINCT {asked} ?attack ?fact ?measure ?value ?qualifier ?victims ?asOf ?reportedBy ?source ?quote ?record
WHERE {{
  {scope}
  ?fact a mkg:CasualtyReport ; mkg:attack ?attack ; mkg:measure/skos:notation ?measure ;
        mkg:qualifier/skos:notation ?qualifier ; prov:wasDerivedFrom ?source .
  OPTIONAL {{ ?fact mkg:quote ?quote }}
  OPTIONAL {{ ?attack mkg:recordId ?record }}
  OPTIONAL {{ ?fact mkg:count ?value }}
  OPTIONAL {{ ?fact mkg:victims ?victims }}
  OPTIONAL {{ ?fact mkg:asOf/mkg:edtf ?asOf }}
  OPTIONAL {{ ?fact mkg:reportedBy ?reportedBy }}
}}"""


def _scoped(query: str, by: URIRef | None, place: URIRef | None) -> tuple[str, dict[str, URIRef]]:
    """The query narrowed to a perpetrator and a place, with the terms to bind."""
    scope, bindings = [], {}
    if by is not None:
        scope.append(_BY)
        bindings["agentAsked"] = by
    if place is not None:
        scope.append(_IN)
        bindings["placeAsked"] = place
    asked = " ".join(f"?{name}" for name in bindings)
    return query.format(scope="\n  ".join(scope), asked=asked), bindings


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
    query, bindings = _scoped(_ATTACKS, by, place)
    for r in select(graph, query, **bindings):
        if first and r.latest is not None and r.latest.toPython() < first:
            continue
        if last and r.earliest is not None and r.earliest.toPython() > last:
            continue
        rows[short(r.attack)] = AttackRow(
            short(r.attack), str(r.en), str(r.ar or ""), str(r.edtf or ""), str(r.earliest or ""),
            str(r.latest or ""), str(r.placeEn or ""), str(r.outcome))
    query, bindings = _scoped(_CLAIMS, by, place)
    for r in select(graph, query, **bindings):
        row = rows.get(short(r.attack))
        if row is not None:
            row.claims.append({"fact": short(r.fact), "agent": short(r.agent), "status": str(r.status),
                               "by": short(r.by), "channel": short(r.channel),
                               "source": short(r.source), "quote": str(r.quote or ""), "record": str(r.record or "")})
    query, bindings = _scoped(_FIGURES, by, place)
    for r in select(graph, query, **bindings):
        row = rows.get(short(r.attack))
        if row is not None:
            value = r.value.toPython() if r.value is not None else None
            row.figures.append({"fact": short(r.fact), "measure": str(r.measure),
                                "value": int(value) if value is not None and float(value).is_integer() else value,
                                "qualifier": str(r.qualifier), "victims": str(r.victims or ""),
                                "as_of": str(r.asOf or ""), "reported_by": short(r.reportedBy),
                                "source": short(r.source), "quote": str(r.quote or ""),
                                "record": str(r.record or "")})
    for row in rows.values():
        row.claims.sort(key=lambda c: (c["agent"], c["status"], c["source"], c["fact"]))
        row.figures.sort(key=lambda f: (f["measure"], f["source"], f["fact"]))
    return sorted(rows.values(), key=lambda a: (a.earliest or "9999", a.id))


CLAIMED = ("claimed", "acknowledged")
"""Statuses in which the perpetrator speaks for itself."""


_AGENTS = "SELECT ?agentAsked ?agent WHERE { ?agent skos:closeMatch? ?agentAsked . }"


def agents_matching(graph: Graph, agent: URIRef) -> set[str]:
    """The agent's id and those of imported groups strongly matched to it (``skos:closeMatch``)."""
    return {short(r.agent) for r in select(graph, _AGENTS, agentAsked=agent)} | {short(agent)}


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
    row = f" row {claim['record']}" if claim.get("record") else ""
    return f"{claim['agent']} ({claim['status']}{via}; {claim['source']}{row})"


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
