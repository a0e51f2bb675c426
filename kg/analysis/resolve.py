"""Find entities by any label or alias, in English or Arabic, exactly or fuzzily.

Names are matched after Arabic normalisation (:func:`kg.curate.arabic.normalize`), with and
without the definite article, and then fuzzily (rapidfuzz) for transliteration
variants such as "Khurasan"/"Khorasan". An ambiguous name returns every candidate,
best first; callers must never silently pick one.
"""

from __future__ import annotations

import contextlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from kg.atomic import write_files
from kg.curate.arabic import normalize
from kg.errors import fail
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.precomputed import of_graph
from kg.store.reader import oxigraph_of, texts
from kg.store.store import stamp_digest

Graph = Any  # a kg.store.reader.StoreGraph, or an rdflib Graph
_ID, _SKOS = PREFIXES["mkgd"], PREFIXES["skos"]
CLASSES = {PREFIXES["mkg"] + name: name for name in ("Organization", "Person", "Location", "Attack", "Event")}
"""The classes of the entities a name can mean, by IRI, and their names."""


def __getattr__(name: str) -> Any:
    """``ENTITY_CLASSES``: :data:`CLASSES` keyed by rdflib terms, made on first use (rdflib loads then)."""
    if name != "ENTITY_CLASSES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import URIRef

    classes = globals()["ENTITY_CLASSES"] = {URIRef(cls): kind for cls, kind in CLASSES.items()}
    return classes


FUZZY_FLOOR = 80
"""Below this rapidfuzz score a label is not offered as a match."""
AMBIGUITY_MARGIN = 5
"""Candidates within this many points of the best one make a name ambiguous."""
_ARTICLE = re.compile(r"(^| )ال")
_PUNCT = re.compile(r"[\"'()\[\]«»،,.:;!?\-–_/]")


def match_key(text: str) -> str:
    """The form names are compared in: normalised, no punctuation, no definite article.

    >>> match_key("الدولة الإسلامية") == match_key("دولة اسلامية")
    True
    >>> match_key("ISIS-K")
    'isis k'
    """
    folded = _PUNCT.sub(" ", normalize(text))
    folded = _ARTICLE.sub(r"\1", folded)
    return " ".join(folded.split())


@dataclass(frozen=True)
class Candidate:
    """An entity a name may refer to."""

    id: str
    iri: str
    type: str
    label_en: str
    label_ar: str
    note: str
    score: float
    matched: str
    active: str = ""
    how: str = "exact"  # exact | unqualified | words | fuzzy: see :data:`HOW`

    def why(self) -> str:
        """How the name matched, for a person: ``matched 'ISIS-K' fuzzily (92)``."""
        return f"matched {self.matched!r} {HOW[self.how].format(score=self.score)}"


HOW = {"exact": "exactly", "unqualified": "exactly but for its parenthesis",
       "words": "as whole words", "fuzzy": "fuzzily ({score:.0f})"}
"""How a name can match one of an entity's names, best first."""
UNQUALIFIED_SCORE = 98.0
"""A name equal to a label without its parenthesis ("Islamic State" for "Islamic State (ISIS)"):
above any fuzzy or whole-word match (90), below an exact one, so an import never links on it."""
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class Reading:
    """The one entity a name was read as, and a note when it was not read exactly."""

    iri: str
    note: str = ""


@dataclass
class Resolution:
    """The result of resolving one name."""

    query: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """More than one candidate scores close to the best."""
        if len(self.candidates) < 2:
            return False
        return self.candidates[1].score >= self.candidates[0].score - AMBIGUITY_MARGIN

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


_ENTITIES = """
  { VALUES ?cls { mkg:Organization mkg:Person mkg:Location mkg:Event } ?entity a ?cls FILTER (isIRI(?entity)) }
  # attacks by name are the curated ones (labelled in Arabic too); an imported incident is
  # found by its row, not by name: there may be 200,000 of them
  UNION { ?entity a mkg:Attack ; skos:prefLabel ?arabic . FILTER (lang(?arabic) = "ar") BIND (mkg:Attack AS ?cls) }"""
