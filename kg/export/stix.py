"""A STIX 2.1 bundle for threat-intelligence platforms (OpenCTI, MISP), built with ``stix2``.

* militant groups, factions and militias → ``intrusion-set``; other organizations →
  ``identity`` (class organization, or group for unnamed collectives); people →
  ``identity`` (individual); places → ``location``; attacks → ``campaign``; events that
  are not attacks (a withdrawal) have no STIX object and are left out;
  relations → ``relationship`` with ``start_time``/``stop_time``; responsibility
  → ``attributed-to`` when the perpetrator is an intrusion set, else ``related-to``.
  Each relationship says in its ``description`` who did what by whose account (claimed,
  attributed, alleged, disputed…), so relationships of one attack can be told apart.
* An allegation or a dispute also gets an ``opinion`` on its relationship: ``neutral``
  for alleged (the source reports it, without standing by it), ``disagree`` for disputed.
* Sources → ``report`` with ``external_references``, referencing every object, relationship
  and opinion drawn from them.
* Every object is created by one ``identity``, the producer (:data:`PRODUCER`); the
  ``x_mkg_*`` properties are declared by a STIX ``extension-definition`` (``kg.export.stix_meta``).
* IDs are deterministic UUIDs (version 4 in form, as ``--interop`` asks) derived from our
  IRIs in :data:`NAMESPACE`, so re-exports update objects in place.
* ``created``/``modified`` come from the sources' publication dates and from the content
  (``kg.export.stix_meta``); reports carry their source's earliest publication day as ``published``.
* Admiralty information credibility maps to ``confidence`` as in STIX 2.1 Appendix A:
  1→90, 2→70, 3→50, 4→30, 5→10, 6→ no confidence.
* ``--interop`` requires a motivation and resource level on an intrusion set, which the
  sources do not give: militant groups get ``ideology`` and ``organization`` by their kind,
  and say so in ``x_mkg_assessed``.
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
from kg.export.stix_meta import dated, declared
from kg.graph.labels import by_language
from kg.namespaces import GEO, ID, MKG, SCHEMA
from kg.store.sparql import select

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/mkg/")
EPOCH = "2014-01-01T00:00:00.000Z"
CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}
ACTOR_KINDS = {"militant-group", "faction", "militia"}
COUNTRY_CODES = {
    "syria": "SY", "iraq": "IQ", "afghanistan": "AF", "pakistan": "PK", "iran": "IR", "yemen": "YE",
    "turkmenistan": "TM", "tajikistan": "TJ", "russia-country": "RU", "germany": "DE",
    "netherlands": "NL", "france": "FR", "belgium": "BE", "united-kingdom": "GB",
    "united-states-country": "US", "united-arab-emirates": "AE",
}
COUNTRY_REGIONS = {  # UN M49 regions, as STIX's region-ov names them
    "SY": "western-asia", "IQ": "western-asia", "YE": "western-asia", "AE": "western-asia",
    "AF": "southern-asia", "PK": "southern-asia", "IR": "southern-asia", "TM": "central-asia", "TJ": "central-asia",
    "RU": "eastern-europe", "DE": "western-europe", "NL": "western-europe", "FR": "western-europe",
    "BE": "western-europe", "GB": "northern-europe", "US": "northern-america",
}
REGIONS = {"asia": "asia", "europe": "europe", "central-asia": "central-asia",
           "south-asia": "southern-asia", "arabian-peninsula": "western-asia", "the-west": "northern-america"}


PRODUCER_IRI = "https://w3id.org/mkg/"
STATUS_PHRASES = {
    "claimed": "{actor} claimed {deed}", "attributed": "{deed} was attributed to {actor}",
    "alleged": "{actor} is alleged to have {deed_past}", "disputed": "that {actor} {deed_past} is disputed",
    "confirmed": "{actor}'s {deed_noun} was confirmed", "acknowledged": "{actor} acknowledged {deed}",
    "reported": "{actor} is reported to have {deed_past}", "suspected": "{actor} is suspected to have {deed_past}",
    "unverified": "{actor} is said, unverified, to have {deed_past}", "opinion": "in an opinion, {actor} {deed_past}",
}
OPINIONS = {"alleged": "neutral", "disputed": "disagree"}


def stix_id(kind: str, iri: str) -> str:
    """A deterministic STIX id for one of our IRIs: a UUIDv5's bits, marked version 4 as ``--interop`` asks.

    >>> stix_id("campaign", "https://w3id.org/mkg/id/x") == stix_id("campaign", "https://w3id.org/mkg/id/x")
    True
    >>> uuid.UUID(stix_id("campaign", "https://w3id.org/mkg/id/x").split("--")[1]).version
    4
    """
    return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(NAMESPACE, iri).bytes, version=4)}"


PRODUCER = stix_id("identity", PRODUCER_IRI)
"""The identity every object is ``created_by_ref``: this project."""


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
    common = {"created": EPOCH, "modified": EPOCH, "allow_custom": True, "created_by_ref": PRODUCER}
    ids: dict[str, str] = {}
    producer = stix2.Identity(id=PRODUCER, name="militant-kg", identity_class="organization",
                              description="The militant-kg project: a temporal knowledge graph of militant "
                                          "organizations and attacks, curated from Arabic news, every fact citing "
                                          "its source and a verbatim quote.", **common)
    out[producer.id] = producer
    for org in sorted(graph.subjects(RDF.type, MKG.Organization), key=str):
        name, aliases = _labels(graph, org)
        kind = _kind(graph, org)
        if kind in ACTOR_KINDS:
            obj = stix2.IntrusionSet(id=stix_id("intrusion-set", str(org)), name=name, aliases=aliases or None,
                                     primary_motivation="ideology", resource_level="organization",
                                     x_mkg_assessed="primary_motivation and resource_level follow from the "
                                                    f"organization kind ({kind}), not from a source",
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
    names = {obj.id: obj.name for obj in out.values() if hasattr(obj, "name")}
    for rel in _relationships(graph, ids, names, common):
        out[rel.id] = rel
    for opinion in _opinions(graph, [obj for obj in out.values() if obj.type == "relationship"], common):
        out[opinion.id] = opinion
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
    if country:
        extra["region"] = COUNTRY_REGIONS[country]
    else:
        extra["region"] = REGIONS.get(short(place), "asia")
        extra["x_mkg_region_note"] = "region approximated: the place has no country in the graph"
    return stix2.Location(id=stix_id("location", str(place)), name=name, x_mkg_iri=str(place), **extra, **common)


def _confidence(graph: Graph, fact: Any) -> int | None:
    value = graph.value(fact, MKG.credibility)
    if value is None:
        source = graph.value(fact, PROV.wasDerivedFrom)
        value = graph.value(source, MKG.credibility) if source is not None else None
    return CONFIDENCE.get(int(str(value))) if value is not None else None


def _relationships(graph: Graph, ids: dict[str, str], names: dict[str, str],
                   common: dict[str, Any]) -> list[Any]:
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
        if rel.kind == "responsibility" and target.startswith("intrusion-set--"):
            rel_type = "attributed-to"
        iv = rel.interval
        start = f"{iv.start.earliest}T00:00:00.000Z" if iv.start else None
        stop = f"{iv.end.latest}T23:59:59.000Z" if iv.end else None
        found.append(stix2.Relationship(
            id=stix_id("relationship", f"{fact}#{rel.kind}:{rel.subject}:{rel.object}"),
            relationship_type=rel_type, source_ref=source, target_ref=target,
            description=_description(rel, names.get(ids[rel.subject], rel.subject),
                                     names.get(ids[rel.object], rel.object)),
            start_time=start, stop_time=stop, confidence=_confidence(graph, fact),
            x_mkg_relation=rel.relation, x_mkg_kind=rel.kind, x_mkg_claim_status=rel.status,
            x_mkg_sources=list(rel.sources), x_mkg_facts=list(rel.facts), **common))
    return found


def _description(rel: Any, subject: str, target: str) -> str:
    """One sentence that says who did what, by whose account: what tells a relationship from its siblings.

    >>> from types import SimpleNamespace as R
    >>> print(_description(R(kind="responsibility", relation="responsible-for", status="alleged",
    ...                      sources=("src-1",), facts=("f-1",)), "ISIS-K", "the Crocus attack"))
    Alleged: ISIS-K is alleged to have carried out the Crocus attack (per src-1; fact f-1).
    """
    if rel.kind == "responsibility":
        text = STATUS_PHRASES.get(rel.status, "{actor} is linked to {deed} ({status})").format(
            actor=subject, deed=f"responsibility for {target}", deed_past=f"carried out {target}",
            deed_noun=f"responsibility for {target}", status=rel.status)
    else:
        text = f"{subject} {rel.relation.replace('-', ' ')} {target}"
        text += "" if rel.status in ("", "reported") else f" ({rel.status})"
    per = f"per {', '.join(rel.sources)}; fact{'s' if len(rel.facts) > 1 else ''} {', '.join(rel.facts)}"
    label = f"{rel.status.capitalize()}: " if rel.kind == "responsibility" else ""
    return f"{label}{text[0].upper()}{text[1:]} ({per})."


def _opinions(graph: Graph, relationships: list[Any], common: dict[str, Any]) -> list[Any]:
    """An opinion on each alleged or disputed relationship, one per source, by the source's author."""
    found = []
    for rel in relationships:
        value = OPINIONS.get(rel.x_mkg_claim_status)
        if value is None:
            continue
        for sid in rel.x_mkg_sources:
            source = ID[sid]
            authors = sorted({str(a) for p in (SCHEMA.author, SCHEMA.publisher) for a in graph.objects(source, p)})
            found.append(stix2.Opinion(
                id=stix_id("opinion", f"{rel.id}@{sid}"), opinion=value, object_refs=[rel.id],
                authors=authors or None,
                explanation=f"{sid} reports this as {rel.x_mkg_claim_status}: "
                            + ("the source reports the allegation without standing by it." if value == "neutral"
                               else "the source reports that it is disputed."),
                x_mkg_sources=[sid], **common))
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
        if obj.type in ("relationship", "opinion"):
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


def bundle(graph: Graph, previous: bytes | None = None) -> bytes:
    """The bundle as sorted, indented JSON (the bundle id is derived from its content).

    ``previous`` is the bundle this one replaces (``exports/stix-bundle.json``): an object
    whose content changed gets a newer ``modified`` than it had there (:func:`kg.export.stix_meta.dated`).
    """
    body = dated(declared([json.loads(item.serialize()) for item in objects(graph)], PRODUCER,
                          stix_id("extension-definition", PRODUCER_IRI + "stix-extension")), previous)
    data = {"type": "bundle", "id": stix_id("bundle", json.dumps(body, sort_keys=True, ensure_ascii=False)),
            "objects": body}
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
