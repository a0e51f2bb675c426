"""Where sources disagree: figures, dates and who did it, side by side with their sources.

Nothing here picks a winner; each version is listed with the source that gives it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.analysis.attacks import Graph, short
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.reader import oxigraph_of, texts

_ID, _MKG, _TIME = PREFIXES["mkgd"], PREFIXES["mkg"], PREFIXES["time"]


def _is_iri(value: str) -> bool:
    """Whether a value read as text is an IRI (a reading's value may be a literal)."""
    return value.startswith(("http://", "https://", "urn:"))


# Curated facts only: each query starts from the quote they carry, with the fact's type as a
# variable and a FILTER (a constant type made Oxigraph start from every fact of that type,
# 374,000 casualty reports at 200k rows) and named intermediate nodes rather than paths.
_FIGURES = """
SELECT ?subject ?measure ?value ?qualifier ?asOf ?fact ?source ?quote WHERE {
  ?fact mkg:quote ?quote ; a ?type ; mkg:attack ?subject ; mkg:measure ?measureNode ;
        mkg:qualifier ?qualifierNode ; prov:wasDerivedFrom ?source .
  FILTER (?type = mkg:CasualtyReport)
  ?measureNode skos:notation ?measure . ?qualifierNode skos:notation ?qualifier .
  OPTIONAL { ?fact mkg:count ?value }
  OPTIONAL { ?fact mkg:asOf ?asOfNode . ?asOfNode mkg:edtf ?asOf }
}"""

_FORMATIONS = """
SELECT ?subject ?edtf ?fact ?source ?quote WHERE {
  ?fact mkg:quote ?quote ; prov:wasDerivedFrom ?source ; a ?type .
  FILTER (?type IN (mkg:SplitFrom, mkg:Affiliation))
  OPTIONAL { ?fact mkg:changeKind ?change ; org:resultingOrganization ?resulting }
  OPTIONAL { ?fact org:role ?role ; org:member ?member ; org:memberDuring ?during .
             ?during time:hasBeginning ?begin . ?begin mkg:edtf ?beginEdtf }
  FILTER ((?type = mkg:SplitFrom && ?change = mkgv:change-formation)
          || (?type = mkg:Affiliation && ?role = mkgv:role-branch-of && BOUND(?beginEdtf)))
  BIND (IF(?type = mkg:SplitFrom, ?resulting, ?member) AS ?subject)
  OPTIONAL { ?fact mkg:date ?date . ?date mkg:edtf ?dateEdtf }
  BIND (COALESCE(?dateEdtf, ?beginEdtf) AS ?edtf)
  FILTER (BOUND(?edtf))
}"""

_PERPETRATORS = """
SELECT ?subject ?agent ?status ?fact ?source ?quote WHERE {
  ?fact mkg:quote ?quote ; a ?type ; mkg:attack ?subject ; mkg:perpetrator ?agent ;
        mkg:claimStatus ?statusNode ; prov:wasDerivedFrom ?source .
  FILTER (?type = mkg:ResponsibilityClaim)
  ?statusNode skos:notation ?status .
}"""

# A disputed fact is listed under the entity it is about (the member, the attack, the group
# formed, designated or estimated, the one alleged about, or itself when it is an entity, an
# attack say), never under a fact id; an
# affiliation's value says what is disputed ("subordinate-to isis").
_DISPUTED = """
SELECT ?subject ?value ?fact ?source ?quote WHERE {
  ?fact mkg:quote ?quote ; mkg:claimStatus mkgv:status-disputed ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?fact org:member ?member ; org:organization ?org ; org:role ?roleNode . ?roleNode skos:notation ?role }
  OPTIONAL { ?fact mkg:attack ?attack }
  OPTIONAL { ?fact org:resultingOrganization ?resulting }
  OPTIONAL { ?fact org:originalOrganization ?original }
  OPTIONAL { ?fact mkg:designatedOrganization ?designated }
  OPTIONAL { ?fact mkg:estimateOf ?estimated }
  OPTIONAL { ?fact mkg:about ?about }
  OPTIONAL { VALUES ?entityClass { mkg:Attack mkg:Organization mkg:Person mkg:Location }
             ?fact a ?entityClass . BIND (?fact AS ?itself) }
  BIND (COALESCE(?member, ?attack, ?resulting, ?original, ?designated, ?estimated, ?about, ?itself) AS ?subject)
  FILTER (BOUND(?subject))
  BIND (IF(BOUND(?role), CONCAT(?role, " ", STRAFTER(STR(?org), STR(mkgd:))), "disputed") AS ?value)
}"""


# An ambiguous fact's readings: each with the fields it reads differently. Starting from the
# curated facts' quotes, as the queries above do.
_READINGS = """
SELECT ?fact ?reading ?preferred ?predicate ?value ?note ?source ?quote WHERE {
  ?fact mkg:quote ?quote ; mkg:reading ?reading ; mkg:preferredReading ?preferred ; prov:wasDerivedFrom ?source .
  ?reading skos:note ?note ; ?predicate ?value .
  FILTER (?predicate NOT IN (rdf:type, skos:note, mkg:gloss))
}"""


@dataclass
class Conflict:
    """One question the sources answer differently."""

    topic: str
    subject: str
    versions: list[dict[str, Any]] = field(default_factory=list)


def conflicts(graph: Graph) -> list[Conflict]:
    """Every disagreement between sources, sorted by topic and subject.

    Versions from one source that differ only in time (40 killed, then about 62) are listed
    too when another source disagrees; each keeps its ``as_of``.
    """
    found: list[Conflict] = []
    found += _group(graph, _FIGURES, lambda r: f"{r.measure} toll",
                    lambda r: _figure(r))
    found += _group(graph, _FORMATIONS, lambda r: "founding date", lambda r: str(r.edtf))
    found += _group(graph, _PERPETRATORS, lambda r: "perpetrator", lambda r: short(r.agent))
    for r in texts(graph, _DISPUTED):
        found.append(Conflict("disputed", short(r.subject), [_version(r, str(r.value))]))
    found += _readings(graph)
    return sorted(found, key=lambda c: (c.topic, c.subject))


def _readings(graph: Graph) -> list[Conflict]:
    """Each ambiguous fact, with its readings side by side (the preferred one marked)."""
    fields: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows: dict[tuple[str, str], Any] = {}
    nodes = Nodes(oxigraph_of(graph))
    for r in texts(graph, _READINGS):
        key = (short(r.fact), str(r.reading))
        fields[key].append(f"{curie_local(r.predicate)} {_term(nodes, r.value)}")
        rows[key] = r
    by_fact: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (fact, reading), row in sorted(rows.items()):
        name = reading.rsplit("#reading-", 1)[-1]
        mark = " (preferred)" if str(row.preferred) == reading else ""
        version = _version(row, f"{name}{mark}: {'; '.join(sorted(fields[(fact, reading)]))}")
        by_fact[fact].append({**version, "note": str(row.note)})
    return [Conflict("ambiguous reading", _about(nodes, fact), versions) for fact, versions in by_fact.items()]


def _about(nodes: Nodes, fact: str) -> str:
    """What an ambiguous fact is about, as a conflict's subject: the entities all its readings share
    (the attack of a disputed claim); when they share none, every entity some reading names
    (accuser and accused, either way round)."""
    node = _ID + fact
    readings = nodes.out(node).get(_MKG + "reading", [])
    varied = {p for r in readings for p in nodes.out(r)}
    named = {p: {o.value for o in objects if _entity(o)} for p, objects in nodes.out(node).items()}
    shared = sorted(short(o) for p, values in named.items() if p not in varied for o in values)
    if shared:
        return " / ".join(shared)
    return " / ".join(sorted({short(o) for r in readings for objects in nodes.out(r).values() for o in objects
                              if _entity(o)}))


def _entity(term: Any) -> bool:
    """One of our entities (not a source, a date node or a reading, which all carry a fragment or src-)."""
    if not isinstance(term, ox.NamedNode):
        return False
    text = term.value
    return text.startswith(_ID) and "#" not in text and not text.startswith(_ID + "src-")


def curie_local(predicate: Any) -> str:
    """A predicate's local name (``allegedBy``), as a reading's fields are listed.

    >>> curie_local("https://w3id.org/mkg/ontology#allegedBy")
    'allegedBy'
    """
    return str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term(nodes: Nodes, value: str) -> str:
    """A reading's value as text: an id, a vocabulary notation, a date's EDTF, an interval's bounds."""
    edtf = nodes.text(value, _MKG + "edtf") if _is_iri(value) else ""
    if edtf:
        return edtf
    bounds = [(name, nodes.text(nodes.value(value, predicate), _MKG + "edtf")) if _is_iri(value) else (name, "")
              for name, predicate in (("start", _TIME + "hasBeginning"), ("end", _TIME + "hasEnd"),
                                      ("attested", _MKG + "attestedAt"))]
    if any(edtf for _, edtf in bounds):
        return " ".join(f"{name} {edtf}" for name, edtf in bounds if edtf)
    text = short(value)
    return curie_local(text) if text.startswith("http") else text


def _figure(row: Any) -> str:
    value = "" if row.value is None else str(row.value)
    qualifier = "" if str(row.qualifier) == "exact" else f"{row.qualifier} ".replace("-", " ")
    return f"{qualifier}{value}".strip()


def _version(row: Any, value: str) -> dict[str, Any]:
    as_of = getattr(row, "asOf", None)
    return {"value": value, "as_of": str(as_of or ""), "source": short(row.source),
            "fact": short(row.fact), "quote": str(row.quote)}


def _group(graph: Graph, query: str, topic: Any, value: Any) -> list[Conflict]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in texts(graph, query):
        groups[(topic(row), short(row.subject))].append(_version(row, value(row)))
    out = []
    for (name, subject), versions in groups.items():
        # Sources disagree when they do not give the same set of answers; one source giving
        # two figures for different victims (13 soldiers, dozens of civilians) is no conflict.
        by_source: dict[str, set[str]] = defaultdict(set)
        for version in versions:
            by_source[version["source"]].add(version["value"])
        if len({frozenset(values) for values in by_source.values()}) > 1:
            versions.sort(key=lambda v: (v["value"], v["source"], v["fact"]))
            out.append(Conflict(name, subject, versions))
    return out
