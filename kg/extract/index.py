"""The alias index: every label, alias and transliteration of the built graph, by name key.

Keys are :func:`kg.extract.text.name_key` forms (the resolver's normalisation, word by
word, without the definite article). :meth:`AliasIndex.from_graph` can leave out the
entities that only one source mentions, to score extraction on that source as if it
were new (``exclude_source``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from kg.analysis.resolve import ENTITY_CLASSES
from kg.curate.arabic import normalize
from kg.extract.rules import Rules
from kg.extract.text import ARTICLE, name_key
from kg.namespaces import ID, MKG

GEO_WITHIN = URIRef("http://www.opengis.net/ont/geosparql#sfWithin")
GEO_OVERLAPS = URIRef("http://www.opengis.net/ont/geosparql#sfOverlaps")


def short(node: object) -> str:
    return str(node).removeprefix(str(ID))


@dataclass(frozen=True)
class Known:
    """An entity of the built graph, as extraction needs it."""

    id: str
    type: str
    label_en: str = ""
    label_ar: str = ""
    weight: int = 0
    date: str | None = None
    place: str | None = None
    kind: str = ""


@dataclass
class AliasIndex:
    """Name keys to the entities they may mean."""

    entities: dict[str, Known] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    acronyms: set[str] = field(default_factory=set)
    labels: set[tuple[str, str]] = field(default_factory=set)
    article: dict[str, bool] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    adjectives: set[str] = field(default_factory=set)
    parents: dict[str, set[str]] = field(default_factory=dict)
    max_words: int = 1

    @classmethod
    def from_graph(cls, graph: Graph, *, rules: Rules | None = None,
                   exclude_source: str | None = None) -> AliasIndex:
        """Index a built graph; with ``rules``, adjectives of places (demonyms) too.

        With ``exclude_source``, entities that no other source mentions are left out:
        they would be unknown if that source were new.
        """
        index = cls()
        types: dict[URIRef, str] = {}
        for cls_iri, name in ENTITY_CLASSES.items():
            for entity in graph.subjects(RDF.type, cls_iri):
                if isinstance(entity, URIRef):
                    types[entity] = name
        mentioned: dict[URIRef, set[str]] = defaultdict(set)
        for mention in graph.subjects(RDF.type, MKG.Mention):
            for entity in graph.objects(mention, MKG.entity):
                for source in graph.objects(mention, PROV.wasDerivedFrom):
                    mentioned[entity].add(short(source))  # type: ignore[index]
        for entity, kind in sorted(types.items()):
            if exclude_source and not (mentioned.get(entity, set()) - {exclude_source}):
                continue
            index._add(graph, entity, kind)
        if rules is not None:
            for name, means in rules.synonyms:
                if index.keys.get(name_key(means)):
                    index.keys[name_key(name)] |= index.keys[name_key(means)]
            index._add_demonyms(rules)
        index.max_words = max((len(k.split()) for k in index.keys), default=1)
        for key in index.keys:
            words = key.split()
            index.prefixes.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
        for place in list(index.entities):
            index.parents[place] = _ancestors(graph, ID[place])
        return index

    def _add(self, graph: Graph, entity: URIRef, kind: str) -> None:
        labels = {getattr(lab, "language", None): str(lab) for lab in graph.objects(entity, SKOS.prefLabel)}
        date = next((str(e) for d in graph.objects(entity, MKG.date) for e in graph.objects(d, MKG.edtf)), None)
        place = next((short(p) for p in graph.objects(entity, MKG.place)), None)
        weight = sum(1 for _ in graph.subject_predicates(entity))
        eid = short(entity)
        kinds = [str(k).rsplit("/", 1)[-1].split("-", 1)[-1]
                 for p in (MKG.locationKind, MKG.organizationKind, MKG.attackKind) for k in graph.objects(entity, p)]
        self.entities[eid] = Known(eid, kind, labels.get("en", ""), labels.get("ar", ""), weight, date, place,
                                   kinds[0] if kinds else "")
        names = {eid}
        for predicate in (SKOS.prefLabel, SKOS.altLabel, MKG.transliteration):
            names.update(str(label) for label in graph.objects(entity, predicate))
        for text in names:
            key = name_key(text)
            if not key:
                continue
            if " " not in key:
                written = normalize(text).startswith(ARTICLE)
                self.article[key] = self.article.get(key, True) and written
            self.keys[key].add(eid)
            if text in labels.values():
                self.labels.add((key, eid))
            if text.isascii() and text.replace("-", "").isupper() and len(key) <= 5:
                self.acronyms.add(key)

    def _add_demonyms(self, rules: Rules) -> None:
        """"ألمانيا" -> "ألماني", "الألمانية"...: adjectives of one-word place names."""
        spec = rules.demonyms
        found: dict[str, set[str]] = defaultdict(set)
        for key, owners in self.keys.items():
            for eid in owners:
                place = self.entities[eid]
                if place.type not in ("Location", "Organization") or place.kind not in spec["kinds"] or " " in key \
                        or key.isascii():  # Arabic endings only make adjectives of Arabic names
                    continue
                for name in {key, *(normalize(n) for n in (place.label_ar,) if n and " " not in normalize(n))}:
                    bases = {name} | {name[: -len(s)] for s in spec["strip"]
                                      if name.endswith(s) and len(name) - len(s) >= 3}
                    found.update({b + a: found[b + a] | {eid} for b in bases for a in spec["add"]})
        for key, owners in found.items():
            if key not in self.keys:
                self.keys[key] = set(owners)
                self.adjectives.add(key)

    def needs_article(self, key: str) -> bool:
        """A one-word name every label writes with the definite article (القاعدة: not "a base")."""
        return self.article.get(key, False)

    def lookup(self, key: str) -> set[str]:
        return self.keys.get(key, set())

    def is_label(self, key: str, entity: str) -> bool:
        return (key, entity) in self.labels

    def latin_keys(self) -> list[str]:
        return sorted(k for k in self.keys if k.isascii() and len(k) >= 5)


def _ancestors(graph: Graph, node: URIRef) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        for parent in (*graph.objects(current, GEO_WITHIN), *graph.objects(current, GEO_OVERLAPS)):
            name = short(parent)
            if name not in seen:
                seen.add(name)
                stack.append(parent)  # type: ignore[arg-type]
    return seen
