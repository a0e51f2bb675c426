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
from functools import cache

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


@cache
def _c(base: str, local: str) -> NamedNode:
    """A term of a vocabulary, made once (a row uses a few dozen, 200,000 times over)."""
    return NamedNode(base + local)


def _m(local: str) -> NamedNode:
    return _c(str(MKG), local)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _typed(value: str, kind: str) -> Literal:
    return Literal(value, datatype=_c(XSD, kind))


class Mapper:
    """Turns incidents of one dataset into triples.

    A row's own records (the attack ``mkgd:gtd-<eventid>``, its ``#perpetrator-N`` claims
    and ``#killed``/``#injured`` tolls) come from :meth:`triples`, the attack's type first.
    Nodes rows share (groups and their matches, places, dates) are made once, into
    :attr:`shared`: the import writes them before the rows, which lets a large import be
    validated row block by row block (see :mod:`kg.gtd.importer`).

    :attr:`shared` is keyed by what names the node (``("date", edtf)``, ``("group", name)``,
    a place's ``("country" | "province" | "city", ...)``), and a node's triples depend on
    its key alone (and on the linker's answers for it): so parts of a file can be mapped
    in separate processes and each node still written once, where one mapper would
    have made it (see :mod:`kg.gtd.chunks`).
    """

    def __init__(self, dataset_id: str, linker: Linker) -> None:
        self.dataset = _n(str(ID), dataset_id)
        self.linker = linker
        self.seen: set[str] = set()
        self.shared: dict[tuple[str, ...], list[Triple]] = {}  # the triples of each node met, first met first
        self.groups: dict[str, NamedNode] = {}
        self.places: dict[tuple[str, ...], NamedNode] = {}

    def triples(self, incident: Incident) -> Iterator[Triple]:
        """The triples of one incident's own records; nodes met for the first time go to :attr:`shared`."""
        attack = _n(str(ID), f"gtd-{incident.eventid}")
        yield from self._record(attack, "Attack", incident.eventid)
        label = f"GTD {incident.eventid}: {incident.attack_type or 'attack'} in {incident.city or incident.country}"
        yield Triple(attack, _c(SKOS, "prefLabel"), _en(label))
        kind = ATTACK_KINDS.get(incident.attack_type, "attack-unspecified")
        yield Triple(attack, _m("attackKind"), _c(str(VOCAB), kind))
        yield Triple(attack, _m("outcome"), _c(str(VOCAB), "outcome-carried-out"))
        for predicate, text in (("datasetAttackType", incident.attack_type),
                                ("datasetTargetType", incident.target_type), ("approximateDate", incident.approxdate)):
            if text:
                yield Triple(attack, _m(predicate), Literal(text))
        if incident.target:
            yield Triple(attack, _m("target"), _en(incident.target))
        if incident.summary:
            yield Triple(attack, _c(SCHEMA, "description"), _en(incident.summary))
        if incident.success is not None:
            yield Triple(attack, _m("succeeded"), _typed(str(incident.success).lower(), "boolean"))
        if incident.competing_claims is not None:
            yield Triple(attack, _m("competingClaims"), _typed(str(incident.competing_claims).lower(), "boolean"))
        if incident.specificity:
            yield Triple(attack, _m("locationSpecificity"), Literal(incident.specificity))
        for citation in incident.citations:
            yield Triple(attack, _c(DCTERMS, "bibliographicCitation"), Literal(citation))
        if incident.dbsource:
            yield Triple(attack, _c(DCTERMS, "source"), Literal(incident.dbsource))
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
        yield Triple(node, _c(PROV, "wasDerivedFrom"), self.dataset)
        if eventid is not None:
            yield Triple(node, _m("recordId"), Literal(eventid))

    def _date(self, attack: NamedNode, span: DateSpan) -> Iterator[Triple]:
        """A date is a value: one node per day, month or year (``mkgd:gtd-date-2015-10``), shared by rows."""
        node_id = f"gtd-date-{span.edtf}"
        node = _n(str(ID), node_id)
        yield Triple(attack, _m("date"), node)
        if node_id in self.seen:
            return
        self.seen.add(node_id)
        predicate, xsd = PRECISION_TIME[span.precision]
        self.shared["date", span.edtf] = [
            Triple(node, RDF_TYPE, _m("DateSpan")), Triple(node, _m("edtf"), Literal(span.edtf)),
            Triple(node, _m("earliest"), _typed(span.earliest.isoformat(), "date")),
            Triple(node, _m("latest"), _typed(span.latest.isoformat(), "date")),
            Triple(node, _m("precision"), _c(str(VOCAB), f"precision-{span.precision}")),
            Triple(node, _c(TIME, predicate), _typed(span.edtf, xsd))]

    def _place(self, attack: NamedNode, incident: Incident) -> Iterator[Triple]:
        place = self._location(("country", incident.country), None, "loc-country")
        if incident.provstate:
            place = self._location(("province", incident.country, incident.provstate), place, "loc-province")
        if incident.city and incident.city.lower() != "unknown":
            place = self._location(("city", incident.country, incident.provstate, incident.city), place, "loc-city")
        yield Triple(attack, _m("place"), place)
        if incident.latitude is not None and incident.longitude is not None:
            geometry = NamedNode(attack.value + "#geometry")
            yield Triple(attack, _c(str(GEO), "hasGeometry"), geometry)
            yield Triple(geometry, _c(str(GEO), "asWKT"), Literal(
                f"POINT({incident.longitude:g} {incident.latitude:g})", datatype=_c(str(GEO), "wktLiteral")))

    def _location(self, key: tuple[str, ...], within: NamedNode | None, kind: str) -> NamedNode:
        """The node of a place, made the first time it is met."""
        node = self.places.get(key)
        if node is not None:
            return node
        curated = self.linker.place(key[1]) if key[0] == "country" else None
        if curated:  # a country the curated graph already has: the same place, not a copy
            node = self.places[key] = _n(str(ID), curated)
            return node
        node = self.places[key] = _n(str(ID), slug_id("gtd-place", " / ".join(key[1:])))
        triples = self.shared[key] = [
            Triple(node, RDF_TYPE, _m("Location")), Triple(node, _c(SKOS, "prefLabel"), _en(key[-1])),
            Triple(node, _m("locationKind"), _c(str(VOCAB), kind)),
            Triple(node, _c(PROV, "wasDerivedFrom"), self.dataset)]
        if within is not None:
            triples.append(Triple(node, _c(str(GEO), "sfWithin"), within))
        return node

    def _group(self, name: str) -> NamedNode:
        """The group's node, made the first time the name is met."""
        node = self.groups.get(name)
        if node is None:
            node = self.groups[name] = _n(str(ID), slug_id("gtd-group", name))
            self.shared["group", name] = list(self._group_triples(node, name))
        return node

    def _group_triples(self, node: NamedNode, name: str) -> Iterator[Triple]:
        yield Triple(node, RDF_TYPE, _m("Organization"))
        yield Triple(node, _c(SKOS, "prefLabel"), _en(name))
        yield Triple(node, _c(PROV, "wasDerivedFrom"), self.dataset)
        for match in self.linker.matches(name):
            link = NamedNode(f"{node.value}#match-{match.entity}")
            yield Triple(node, _m("match"), link)
            yield Triple(link, RDF_TYPE, _m("EntityMatch"))
            yield Triple(link, _m("matchedEntity"), _n(str(ID), match.entity))
            yield Triple(link, _m("matchScore"), _typed(f"{match.score:.1f}", "decimal"))
            yield Triple(link, _m("matchStatus"), _c(str(VOCAB), f"match-{match.status}"))
            yield Triple(link, _m("matchedName"), Literal(match.matched))
            if match.status == "strong":
                yield Triple(node, _c(SKOS, "closeMatch"), _n(str(ID), match.entity))

    def _claim(self, attack: NamedNode, incident: Incident, number: int, who: Perpetrator) -> Iterator[Triple]:
        group = self._group(who.name)
        claim = NamedNode(f"{attack.value}#perpetrator-{number}")
        yield from self._record(claim, "ResponsibilityClaim")
        yield Triple(claim, _m("attack"), attack)
        yield Triple(claim, _m("perpetrator"), group)
        status = "claimed" if who.claimed else "suspected" if who.suspected else "attributed"
        yield Triple(claim, _m("claimStatus"), _c(str(VOCAB), f"status-{status}"))
        if who.claimed:
            yield Triple(claim, _m("claimedBy"), group)
            if who.claim_mode:
                yield Triple(claim, _m("claimMode"), Literal(who.claim_mode))

    def _casualties(self, attack: NamedNode, incident: Incident, measure: str, value: float) -> Iterator[Triple]:
        report = NamedNode(f"{attack.value}#{measure}")
        yield from self._record(report, "CasualtyReport")
        yield Triple(report, _m("attack"), attack)
        yield Triple(report, _m("measure"), _c(str(VOCAB), f"measure-{measure}"))
        yield Triple(report, _m("qualifier"), _c(str(VOCAB), "qual-exact"))
        if value.is_integer():
            yield Triple(report, _m("count"), _typed(str(int(value)), "integer"))
        else:  # GTD splits some tolls between incidents: fractions are kept, not rounded
            yield Triple(report, _m("count"), _typed(repr(value), "decimal"))
