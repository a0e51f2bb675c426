"""An :class:`~kg.gtd.rows.Incident` as RDF under the ontology's own terms.

The same classes and properties as curated facts (``mkg:Attack``, ``mkg:ResponsibilityClaim``,
``mkg:CasualtyReport``, ``mkg:DateSpan``, ``geo:sfWithin``), so ``kg attacks``, the
timeline and the query library read imported incidents too. What differs is provenance:
a record cites the dataset and its row (``prov:wasDerivedFrom`` + ``mkg:recordId``)
instead of a quote, and carries the dataset's wording in English only.

Triples are pyoxigraph terms: made in native code and written as N-Triples, they are
what a 200,000-row import needs to stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Triple

from kg.dates import DateSpan
from kg.gtd.link import Linker, slug_id
from kg.gtd.rows import Incident, Perpetrator
from kg.namespaces import GEO, ID, MKG, PREFIXES, VOCAB

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = str(PREFIXES["skos"])
PROV = str(PREFIXES["prov"])
SCHEMA = str(PREFIXES["schema"])
TIME = str(PREFIXES["time"])
DCTERMS = str(PREFIXES["dcterms"])
PRECISION_TIME = {"day": ("inXSDDate", "date"), "month": ("inXSDgYearMonth", "gYearMonth"),
                  "year": ("inXSDgYear", "gYear")}
ATTACK_KINDS = {"Bombing/Explosion": "attack-bombing", "Armed Assault": "attack-shooting",
                "Assassination": "attack-shooting", "Hostage Taking (Kidnapping)": "attack-hostage",
                "Hostage Taking (Barricade Incident)": "attack-hostage", "Hijacking": "attack-hostage",
                "Facility/Infrastructure Attack": "attack-arson"}


def _n(base: str, local: str) -> NamedNode:
    return NamedNode(base + local)


def _m(local: str) -> NamedNode:
    return _n(str(MKG), local)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _typed(value: str, kind: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + kind))


class Mapper:
    """Turns incidents of one dataset into triples; shared nodes (groups, places) once."""

    def __init__(self, dataset_id: str, linker: Linker) -> None:
        self.dataset = _n(str(ID), dataset_id)
        self.linker = linker
        self.seen: set[str] = set()

    def triples(self, incident: Incident) -> Iterator[Triple]:
        """Every triple of one incident, plus those of groups and places met for the first time."""
        attack = _n(str(ID), f"gtd-{incident.eventid}")
        yield from self._record(attack, "Attack", incident.eventid)
        label = f"GTD {incident.eventid}: {incident.attack_type or 'attack'} in {incident.city or incident.country}"
        yield Triple(attack, _n(SKOS, "prefLabel"), _en(label))
        kind = ATTACK_KINDS.get(incident.attack_type, "attack-unspecified")
        yield Triple(attack, _m("attackKind"), _n(str(VOCAB), kind))
        yield Triple(attack, _m("outcome"), _n(str(VOCAB), "outcome-carried-out"))
        for predicate, text in (("datasetAttackType", incident.attack_type),
                                ("datasetTargetType", incident.target_type), ("approximateDate", incident.approxdate)):
            if text:
                yield Triple(attack, _m(predicate), Literal(text))
        if incident.target:
            yield Triple(attack, _m("target"), _en(incident.target))
        if incident.summary:
            yield Triple(attack, _n(SCHEMA, "description"), _en(incident.summary))
        if incident.success is not None:
            yield Triple(attack, _m("succeeded"), _typed(str(incident.success).lower(), "boolean"))
        if incident.competing_claims is not None:
            yield Triple(attack, _m("competingClaims"), _typed(str(incident.competing_claims).lower(), "boolean"))
        if incident.specificity:
            yield Triple(attack, _m("locationSpecificity"), Literal(incident.specificity))
        for citation in incident.citations:
            yield Triple(attack, _n(DCTERMS, "bibliographicCitation"), Literal(citation))
        if incident.dbsource:
            yield Triple(attack, _n(DCTERMS, "source"), Literal(incident.dbsource))
        yield from self._date(attack, incident.date)
        yield from self._place(attack, incident)
        for number, perpetrator in enumerate(incident.perpetrators, start=1):
            yield from self._claim(attack, incident, number, perpetrator)
        for measure, value in (("killed", incident.killed), ("injured", incident.wounded)):
            if value is not None:
                yield from self._casualties(attack, incident, measure, value)

    def _record(self, node: NamedNode, cls: str, eventid: str | None = None) -> Iterator[Triple]:
        """Type and provenance; the row id goes on the attack (claims and tolls are ``<attack>#…``)."""
        yield Triple(node, RDF_TYPE, _m(cls))
        yield Triple(node, _n(PROV, "wasDerivedFrom"), self.dataset)
        if eventid is not None:
            yield Triple(node, _m("recordId"), Literal(eventid))

    def _date(self, attack: NamedNode, span: DateSpan) -> Iterator[Triple]:
        node = NamedNode(attack.value + "#date")
        yield Triple(attack, _m("date"), node)
        yield Triple(node, RDF_TYPE, _m("DateSpan"))
        yield Triple(node, _m("edtf"), Literal(span.edtf))
        yield Triple(node, _m("earliest"), _typed(span.earliest.isoformat(), "date"))
        yield Triple(node, _m("latest"), _typed(span.latest.isoformat(), "date"))
        yield Triple(node, _m("precision"), _n(str(VOCAB), f"precision-{span.precision}"))
        predicate, xsd = PRECISION_TIME[span.precision]
        yield Triple(node, _n(TIME, predicate), _typed(span.edtf, xsd))

    def _place(self, attack: NamedNode, incident: Incident) -> Iterator[Triple]:
        made: list[Triple] = []
        place = self._location(("country", incident.country), None, "loc-country", made)
        if incident.provstate:
            place = self._location(("province", incident.country, incident.provstate), place, "loc-province", made)
        if incident.city and incident.city.lower() != "unknown":
            place = self._location(("city", incident.country, incident.provstate, incident.city), place, "loc-city",
                                   made)
        yield from made
        yield Triple(attack, _m("place"), place)
        if incident.latitude is not None and incident.longitude is not None:
            geometry = NamedNode(attack.value + "#geometry")
            yield Triple(attack, _n(str(GEO), "hasGeometry"), geometry)
            yield Triple(geometry, _n(str(GEO), "asWKT"), Literal(
                f"POINT({incident.longitude:g} {incident.latitude:g})", datatype=_n(str(GEO), "wktLiteral")))

    def _location(self, key: tuple[str, ...], within: NamedNode | None, kind: str, made: list[Triple]) -> NamedNode:
        """The node of a place, adding its triples to ``made`` the first time it is met."""
        if key[0] == "country":
            curated = self.linker.place(key[1])
            if curated:  # a country the curated graph already has: the same place, not a copy
                return _n(str(ID), curated)
        node_id = slug_id("gtd-place", " / ".join(key[1:]))
        node = _n(str(ID), node_id)
        if node_id not in self.seen:
            self.seen.add(node_id)
            made += [Triple(node, RDF_TYPE, _m("Location")), Triple(node, _n(SKOS, "prefLabel"), _en(key[-1])),
                     Triple(node, _m("locationKind"), _n(str(VOCAB), kind)),
                     Triple(node, _n(PROV, "wasDerivedFrom"), self.dataset)]
            if within is not None:
                made.append(Triple(node, _n(str(GEO), "sfWithin"), within))
        return node

    def _group(self, name: str) -> Iterator[Triple]:
        group_id = slug_id("gtd-group", name)
        node = _n(str(ID), group_id)
        if group_id in self.seen:
            return
        self.seen.add(group_id)
        yield Triple(node, RDF_TYPE, _m("Organization"))
        yield Triple(node, _n(SKOS, "prefLabel"), _en(name))
        yield Triple(node, _n(PROV, "wasDerivedFrom"), self.dataset)
        for match in self.linker.matches(name):
            link = NamedNode(f"{node.value}#match-{match.entity}")
            yield Triple(node, _m("match"), link)
            yield Triple(link, RDF_TYPE, _m("EntityMatch"))
            yield Triple(link, _m("matchedEntity"), _n(str(ID), match.entity))
            yield Triple(link, _m("matchScore"), _typed(f"{match.score:.1f}", "decimal"))
            yield Triple(link, _m("matchStatus"), _n(str(VOCAB), f"match-{match.status}"))
            yield Triple(link, _m("matchedName"), Literal(match.matched))
            if match.status == "strong":
                yield Triple(node, _n(SKOS, "closeMatch"), _n(str(ID), match.entity))

    def _claim(self, attack: NamedNode, incident: Incident, number: int, who: Perpetrator) -> Iterator[Triple]:
        yield from self._group(who.name)
        claim = NamedNode(f"{attack.value}#perpetrator-{number}")
        yield from self._record(claim, "ResponsibilityClaim")
        yield Triple(claim, _m("attack"), attack)
        group = _n(str(ID), slug_id("gtd-group", who.name))
        yield Triple(claim, _m("perpetrator"), group)
        status = "claimed" if who.claimed else "suspected" if who.suspected else "attributed"
        yield Triple(claim, _m("claimStatus"), _n(str(VOCAB), f"status-{status}"))
        if who.claimed:
            yield Triple(claim, _m("claimedBy"), group)
            if who.claim_mode:
                yield Triple(claim, _m("claimMode"), Literal(who.claim_mode))

    def _casualties(self, attack: NamedNode, incident: Incident, measure: str, value: float) -> Iterator[Triple]:
        report = NamedNode(f"{attack.value}#{measure}")
        yield from self._record(report, "CasualtyReport")
        yield Triple(report, _m("attack"), attack)
        yield Triple(report, _m("measure"), _n(str(VOCAB), f"measure-{measure}"))
        yield Triple(report, _m("qualifier"), _n(str(VOCAB), "qual-exact"))
        if value.is_integer():
            yield Triple(report, _m("count"), _typed(str(int(value)), "integer"))
        else:  # GTD splits some tolls between incidents: fractions are kept, not rounded
            yield Triple(report, _m("count"), _typed(repr(value), "decimal"))
