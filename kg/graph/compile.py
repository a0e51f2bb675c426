"""Compile a checked :class:`~kg.curate.corpus.Corpus` into RDF under the ontology.

Every node gets a stable IRI from its curated id, so builds never churn blank nodes:
entities, facts and sources are ``https://w3id.org/mkg/id/<id>``; the dates and
intervals hanging off a fact are ``<fact>#date``, ``<fact>#during``, ``<fact>#start``...
The result also maps each IRI back to the file and line it came from, so a SHACL
violation can point at ``facts/file.yaml:LINE``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, TIME, XSD

from kg import dates
from kg.curate.arabic import script_of
from kg.curate.corpus import Corpus, Record, SourceDoc
from kg.curate.readings import Reading
from kg.curate.vocab import vocabulary
from kg.namespaces import GEO, ID, MKG, ORG, SCHEMA, bind_prefixes
from kg.resources import resource_dir

CLASSES = {
    "Organization": MKG.Organization, "Person": MKG.Person, "Location": MKG.Location,
    "Attack": MKG.Attack, "Event": MKG.Event, "Affiliation": MKG.Affiliation, "Split": MKG.SplitFrom,
    "Responsibility": MKG.ResponsibilityClaim, "CasualtyReport": MKG.CasualtyReport,
    "Designation": MKG.Designation, "Strength": MKG.StrengthEstimate,
    "Allegation": MKG.Allegation, "Mention": MKG.Mention,
}

# field -> (predicate, kind): "ref" entity IRI(s), "text" @en literal, ("vocab", scheme), "int"
_LINKS: dict[str, dict[str, Any]] = {
    "Organization": {"kind": (MKG.organizationKind, ("vocab", "OrganizationKind"))},
    "Person": {"nationality": (SCHEMA.nationality, "ref")},
    "Location": {"kind": (MKG.locationKind, ("vocab", "LocationKind")),
                 "within": (GEO.sfWithin, "ref"), "overlaps": (GEO.sfOverlaps, "ref")},
    "Attack": {"kind": (MKG.attackKind, ("vocab", "AttackKind")),
               "outcome": (MKG.outcome, ("vocab", "Outcome")), "place": (MKG.place, "ref"),
               "targets": (MKG.target, "text"), "target_entities": (MKG.targetEntity, "ref")},
    "Event": {"kind": (MKG.eventKind, ("vocab", "EventKind")), "place": (MKG.place, "ref"),
              "actors": (MKG.actor, "ref")},
    "Affiliation": {"member": (ORG.member, "ref"), "organization": (ORG.organization, "ref"),
                    "role": (ORG.role, ("vocab", "Role"))},
    "Split": {"kind": (MKG.changeKind, ("vocab", "ChangeKind")),
              "from": (ORG.originalOrganization, "ref"), "to": (ORG.resultingOrganization, "ref"),
              "agents": (MKG.changeAgent, "ref"), "broke_with": (MKG.brokeWith, "ref")},
    "Responsibility": {"attack": (MKG.attack, "ref"), "agent": (MKG.perpetrator, "ref"),
                       "by": (MKG.claimedBy, "ref"), "channel": (MKG.channel, "ref")},
    "CasualtyReport": {"attack": (MKG.attack, "ref"), "measure": (MKG.measure, ("vocab", "Measure")),
                       "value": (MKG["count"], "int"), "qualifier": (MKG.qualifier, ("vocab", "Qualifier")),
                       "victims": (MKG.victims, "text"), "persons": (MKG.victim, "ref"),
                       "reported_by": (MKG.reportedBy, "ref")},
    "Designation": {"organization": (MKG.designatedOrganization, "ref"),
                    "authority": (MKG.authority, "ref"),
                    "designation_type": (MKG.designationType, ("vocab", "DesignationType")),
                    "instrument": (MKG.legalInstrument, "text")},
    "Strength": {"organization": (MKG.estimateOf, "ref"), "value": (MKG["count"], "int"),
                 "qualifier": (MKG.qualifier, ("vocab", "Qualifier")), "place": (MKG.place, "ref")},
    "Allegation": {"by": (MKG.allegedBy, "ref"), "about": (MKG.about, "ref"), "channel": (MKG.channel, "ref")},
    "Mention": {"entity": (MKG.entity, "ref")},
}
DERIVATION_KINDS = ("formation", "split", "merger")
"""Changes after which the resulting organization derives from the original one.
Defections and renunciations move people between organizations that already exist."""
_XSD_TIME = {"date": TIME.inXSDDate, "gYearMonth": TIME.inXSDgYearMonth, "gYear": TIME.inXSDgYear}


@dataclass
class Compiled:
    """The built graph, and where each of its subjects was curated."""

    graph: Graph
    origins: dict[URIRef, Record | SourceDoc] = field(default_factory=dict)


def iri(identifier: str) -> URIRef:
    """The IRI minted for a curated id.

    >>> str(iri("isis-k"))
    'https://w3id.org/mkg/id/isis-k'
    """
    return ID[identifier]


def compile_corpus(corpus: Corpus) -> Compiled:
    """Turn a checked corpus into RDF: vocabularies, sources, entities, facts and mentions."""
    out = Compiled(bind_prefixes(Graph()))
    out.graph.parse(resource_dir("ontology") / "vocab.ttl", format="turtle")
    for doc in corpus.sources.values():
        _source(out, doc)
    for record in corpus.entities.values():
        _entity(out, record)
    for record in corpus.facts:
        _fact(out, corpus, record, iri(record.id))
    seen: Counter[tuple[str | None, str]] = Counter()
    for record in corpus.mentions:
        key = (record.source, record.id)
        seen[key] += 1
        suffix = f"-{seen[key]}" if seen[key] > 1 else ""
        _fact(out, corpus, record, iri(f"mention-{record.source}-{record.id}{suffix}"))
    return out


def _source(out: Compiled, doc: SourceDoc) -> None:
    g, meta, node = out.graph, doc.meta, iri(doc.id)
    out.origins[node] = doc
    g.add((node, RDF.type, MKG.Source))
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, RDF.type, SCHEMA.NewsArticle))
    g.add((node, RDFS.label, Literal(str(meta.get("title_en") or doc.id), lang="en")))
    lang = str(meta["language"])
    g.add((node, SCHEMA.inLanguage, Literal(lang)))
    if meta.get("title"):
        g.add((node, SCHEMA.headline, Literal(str(meta["title"]), lang=lang)))
    if meta.get("title_en"):
        g.add((node, SCHEMA.headline, Literal(str(meta["title_en"]), lang="en")))
    for key, predicate in (("author", SCHEMA.author), ("publisher", SCHEMA.publisher),
                           ("published_reason", MKG.publishedReason), ("sha256", MKG.sha256),
                           ("file", MKG.fileName), ("original_name", MKG.originalName),
                           ("publisher_note", MKG.publisherNote), ("url", SCHEMA.url)):
        if meta.get(key):
            g.add((node, predicate, Literal(str(meta[key]))))
    _date(out, node, MKG.published, URIRef(f"{node}#published"), str(meta["published"]))
    grade = meta["grade"]
    g.add((node, MKG.sourceReliability, Literal(str(grade["reliability"]))))
    g.add((node, MKG.credibility, Literal(int(grade["credibility"]))))
    g.add((node, MKG.gradeReason, Literal(str(grade["reason"]), lang="en")))


def _entity(out: Compiled, record: Record) -> None:
    g, data, node = out.graph, record.data, iri(record.id)
    out.origins[node] = record
    g.add((node, RDF.type, CLASSES[record.type]))
    outside = set(data["label"].get("outside") or [])
    for lang in ("en", "ar"):
        label = Literal(str(data["label"][lang]).strip(), lang=lang)
        g.add((node, SKOS.prefLabel, label))
        g.add((node, RDFS.label, label))
        if lang in outside:
            g.add((node, MKG.outsideKnowledge, label))
    for alias in data.get("aliases") or []:
        if isinstance(alias, str):
            alias = {"text": alias}
        text = str(alias["text"]).strip()
        if alias.get("transliteration"):
            literal = Literal(text, lang="ar-Latn")
            g.add((node, MKG.transliteration, literal))
        else:
            default = "ar" if script_of(text) == "ar" else "en"
            literal = Literal(text, lang=str(alias.get("lang") or default))
        g.add((node, SKOS.altLabel, literal))
        if alias.get("outside"):
            g.add((node, MKG.outsideKnowledge, literal))
    for key in ("note", "outside_note"):
        note = data.get(key)
        for lang, text in (note.items() if isinstance(note, dict) else [("en", note)] if note else []):
            literal = Literal(str(text).strip(), lang=lang)
            g.add((node, SKOS.scopeNote, literal))
            if key == "outside_note":
                g.add((node, MKG.outsideKnowledge, literal))
    if data.get("description"):
        g.add((node, SCHEMA.description, Literal(str(data["description"]).strip(), lang="en")))
    coordinates = data.get("coordinates")
    if coordinates:
        geometry = URIRef(f"{node}#geometry")
        g.add((node, GEO.hasGeometry, geometry))
        g.add((geometry, RDF.type, GEO.Geometry))
        wkt = f"POINT({coordinates['lon']} {coordinates['lat']})"
        g.add((geometry, GEO.asWKT, Literal(wkt, datatype=GEO.wktLiteral)))
    _links(out, record.type, data, node)
    if record.type in ("Attack", "Event"):
        _grounding(out, record, node)
        if data.get("date"):
            _date(out, node, MKG.date, URIRef(f"{node}#date"), str(data["date"]))


def _fact(out: Compiled, corpus: Corpus, record: Record, node: URIRef) -> None:
    g, data = out.graph, record.data
    out.origins[node] = record
    g.add((node, RDF.type, CLASSES[record.type]))
    _grounding(out, record, node)
    _fields(out, corpus, record, data, node, f"{node}#")
    if record.type == "Split" and data["kind"] in DERIVATION_KINDS:
        for resulting in data.get("to") or []:
            for original in data["from"]:
                g.add((iri(str(resulting)), MKG.derivesFrom, iri(str(original))))
    for reading in record.readings:
        _reading(out, corpus, record, node, reading)


def _fields(out: Compiled, corpus: Corpus, record: Record, data: Mapping[str, Any], node: URIRef,
            base: str) -> None:
    """A fact's own fields on ``node``; the nodes hanging off it are named ``base`` + date, during..."""
    g = out.graph
    _links(out, record.type, data, node)
    for key, predicate in (("date", MKG.date), ("as_of", MKG.asOf)):
        if data.get(key):
            _date(out, node, predicate, URIRef(base + key.replace("_", "-")), str(data[key]))
    count = data.get("count")
    if isinstance(count, dict):
        if "value" in count:
            g.add((node, MKG["count"], Literal(int(count["value"]))))
        qualifier = str(count.get("qualifier", "exact"))
        g.add((node, MKG.qualifier, vocabulary().iri("Qualifier", qualifier)))
    if record.type == "Affiliation":
        _interval(out, corpus, record, data, node, base)