_NAMES = "SELECT ?entity ?cls WHERE {" + _ENTITIES + "}"
_LABELS = ("SELECT ?entity ?name WHERE {" + _ENTITIES
           + "\n  ?entity skos:prefLabel|skos:altLabel|mkg:transliteration ?name }")


INDEX = Path(".kg") / "names.json"
"""The name index of the store, cached beside it (see :func:`project_index`)."""
INDEX_FORMAT = 2
"""Bumped when the index's shape changes, so an older cache is made anew."""


def name_index(graph: Graph) -> dict[str, Any]:
    """Every entity's type, and each of its names with the key it is matched by."""
    types: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for row in texts(graph, _NAMES):
        types[row.entity] = CLASSES[row.cls]
        names[row.entity] = {row.entity.removeprefix(_ID)}
    for row in texts(graph, _LABELS):
        if row.entity in names:
            names[row.entity].add(row.name)
    rows = [[key, entity, text] for entity in sorted(names) for text in sorted(names[entity])
            for key in [match_key(text)] if key]
    # "Islamic State (ISIS)" is also found as "Islamic State": the rows of labels without their parenthesis
    unqualified = [[key, entity, text] for _, entity, text in rows if "(" in text
                   for key in [match_key(_PARENTHESIS.sub("", text))] if key and key != match_key(text)]
    return {"format": INDEX_FORMAT, "types": types, "names": rows + unqualified, "unqualified": len(rows)}


def project_index(root: Path, graph: Graph, *, digest: str | None = None) -> dict[str, Any]:
    """The name index of the project's store, read from ``.kg/names.json`` when it is current.

    Made from the store the first time (after ``kg build``, or when the store changed) and
    kept beside it under the store's digest: a command then starts in milliseconds instead
    of reading every label of 200,000 imported incidents (4 s). A cache that cannot be
    written (a read-only folder) is simply not kept.
    """
    digest = stamp_digest(root) if digest is None else digest  # "": the graph's digest is unknown, no cache
    path = root / INDEX
    try:
        cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if digest and cached.get("digest") == digest and cached.get("format") == INDEX_FORMAT:
            return cached
    except (OSError, ValueError):
        pass
    index = {"digest": digest, **name_index(graph)}
    if digest:
        with contextlib.suppress(OSError):
            write_files(path.parent, {path.name: json.dumps(index, ensure_ascii=False).encode("utf-8")})
    return index


