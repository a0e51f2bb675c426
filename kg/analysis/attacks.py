"""Attacks with their claims, attributions and per-source casualty figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from kg.curate.readings import AMBIGUOUS
from kg.graph.labels import by_language
from kg.namespaces import ID, MKG
from kg.store.sparql import select, select_text

# {scope} narrows each query to the attacks asked about, inside the engine: by a perpetrator
# (directly, or an imported group strongly matched to it: skos:closeMatch) and by a place
# (through the location hierarchy). The asked-for terms are bound, never pasted.
_BY = """?scopeClaim mkg:attack ?attack ; mkg:perpetrator ?scopeAgent .
  ?scopeAgent skos:closeMatch? ?agentAsked ."""
_IN = """?attack mkg:place ?scopePlace ; a mkg:Attack . ?scopePlace geo:sfWithin* ?placeAsked ."""
_ALL = """?attack a mkg:Attack ."""

# Each bound in its own OPTIONAL and without DISTINCT: so Oxigraph looks the dates up from
# the attacks found (0.45 s for 9,490 attacks among 200,000), rather than joining every date.
_MATCHING = """
SELECT {asked} ?attack ?earliest ?latest WHERE {{
  {scope}
  OPTIONAL {{ ?attack mkg:date ?d . ?d mkg:earliest ?earliest }}
  {latest}
}}"""
_LATEST = "OPTIONAL { ?attack mkg:date ?e . ?e mkg:latest ?latest }"
"""Asked only when a window has a start: the rest sorts and filters on the earliest day."""


def _scoped(query: str, by: URIRef | None, place: URIRef | None, **parts: str) -> tuple[str, dict[str, URIRef]]:
    """The query narrowed to a perpetrator and a place (other ``parts`` filled in), with the terms to bind."""
    scope, bindings = [], {}
    if by is None and place is None:
        scope.append(_ALL)
    if by is not None:
        scope.append(_BY)
        bindings["agentAsked"] = by
    if place is not None:
        scope.append(_IN)
        bindings["placeAsked"] = place
    asked = " ".join(f"?{name}" for name in bindings)
    return query.format(scope="\n  ".join(scope), asked=asked, **parts), bindings


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

    @property
    def dated(self) -> bool:
        """Whether any source dates the attack: an undated one may fall in any window."""
        return bool(self.earliest)

    def as_dict(self) -> dict[str, Any]:
        """The row's fields (claims and figures shared, not copied), and whether it is ``dated``."""
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "dated": self.dated}


def matching(graph: Graph, *, by: URIRef | None = None, first: dt.date | None = None,
             last: dt.date | None = None, place: URIRef | None = None, dated_only: bool = False) -> list[str]:
    """Ids of the attacks, optionally by a perpetrator (claimed or attributed), in a window, in a place.

    Earliest first, undated last. The window keeps attacks whose date could fall in it
    (partial dates included, and undated attacks, which may fall in any window, unless
    ``dated_only``); ``place`` follows the location hierarchy, so a country includes its cities.
    """
    query, bindings = _scoped(_MATCHING, by, place, latest=_LATEST if first else "")
    after, before = (first.isoformat() if first else None), (last.isoformat() if last else None)
    found: dict[str, str] = {}
    for r in select_text(graph, query, **bindings):
        if dated_only and r["earliest"] is None:
            continue
        if after and r["latest"] is not None and r["latest"] < after:  # ISO dates sort as text
            continue
        if before and r["earliest"] is not None and r["earliest"] > before:
            continue
        found.setdefault(r["attack"] or "", r["earliest"] or "9999")
    return [short(iri) for iri in sorted(found, key=lambda iri: (found[iri], short(iri)))]


def attacks(graph: Graph, *, by: URIRef | None = None, first: dt.date | None = None,
            last: dt.date | None = None, place: URIRef | None = None) -> list[AttackRow]:
    """The attacks :func:`matching` finds, with their claims and figures."""
    return details(graph, matching(graph, by=by, first=first, last=last, place=place))


def details(graph: Graph, ids: list[str]) -> list[AttackRow]:
    """The attacks with these ids, in this order, each with its claims and casualty figures.

    Read node by node (a few index lookups an attack), not in one query: Oxigraph's plan
    for the joined query did not start from the attacks asked about, and took 3 s for 50
    of them among 200,000.
    """
    rows = []
    for attack_id in ids:
        attack = ID[attack_id]
        labels = by_language(graph, attack)
        date = graph.value(attack, MKG.date)
        place = graph.value(attack, MKG.place)
        row = AttackRow(attack_id, labels.get("en", ""), labels.get("ar", ""), _text(graph, date, MKG.edtf),
                        _text(graph, date, MKG.earliest), _text(graph, date, MKG.latest),
                        by_language(graph, place).get("en", "") if place is not None else "",
                        _text(graph, graph.value(attack, MKG.outcome), SKOS.notation))
        record = _text(graph, attack, MKG.recordId)
        for fact in sorted(set(graph.subjects(MKG.attack, attack))):
            kinds = set(graph.objects(fact, RDF.type))
            if MKG.ResponsibilityClaim in kinds:
                row.claims.extend(_claim(graph, fact, record))
            if MKG.CasualtyReport in kinds:
                row.figures.extend(_figure(graph, fact, record))
        row.claims.sort(key=lambda c: (c["agent"], c["status"], c["source"], c["fact"]))
        row.figures.sort(key=lambda f: (f["measure"], f["source"], f["fact"]))
        rows.append(row)
    return rows


def _text(graph: Graph, node: Any, predicate: URIRef) -> str:
    value = graph.value(node, predicate) if node is not None else None
    return "" if value is None else str(value)


def _claim(graph: Graph, fact: Any, record: str) -> list[dict[str, str]]:
    common = {"fact": short(fact), "status": _text(graph, graph.value(fact, MKG.claimStatus), SKOS.notation),
              "by": short(graph.value(fact, MKG.claimedBy)), "channel": short(graph.value(fact, MKG.channel)),
              "quote": _text(graph, fact, MKG.quote), "record": record,
              "reading": AMBIGUOUS if graph.value(fact, MKG.preferredReading) is not None else ""}
    return [{**common, "agent": short(agent), "source": short(source)}
            for agent in graph.objects(fact, MKG.perpetrator) for source in graph.objects(fact, PROV.wasDerivedFrom)]


def _figure(graph: Graph, fact: Any, record: str) -> list[dict[str, Any]]:
    common = {"fact": short(fact), "measure": _text(graph, graph.value(fact, MKG.measure), SKOS.notation),
              "value": _number(_text(graph, fact, MKG["count"]) or None),
              "qualifier": _text(graph, graph.value(fact, MKG.qualifier), SKOS.notation),
              "victims": _text(graph, fact, MKG.victims), "as_of": _text(graph, graph.value(fact, MKG.asOf), MKG.edtf),
              "reported_by": short(graph.value(fact, MKG.reportedBy)), "quote": _text(graph, fact, MKG.quote),
              "record": record}
    return [{**common, "source": short(source)} for source in graph.objects(fact, PROV.wasDerivedFrom)]


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