def _reading(out: Compiled, corpus: Corpus, record: Record, fact: URIRef, reading: Reading) -> None:
    """One reading of an ambiguous fact: a node holding the fields that reading gives."""
    g, node = out.graph, URIRef(f"{fact}#reading-{reading.id}")
    out.origins[node] = record
    g.add((fact, MKG.reading, node))
    g.add((node, RDF.type, MKG.Reading))
    g.add((node, SKOS.note, Literal(reading.note, lang="en")))
    _fields(out, corpus, record, reading.own, node, f"{fact}#reading-{reading.id}-")
    _assertion(g, reading.own, node)
    if reading.preferred:
        g.add((fact, MKG.preferredReading, node))
        g.add((fact, MKG.preferenceReason, Literal(reading.reason, lang="en")))


def _grounding(out: Compiled, record: Record, node: URIRef) -> None:
    g, data = out.graph, record.data
    source = iri(str(record.source))
    g.add((node, PROV.wasDerivedFrom, source))
    g.add((node, MKG.quote, Literal(str(data["quote"]).strip(), lang="ar")))
    if record.kind == "mention":
        if data.get("gloss"):
            g.add((node, MKG.gloss, Literal(str(data["gloss"]).strip(), lang="en")))
        return
    _assertion(g, {**data, "status": data.get("status") or "reported"}, node)
    if record.kind == "fact":
        for key in ("note", "outside_note"):
            if data.get(key):
                literal = Literal(str(data[key]).strip(), lang="en")
                g.add((node, SKOS.note, literal))
                if key == "outside_note":
                    g.add((node, MKG.outsideKnowledge, literal))


