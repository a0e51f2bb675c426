"""A STIX 2.1 bundle for threat-intelligence platforms (OpenCTI, MISP), built with ``stix2``.

* militant groups, factions and militias → ``intrusion-set``; other organizations →
  ``identity`` (class organization, or group for unnamed collectives); people →
  ``identity`` (individual); places → ``location``; attacks → ``campaign``;
  relations → ``relationship`` with ``start_time``/``stop_time``; responsibility claims
  → ``attributed-to`` (or ``related-to`` when the perpetrator is a state identity);
  sources → ``report`` with ``external_references``.
* IDs are UUIDv5 of our IRIs in :data:`NAMESPACE`, so re-exports update objects in place.
* ``created``/``modified`` are the fixed :data:`EPOCH` (the graph has no edit history);
  reports carry their source's earliest publication day as ``published``.
* Admiralty information credibility maps to ``confidence`` as in STIX 2.1 Appendix A:
  1→90, 2→70, 3→50, 4→30, 5→10, 6→ no confidence.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

import stix2
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.analysis.attacks import short
from kg.analysis.relations import relations
from kg.graph.labels import by_language
from kg.namespaces import GEO, ID, MKG
from kg.store.sparql import select

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/mkg/")
EPOCH = "2014-01-01T00:00:00.000Z"
CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}
ACTOR_KINDS = {"militant-group", "faction", "militia"}
ATTRIBUTION_ROLES = {"branch-of", "allegiance", "front-of", "subordinate-to"}
COUNTRY_CODES = {
    "syria": "SY", "iraq": "IQ", "afghanistan": "AF", "pakistan": "PK", "iran": "IR", "yemen": "YE",
    "turkmenistan": "TM", "tajikistan": "TJ", "russia-country": "RU", "germany": "DE",
    "netherlands": "NL", "france": "FR", "belgium": "BE", "united-kingdom": "GB",
    "united-states-country": "US", "united-arab-emirates": "AE",
}
REGIONS = {"asia": "asia", "europe": "europe", "central-asia": "central-asia",
           "south-asia": "southern-asia", "arabian-peninsula": "western-asia", "the-west": "northern-america"}


def stix_id(kind: str, iri: str) -> str:
    """A deterministic STIX id for one of our IRIs.

    >>> stix_id("campaign", "https://w3id.org/mkg/id/x") == stix_id("campaign", "https://w3id.org/mkg/id/x")
    True
    """
    return f"{kind}--{uuid.uuid5(NAMESPACE, iri)}"


def _labels(graph: Graph, node: Any) -> tuple[str, list[str]]:
    labels = by_language(graph, node)
    aliases = sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} | {labels.get("ar", "")} - {""})
    return labels.get("en", short(node)), aliases


def _kind(graph: Graph, node: Any) -> str:
    value = graph.value(node, MKG.organizationKind)
    return str(graph.value(value, SKOS.notation)) if value is not None else ""


def _country(graph: Graph, place: Any, seen: set[str] | None = None) -> str | None:
    seen = seen or set()
    name = short(place)
    if name in COUNTRY_CODES:
        return COUNTRY_CODES[name]
    seen.add(name)
    for outer in sorted(graph.objects(place, GEO.sfWithin), key=str):
        if short(outer) not in seen and isinstance(outer, URIRef):
            found = _country(graph, outer, seen)
            if found:
                return found
    return None


def objects(graph: Graph) -> list[Any]:
    """Every STIX object for the graph, sorted by id."""
    out: dict[str, Any] = {}
    common = {"created": EPOCH, "modified": EPOCH, "allow_custom": True}
    ids: dict[str, str] = {}
    for org in sorted(graph.subjects(RDF.type, MKG.Organization), key=str):
        name, aliases = _labels(graph, org)
        kind = _kind(graph, org)
        if kind in ACTOR_KINDS:
            obj = stix2.IntrusionSet(id=stix_id("intrusion-set", str(org)), name=name, aliases=aliases or None,
                                     x_mkg_iri=str(org), x_mkg_kind=kind, **common)
        else:
            identity_class = "group" if kind == "collective" else "organization"
            obj = stix2.Identity(id=stix_id("identity", str(org)), name=name, identity_class=identity_class,
                                 x_mkg_iri=str(org), x_mkg_kind=kind, x_mkg_aliases=aliases or None, **common)
        out[obj.id] = obj
        ids[short(org)] = obj.id
    for person in sorted(graph.subjects(RDF.type, MKG.Person), key=str):
        name, aliases = _labels(graph, person)
        obj = stix2.Identity(id=stix_id("identity", str(person)), name=name, identity_class="individual",
                             x_mkg_iri=str(person), x_mkg_aliases=aliases or None, **common)
        out[obj.id] = obj
        ids[short(person)] = obj.id
    for place in sorted(graph.subjects(RDF.type, MKG.Location), key=str):
        obj = _location(graph, place, common)
        out[obj.id] = obj
        ids[short(place)] = obj.id
    for attack in sorted(graph.subjects(RDF.type, MKG.Attack), key=str):
        name, aliases = _labels(graph, attack)
        first = graph.value(graph.value(attack, MKG.date), MKG.earliest)
        obj = stix2.Campaign(id=stix_id("campaign", str(attack)), name=name, aliases=aliases or None,
                             first_seen=f"{first}T00:00:00.000Z" if first else None,
                             x_mkg_iri=str(attack), **common)
        out[obj.id] = obj
        ids[short(attack)] = obj.id
    for rel in _relationships(graph, ids, common):
        out[rel.id] = rel
    for report in _reports(graph, ids, out, common):
        out[report.id] = report
    return [out[key] for key in sorted(out)]


def _location(graph: Graph, place: Any, common: dict[str, Any]) -> Any:
    name, _ = _labels(graph, place)
    extra: dict[str, Any] = {}
    wkt = graph.value(graph.value(place, GEO.hasGeometry), GEO.asWKT)
    if wkt is not None:
        lon, lat = str(wkt).removeprefix("POINT(").rstrip(")").split()
        extra.update(latitude=float(lat), longitude=float(lon))
    country = _country(graph, place)
    if country:
        extra["country"] = country
    if not extra:
        extra["region"] = REGIONS.get(short(place), "asia")
        extra["x_mkg_region_note"] = "region approximated: the place has no country or coordinates in the graph"
    return stix2.Location(id=stix_id("location", str(place)), name=name, x_mkg_iri=str(place), **extra, **common)


def _confidence(graph: Graph, fact: Any) -> int | None:
    value = graph.value(fact, MKG.credibility)
    if value is None:
        source = graph.value(fact, PROV.wasDerivedFrom)
        value = graph.value(source, MKG.credibility) if source is not None else None
    return CONFIDENCE.get(int(str(value))) if value is not None else None


def _relationships(graph: Graph, ids: dict[str, str], common: dict[str, Any]) -> list[Any]:
    found = []
    for rel in relations(graph):
        source, target = ids.get(rel.subject), ids.get(rel.object)
        if source is None or target is None:
            continue
        fact = ID[rel.facts[0]]
        if rel.kind == "responsibility":
            # STIX draws attribution from the campaign to the actor.
            source, target = target, source
        rel_type = "related-to"
        if (rel.kind == "responsibility" and target.startswith("intrusion-set--")) or (
                rel.kind == "affiliation" and rel.relation in ATTRIBUTION_ROLES
                and source.startswith("intrusion-set--") and target.startswith("intrusion-set--")):
            rel_type = "attributed-to"
        iv = rel.interval
        start = f"{iv.start.earliest}T00:00:00.000Z" if iv.start else None
        stop = f"{iv.end.latest}T23:59:59.000Z" if iv.end else None
        found.append(stix2.Relationship(
            id=stix_id("relationship", f"{fact}#{rel.kind}:{rel.subject}:{rel.object}"),
            relationship_type=rel_type, source_ref=source, target_ref=target,
            start_time=start, stop_time=stop, confidence=_confidence(graph, fact),
            x_mkg_relation=rel.relation, x_mkg_kind=rel.kind, x_mkg_claim_status=rel.status,
            x_mkg_sources=list(rel.sources), x_mkg_facts=list(rel.facts), **common))
    return found


_PER_SOURCE = """SELECT ?source ?thing WHERE {
  { ?fact prov:wasDerivedFrom ?source ; ?p ?thing . FILTER (isIRI(?thing)) }
  UNION { ?thing prov:wasDerivedFrom ?source }
}"""


def _reports(graph: Graph, ids: dict[str, str], out: dict[str, Any], common: dict[str, Any]) -> list[Any]:
    refs: dict[str, set[str]] = defaultdict(set)
    for row in select(graph, _PER_SOURCE):
        if short(row.thing) in ids:
            refs[short(row.source)].add(ids[short(row.thing)])
    for obj in out.values():
        if obj.type == "relationship":
            for sid in obj.x_mkg_sources:
                refs[sid].add(obj.id)
    reports = []
    for source in sorted(graph.subjects(RDF.type, MKG.Source), key=str):
        sid = short(source)
        title = str(graph.value(source, RDFS.label) or sid)
        published = graph.value(graph.value(source, MKG.published), MKG.earliest)
        grade = f"{graph.value(source, MKG.sourceReliability)}{graph.value(source, MKG.credibility)}"
        reports.append(stix2.Report(
            id=stix_id("report", str(source)), name=title, published=f"{published}T00:00:00.000Z",
            report_types=["threat-report"], object_refs=sorted(refs[sid]) or [ids[next(iter(sorted(ids)))]],
            confidence=_confidence(graph, source),
            external_references=[{"source_name": "mkg", "external_id": sid, "description": title}],
            x_mkg_admiralty_grade=grade, **common))
    return reports


def bundle(graph: Graph) -> bytes:
    """The bundle as sorted, indented JSON (the bundle id is derived from its content)."""
    items = objects(graph)
    body = [json.loads(item.serialize()) for item in items]
    digest = uuid.uuid5(NAMESPACE, json.dumps(body, sort_keys=True, ensure_ascii=False))
    data = {"type": "bundle", "id": f"bundle--{digest}", "objects": body}
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