class Resolver:
    """An index of every entity's labels, aliases and transliterations."""

    def __init__(self, graph: Graph, index: dict[str, Any] | None = None, *,
                 load: Callable[[], dict[str, Any]] | None = None) -> None:
        """A resolver over ``graph``'s names: ``index``, else the one ``load`` makes on first need, else the graph's.

        With ``load``, a name that is exactly an entity's id is read from the store without
        the index (parsing it was 0.03-0.05 s of each command on 200,000 imported incidents).
        """
        self.graph = graph
        self._nodes: Nodes | None = None
        self._load = load
        self._types: dict[str, str] = {}
        if index is not None or load is None:
            self._use(index if index is not None else name_index(graph))

    def _ready(self) -> None:
        """Read the name index, if it was left to be loaded on first need."""
        if self._load is not None:
            load, self._load = self._load, None
            self._use(load())

    def _use(self, found: dict[str, Any]) -> None:
        self._types = found["types"]
        self._keys: list[str] = [key for key, _, _ in found["names"]]
        self._owners: list[tuple[str, str]] = [(entity, text) for _, entity, text in found["names"]]
        self._padded = "".join(f" {key} \n" for key in self._keys)  # for whole-word search, see _scores
        self._starts = list(accumulate((len(key) + 3 for key in self._keys[:-1]), initial=0))
        self._unqualified: int = found.get("unqualified", len(self._keys))  # rows from here on: see name_index

    @classmethod
    def for_project(cls, root: Path, graph: Graph, *, digest: str | None = None) -> Resolver:
        """The resolver of a project's store, its name index read from the cache when current.

        ``digest`` is the store's (by default the last build's, from its stamp).
        """
        return cls(graph, load=lambda: project_index(root, graph, digest=digest))

    def resolve(self, name: str, *, types: tuple[str, ...] = (), limit: int = 10, active: bool = True) -> Resolution:
        """Every entity ``name`` may refer to, best match first.

        Exact matches of the normalised name (or the id) score 100; otherwise the
        best fuzzy score of any of the entity's names counts. ``active`` adds each
        candidate's active years (one query each: :meth:`one` does without them).
        """
        key = match_key(name)
        best: dict[str, tuple[float, float, str, str]] = {}
        if not key:
            return Resolution(name)
        self._ready()
        for index, score in self._scores(key).items():
            entity, text = self._owners[index]
            if types and self._types[entity] not in types:
                continue
            how = _how(key, self._keys[index])
            if how == "exact" and index >= self._unqualified:
                score, how = UNQUALIFIED_SCORE, "unqualified"
            # among equal scores (several names holding the word), the name closest to the one
            # asked ranks first: "Iran's Khorasan" before "ISIS-Khorasan's deadly attacks in ..."
            closeness = fuzz.ratio(key, self._keys[index])
            if (score, closeness) > best.get(entity, (-1.0, -1.0, "", ""))[:2]:
                best[entity] = (score, closeness, text, how)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:limit]
        return Resolution(name, [self._candidate(e, s, t, h, active) for e, (s, _, t, h) in ranked])

    def _scores(self, key: str) -> dict[int, float]:
        """The :func:`_score` of each name that reaches :data:`FUZZY_FLOOR`, by its position.

        Only the names that can reach it are scored in Python: those rapidfuzz's own ratio
        puts at or above the floor (native code, over every name), and those holding the
        key as whole words (a search of all names at once). Scoring all 16,000 names of a
        200,000-incident store in Python took 0.1 s a name asked.
        """
        found = {index for _, _, index in process.extract(key, self._keys, scorer=fuzz.ratio, limit=None,
                                                          score_cutoff=FUZZY_FLOOR)}
        needle, position = f" {key} ", self._padded.find(f" {key} ")
        while position >= 0:
            found.add(bisect_right(self._starts, position) - 1)
            position = self._padded.find(needle, position + 1)
        scores = {index: _score(key, self._keys[index]) for index in found}
        return {index: score for index, score in scores.items() if score >= FUZZY_FLOOR}

    def one(self, name: str, *, types: tuple[str, ...] = ()) -> Any:
        """The single entity a name refers to, as an rdflib ``URIRef``; a one-line error when none or several.

        :meth:`choose` gives its IRI as text, without loading rdflib.
        """
        from rdflib import URIRef

        return URIRef(self.choose(name, types=types).iri)

    def choose(self, name: str, *, types: tuple[str, ...] = (), purpose: str = "") -> Reading:
        """The single entity a name refers to, with a note when it was read fuzzily.

        Raises a one-line error (exit 2) when no entity matches, when several do (each
        with how it matched), or when the name is exactly an entity of another type than
        ``types`` (``purpose`` says what the command needs, e.g. "lineage is for organizations").
        """
        iri = _ID + name.strip()
        kind = self._id_type(iri)
        if kind is not None and (not types or kind in types):
            return Reading(iri)  # an id names one entity, even when an imported label reads the same
        result = self.resolve(name, types=types, active=False)
        if types and (result.best is None or result.best.how != "exact"):
            wrong = (name.strip(), kind) if kind else self._exact_elsewhere(name, types)
            if wrong:
                raise fail(name, f"{wrong[0]} is a {wrong[1]}; {purpose or 'this needs ' + ' or '.join(types)}",
                           hint="kg resolve lists every entity a name may mean", exit_code=2)
        if result.best is None:
            raise fail(name, "no entity matches this name",
                       hint="try kg resolve with a shorter name or another spelling", exit_code=2)
        if result.ambiguous:
            close = [c for c in result.candidates if c.score >= result.candidates[0].score - AMBIGUITY_MARGIN]
            listing = "; ".join(f"{c.id} ({c.type}: {c.label_en}; {c.why()})" for c in close)
            raise fail(name, f"ambiguous name: {listing}",
                       hint="pass one of these ids instead", exit_code=2)
        best = result.best
        note = "" if best.how == "exact" else f"read {name!r} as {best.id} ({best.why()})"
        return Reading(best.iri, note)

    def _exact_elsewhere(self, name: str, types: tuple[str, ...]) -> tuple[str, str] | None:
        """The id and type of the entity ``name`` exactly names, when it is of none of ``types``."""
        other = self.resolve(name, active=False).best
        if other is None or other.how != "exact" or other.type in types:
            return None
        return other.id, other.type

    def _id_type(self, iri: str) -> str | None:
        """The type of the entity with this IRI, as the name index has it, read from the store while that is unloaded.

        An entity is what :data:`_ENTITIES` finds: of one of :data:`CLASSES`, and an attack
        only when labelled in Arabic (a curated one). A term of several of those classes is
        left to the index.
        """
        if self._load is None:
            return self._types.get(iri)
        if self._nodes is None:
            self._nodes = Nodes(oxigraph_of(self.graph))
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # "Islamic State": no IRI, so no id
            return None
        kinds = {CLASSES.get(cls.value) for cls in self._nodes.out(node).get(PREFIXES["rdf"] + "type", [])} - {None}
        if kinds == {"Attack"} and "ar" not in self._nodes.labels(node, _SKOS + "prefLabel"):
            return None
        if len(kinds) > 1:
            self._ready()
            return self._types.get(iri)
        return kinds.pop() if kinds else None

    def type_of(self, entity_id: str) -> str | None:
        """The type of an entity by its id (``Organization``…), or ``None`` when the store has no such entity."""
        return self._id_type(_ID + entity_id)

    def describe(self, entity_id: str, *, active: bool = True) -> Candidate | None:
        """An entity as a candidate (labels, note, type, active years), by its id; ``None`` if unknown."""
        if self.type_of(entity_id) is None:
            return None
        return self._candidate(_ID + entity_id, 100.0, entity_id, "exact", active)

    def _candidate(self, entity: str, score: float, matched: str, how: str, active: bool) -> Candidate:
        if self._nodes is None:
            self._nodes = Nodes(oxigraph_of(self.graph))
        labels = self._nodes.labels(entity, _SKOS + "prefLabel")
        notes = self._nodes.labels(entity, _SKOS + "scopeNote")
        return Candidate(
            id=entity.removeprefix(_ID), iri=entity, type=self._id_type(entity) or "",
            label_en=labels.get("en", ""), label_ar=labels.get("ar", ""),
            note=notes.get("en", ""), score=round(score, 1), matched=matched,
            active=active_years(self.graph, entity) if active else "", how=how,
        )


def _how(query: str, choice: str) -> str:
    """Which of :data:`HOW` a name key matched a name by (``_score`` gives its score)."""
    if query == choice:
        return "exact"
    return "words" if f" {query} " in f" {choice} " and len(query) >= 4 else "fuzzy"


def _score(query: str, choice: str, **_: object) -> float:
    if query == choice:
        return 100.0
    # Whole-word containment ("khorasan" in "islamic state khorasan") beats edit distance,
    # but ranks below an exact match.
    if f" {query} " in f" {choice} " and len(query) >= 4:
        return 90.0
    return float(fuzz.ratio(query, choice))


def active_years(graph: Graph, entity: Any) -> str:
    """The span of years of the dated facts that involve an entity, e.g. ``2014-2024``.

    Precomputed where the records are made, at the build and at each import
    (:mod:`kg.store.precomputed`): gathered here, one imported group's 9,490 claims took
    0.18 s a candidate.
    """
    years = of_graph(graph).years(entity.value if isinstance(entity, ox.NamedNode) else str(entity))
    if years is None:
        return ""
    first, last = years
    return first if first == last else f"{first}-{last}"