def _assertion(g: Graph, data: Mapping[str, Any], node: URIRef) -> None:
    """How the source holds a fact (or one reading of it): gloss, status, asserter, credibility."""
    if data.get("gloss"):
        g.add((node, MKG.gloss, Literal(str(data["gloss"]).strip(), lang="en")))
    if data.get("status"):
        g.add((node, MKG.claimStatus, vocabulary().iri("ClaimStatus", str(data["status"]))))
    if data.get("according_to"):
        g.add((node, MKG.accordingTo, iri(str(data["according_to"]))))
    if data.get("according_to_text"):
        g.add((node, MKG.accordingToText, Literal(str(data["according_to_text"]).strip())))
    if data.get("credibility"):
        g.add((node, MKG.credibility, Literal(int(data["credibility"]))))


def _links(out: Compiled, kind_of: str, data: Mapping[str, Any], node: URIRef) -> None:
    g = out.graph
    for key, (predicate, kind) in _LINKS[kind_of].items():
        value = data.get(key)
        if value in (None, "", []):
            continue
        for item in value if isinstance(value, list) else [value]:
            if kind == "ref":
                g.add((node, predicate, iri(str(item))))
            elif kind == "text":
                g.add((node, predicate, Literal(str(item).strip(), lang="en")))
            elif kind == "int":
                g.add((node, predicate, Literal(int(item))))
            else:
                g.add((node, predicate, vocabulary().iri(kind[1], str(item))))


def _date(out: Compiled, subject: URIRef, predicate: URIRef, node: URIRef, text: str) -> None:
    out.graph.add((subject, predicate, _span(out.graph, node, text)))


def _span(g: Graph, node: URIRef, text: str) -> URIRef:
    span = dates.parse(text)
    g.add((node, RDF.type, MKG.DateSpan))
    g.add((node, MKG.edtf, Literal(span.edtf)))
    g.add((node, MKG.earliest, Literal(span.earliest.isoformat(), datatype=XSD.date)))
    g.add((node, MKG.latest, Literal(span.latest.isoformat(), datatype=XSD.date)))
    g.add((node, MKG.precision, vocabulary().iri("Precision", span.precision)))
    if span.approximate:
        g.add((node, MKG.approximate, Literal(True)))
    typed = span.xsd()
    if typed:
        g.add((node, _XSD_TIME[typed[1]], Literal(typed[0], datatype=XSD[typed[1]])))
    return node


def _interval(out: Compiled, corpus: Corpus, record: Record, data: Mapping[str, Any], node: URIRef,
              base: str) -> None:
    g = out.graph
    start, end, attested = data.get("start"), data.get("end"), data.get("attested")
    if not start and not end and not attested:
        return
    during = URIRef(base + "during")
    g.add((node, ORG.memberDuring, during))
    g.add((during, RDF.type, TIME.ProperInterval))
    if start:
        g.add((during, TIME.hasBeginning, _span(g, URIRef(base + "start"), str(start))))
    if end == dates.ONGOING:
        published = dates.parse(str(corpus.sources[str(record.source)].meta["published"]))
        g.add((during, MKG.ongoingAsOf, Literal(published.earliest.isoformat(), datatype=XSD.date)))
    elif end:
        g.add((during, TIME.hasEnd, _span(g, URIRef(base + "end"), str(end))))
    if attested:
        g.add((during, MKG.attestedAt, _span(g, URIRef(base + "attested"), str(attested))))
