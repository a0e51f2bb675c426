"""What a generation of the store keeps precomputed: each perpetrator's attacks by date, each entity's active years.

Two answers the query commands would otherwise work out from thousands of triples each
time: ``kg attacks --by`` listed a group's attacks earliest first by reading every one of
them and its date (0.4 s for the 9,490 of one group among 200,000 imported incidents, to
show 50), and ``kg resolve`` gathered every dated fact naming each candidate (0.18 s for
that group). Both are worked out where the records are made, as a :class:`Summary` of
their triples: by ``kg import gtd`` for each dataset (``imports/<id>.summary.json``, in
the same generation of ``imports/`` as its N-Triples), and by ``kg build`` for the curated
graph. The store load puts the summaries of everything it loads into ``precomputed.sqlite``
in the new generation's folder, so the index is published, and retired, with the store
it describes (:mod:`kg.store.generations`). A dataset whose summary is missing, or was
made from other N-Triples, is summarised again from its file.

A graph held in memory (an rdflib ``Graph``: tests, the exports) is summarised the same
way into an in-memory database: every caller asks the one :class:`Precomputed`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pyoxigraph as ox

from kg.atomic import write_files
from kg.namespaces import PREFIXES
from kg.store.reader import oxigraph_of

FILE = "precomputed.sqlite"
"""The index in a generation's folder."""
SUFFIX = ".summary.json"
"""A dataset's summary beside its N-Triples: ``imports/<id>.summary.json``."""
FORMAT = 2
"""Bumped when a summary's shape changes, so an older one is made anew."""
UNDATED = "9999"
"""The sort key of an undated attack: after every dated one."""

_MKG, _ID = PREFIXES["mkg"], PREFIXES["mkgd"]
_ATTACK, _PERPETRATOR = _MKG + "attack", _MKG + "perpetrator"
_DATE, _AS_OF, _EARLIEST, _LATEST = _MKG + "date", _MKG + "asOf", _MKG + "earliest", _MKG + "latest"
_DURING = PREFIXES["org"] + "memberDuring"
_BOUNDS = {PREFIXES["time"] + "hasBeginning", PREFIXES["time"] + "hasEnd"}
_TYPE = PREFIXES["rdf"] + "type"
LISTING_OWN = (PREFIXES["skos"] + "prefLabel", *(_MKG + name for name in ("date", "place", "outcome", "recordId")))
"""What a listing of attacks reads of an attack itself (:func:`kg.analysis.attacks.details`)."""
LISTING_FACT = (_TYPE, PREFIXES["prov"] + "wasDerivedFrom", *(_MKG + name for name in (
    "claimStatus", "claimedBy", "channel", "quote", "preferredReading", "perpetrator", "measure", "count",
    "qualifier", "victims", "asOf", "reportedBy")))
"""And of each claim or casualty report on it."""
_LISTED = {predicate: code for code, predicate in enumerate(dict.fromkeys(LISTING_OWN + LISTING_FACT))}
_PREDICATES = list(_LISTED)
_SCHEMA = """
CREATE TABLE attack (agent TEXT, day TEXT, id TEXT, iri TEXT, earliest TEXT, latest TEXT,
                     PRIMARY KEY (agent, day, id)) WITHOUT ROWID;
CREATE TABLE active (entity TEXT PRIMARY KEY, first TEXT, last TEXT) WITHOUT ROWID;
CREATE TABLE answer (name TEXT PRIMARY KEY, data TEXT) WITHOUT ROWID;
CREATE TABLE listing (iri TEXT PRIMARY KEY, data TEXT) WITHOUT ROWID;
"""


@dataclass
class Summary:
    """The triples of one unit (the curated graph, or one dataset) as the two precomputed answers.

    ``attacks``: ``[agent, attack, earliest, latest]`` for every subject with an
    ``mkg:attack`` and an ``mkg:perpetrator`` (a claim or attribution), the attack's days
    the widest of its dates (``None`` when undated). ``years``: for every term named by a
    dated fact (``mkg:date``, ``mkg:asOf``, ``org:memberDuring``), or dated itself, the first
    and last year of those dates, as :func:`kg.analysis.resolve.active_years` reads them.
    """

    attacks: list[list[str | None]] = field(default_factory=list)
    years: dict[str, list[str]] = field(default_factory=dict)
    listing: dict[str, list[Any]] = field(default_factory=dict)
    """Each attack's triples a listing reads (:data:`LISTING_OWN`, and :data:`LISTING_FACT` of
    each fact on it), as ``[own, [[fact, pairs], ...]]``, each pair ``[predicate code, term]``
    (:func:`_encode`), so ``kg attacks --limit 0`` reads an attack in one row, not a dozen lookups."""
    touched: list[str] = field(default_factory=list)
    """The terms whose listing this unit adds to without holding it: attacks its facts are on,
    and nodes it gives listed triples to but no type. An attack a second unit touches is read
    from the store, not from :attr:`listing`."""

    def merge(self, other: Summary) -> None:
        """Add another unit's answers (an entity's years widen; an attack touched twice loses its listing)."""
        self.attacks += other.attacks
        for entity, (first, last) in other.years.items():
            known = self.years.get(entity)
            self.years[entity] = [min(first, known[0]), max(last, known[1])] if known else [first, last]
        mine, theirs = self._terms(), other._terms()
        both = set(self.listing).intersection(other.listing)
        shared = {attack for attack, record in self.listing.items() if _terms_of(attack, record) & theirs}
        shared |= {attack for attack, record in other.listing.items() if _terms_of(attack, record) & mine}
        self.listing.update(other.listing)
        for attack in shared | both:
            self.listing.pop(attack, None)
        self.touched = sorted(set(self.touched) | set(other.touched) | shared | both)

    def _terms(self) -> set[str]:
        """Every term this unit's listings or touches are about."""
        found = set(self.touched)
        for attack, record in self.listing.items():
            found |= _terms_of(attack, record)
        return found

    def as_json(self, nt_sha256: str) -> bytes:
        """The summary as a dataset's ``.summary.json``, naming the N-Triples it was made from."""
        return json.dumps({"format": FORMAT, "nt_sha256": nt_sha256, "attacks": self.attacks,
                           "years": self.years, "listing": self.listing, "touched": self.touched},
                          separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _blank(attack: str, listed: dict[str, list[list[Any]]], facts: list[list[Any]]) -> bool:
    """Whether a blank node is part of the attack's listing: its label in a store is not the one parsed, so it is not kept."""
    pairs = [*listed.get(attack, []), *(pair for _, fact_pairs in facts for pair in fact_pairs)]
    return attack.startswith("_:") or any(fact.startswith("_:") for fact, _ in facts) or any(
        text.startswith("<_:") for _, text in pairs)


def _terms_of(attack: str, record: list[Any]) -> set[str]:
    return {attack, *(fact for fact, _ in record[1])}


def _encode(term: Any) -> str:
    """A term as short text: ``<iri``, ``>id`` for one of ours, ``"lang"value`` for a literal (its datatype left out)."""
    if type(term) is ox.Literal:  # noqa: E721
        return f'"{term.language or ""}"{term.value}'
    value = _key(term)
    return ">" + value[len(_ID):] if value.startswith(_ID) else "<" + value


def decode(text: str) -> Any:
    """The pyoxigraph term :func:`_encode` gave as text (a literal as a plain or language-tagged string)."""
    if text[0] == '"':
        end = text.index('"', 1)
        return ox.Literal(text[end + 1:], language=text[1:end] or None)
    if text[0] == ">":
        return ox.NamedNode(_ID + text[1:])
    return ox.BlankNode(text[3:]) if text.startswith("<_:") else ox.NamedNode(text[1:])


def listed_pairs(pairs: list[list[Any]]) -> dict[str, list[Any]]:
    """A listing's ``[code, term]`` pairs as a node's objects by predicate IRI (:meth:`kg.store.nodes.Nodes.out`)."""
    out: dict[str, list[Any]] = {}
    for code, text in pairs:
        out.setdefault(_PREDICATES[code], []).append(decode(text))
    return out


@dataclass
class Parts:
    """What a summary is made of, gathered from triples in any order, in one or several pieces.

    Each subject's own triples must be in the same piece (an imported row's are); the
    nodes they point at (dates, periods) may be in any piece: :meth:`summary` joins them.
    """

    bounds: dict[str, list[str | None]] = field(default_factory=dict)  # date node: [earliest, latest]
    periods: dict[str, set[str]] = field(default_factory=dict)  # period node: its beginning and end date nodes
    dated: dict[str, set[str]] = field(default_factory=dict)  # fact: its date and period nodes
    named: dict[str, set[str]] = field(default_factory=dict)  # term: the date and period nodes of facts naming it
    claims: list[tuple[str, str]] = field(default_factory=list)  # (agent, attack)
    dates: dict[str, set[str]] = field(default_factory=dict)  # term (an attack): its own date nodes
    listed: dict[str, list[list[Any]]] = field(default_factory=dict)  # attack or fact: its listed pairs
    attack_nodes: set[str] = field(default_factory=set)  # subjects typed mkg:Attack
    on_attack: dict[str, str] = field(default_factory=dict)  # fact: the attack it is on
    touched: set[str] = field(default_factory=set)  # see Summary.touched

    def add(self, triples: Iterable[ox.Triple]) -> None:
        """Gather one piece: the triples of some subjects, all of each."""
        edges: dict[str, list[str]] = {}
        attack: dict[str, str] = {}
        agents: dict[str, list[str]] = {}
        listed: dict[str, list[list[Any]]] = {}
        typed: set[str] = set()
        for triple in triples:
            p, o = triple.predicate.value, triple.object
            code = _LISTED.get(p)
            if code is not None:
                listed.setdefault(_key(triple.subject), []).append([code, _encode(o)])
            if type(o) is ox.Literal:  # noqa: E721 (the exact class: this loop sees every triple of an import)
                if p in (_EARLIEST, _LATEST):
                    self.bounds.setdefault(_key(triple.subject), [None, None])[p == _LATEST] = o.value
                continue
            s, target = _key(triple.subject), _key(o)
            if p == _TYPE:
                typed.add(s)
                if target == _MKG + "Attack":
                    self.attack_nodes.add(s)
            if p in (_DATE, _AS_OF, _DURING):
                self.dated.setdefault(s, set()).add(target)
                if p == _DATE:
                    self.dates.setdefault(s, set()).add(target)
            elif p in _BOUNDS:
                self.periods.setdefault(s, set()).add(target)
            if p == _ATTACK:
                attack[s] = target
            elif p == _PERPETRATOR:
                agents.setdefault(s, []).append(target)
            edges.setdefault(s, []).append(target)
        for fact, named in edges.items():  # a dated fact dates every term it names ("?fact ?p ?entity")
            dated = self.dated.get(fact)
            if dated:
                for entity in named:
                    self.named.setdefault(entity, set()).update(dated)
        self.claims += [(agent, attack[fact]) for fact, found in agents.items() if fact in attack for agent in found]
        self.on_attack.update(attack)
        for subject, pairs in listed.items():
            if subject in self.attack_nodes or subject in attack:
                self.listed[subject] = pairs
            elif subject not in typed:  # adds to a node held elsewhere
                self.touched.add(subject)

    def merge(self, other: Parts) -> None:
        """Add the parts gathered from another piece."""
        for node, pair in other.bounds.items():
            known = self.bounds.setdefault(node, [None, None])
            known[0], known[1] = known[0] or pair[0], known[1] or pair[1]
        for mine, theirs in ((self.periods, other.periods), (self.dated, other.dated),
                             (self.named, other.named), (self.dates, other.dates)):
            for key, values in theirs.items():
                mine.setdefault(key, set()).update(values)
        self.claims += other.claims
        self.listed.update(other.listed)
        self.attack_nodes |= other.attack_nodes
        self.on_attack.update(other.on_attack)
        self.touched |= other.touched

    def summary(self) -> Summary:
        """The pieces joined: each claim's attack dated, each term's years."""
        def days(node: str) -> list[list[str | None]]:
            if node in self.bounds:
                return [self.bounds[node]]
            return [self.bounds[n] for n in self.periods.get(node, ()) if n in self.bounds]

        spans: dict[str, tuple[str | None, str | None]] = {}
        for attack, nodes in self.dates.items():
            pairs = [pair for node in nodes for pair in days(node)]
            earliest = [e for e, _ in pairs if e is not None]
            latest = [la for _, la in pairs if la is not None]
            spans[attack] = (min(earliest) if earliest else None, max(latest) if latest else None)
        attacks = [[agent, attack, *spans.get(attack, (None, None))]
                   for agent, attack in sorted(set(self.claims))]
        years: dict[str, list[str]] = {}
        for term in sorted({*self.named, *self.dates}):  # in order: the same triples give the same bytes
            nodes = self.named.get(term, set()) | self.dates.get(term, set())
            bounds = sorted(b[:4] for node in nodes for pair in days(node) for b in pair if b is not None)
            if bounds and not term.startswith("_:"):
                years[term] = [bounds[0], bounds[-1]]
        facts: dict[str, list[list[Any]]] = {}
        for fact, on in sorted(self.on_attack.items()):
            facts.setdefault(on, []).append([fact, self.listed.get(fact, [])])
        listing = {attack: [self.listed.get(attack, []), facts.get(attack, [])]
                   for attack in sorted(self.attack_nodes) if not _blank(attack, self.listed, facts.get(attack, []))}
        touched = {on for on in self.on_attack.values() if on not in self.attack_nodes} | self.touched
        return Summary(attacks, years, listing, sorted(touched))


def _key(term: Any) -> str:
    """A term as a dictionary key: an IRI as itself, a blank node as ``_:id`` (an IRI never starts so)."""
    return term.value if type(term) is ox.NamedNode else f"_:{term.value}"  # noqa: E721



def summarize(triples: Iterable[ox.Triple]) -> Summary:
    """The summary of a whole unit's triples."""
    parts = Parts()
    parts.add(triples)
    return parts.summary()


def summarize_file(path: Path) -> Summary:
    """The summary of an N-Triples file."""
    return summarize(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def dataset_summary(nt: Path) -> Summary:
    """An imported dataset's summary: its ``.summary.json`` when made from these N-Triples, else from the file."""
    sidecar = nt.with_name(nt.stem + SUFFIX)
    try:
        stored = json.loads(sidecar.read_bytes())
    except (OSError, ValueError):
        stored = None
    if isinstance(stored, dict) and stored.get("format") == FORMAT:
        digest = hashlib.sha256()
        with nt.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        if stored.get("nt_sha256") == digest.hexdigest():
            return Summary(stored["attacks"], stored["years"], stored["listing"], stored["touched"])
    return summarize_file(nt)


def write(path: Path, summary: Summary, answers: dict[str, Any] | None = None) -> None:
    """Write ``summary`` as the index at ``path``, whole or not at all (:func:`kg.atomic.write_files`).

    ``answers`` are whole answers worked out from the loaded store, by name, kept as JSON
    (``relations``: every relation of :func:`kg.analysis.relations.relations`).
    """
    db = Precomputed.of(summary, answers).db
    data = db.serialize()
    db.close()
    write_files(path.parent, {path.name: data})


def _fill(db: sqlite3.Connection, summary: Summary, answers: dict[str, Any]) -> None:
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO answer VALUES (?, ?)",
                   [(name, json.dumps(data, ensure_ascii=False, separators=(",", ":"))) for name, data in answers.items()])
    db.executemany("INSERT OR IGNORE INTO attack VALUES (?, ?, ?, ?, ?, ?)",
                   [(agent, earliest or UNDATED, str(attack).removeprefix(_ID), attack, earliest, latest)
                    for agent, attack, earliest, latest in summary.attacks])
    db.executemany("INSERT INTO active VALUES (?, ?, ?)", [(e, f, la) for e, (f, la) in summary.years.items()])
    touched = set(summary.touched)
    db.executemany("INSERT INTO listing VALUES (?, ?)",
                   [(attack, json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                    for attack, record in summary.listing.items() if not _terms_of(attack, record) & touched])


_IN_MEMORY: WeakKeyDictionary[Any, tuple[Any, Precomputed]] = WeakKeyDictionary()


def of_graph(graph: Any) -> Precomputed:
    """The precomputed answers for a graph: its generation's index, else made from its triples.

    A graph over the store knows its generation (:class:`kg.store.reader.StoreGraph`, or a
    view from :func:`kg.store.store.graph_of`); any other graph (an rdflib graph held in
    memory: tests, the exports) is summarised from its Oxigraph copy.
    """
    found = _generation_index(graph)
    if found is not None:
        return found
    store = oxigraph_of(graph)
    known = _IN_MEMORY.get(graph)
    if known is None or known[0] is not store:
        known = _IN_MEMORY[graph] = (store, Precomputed.of(summarize(
            quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))))
    return known[1]


def stored_answer(graph: Any, name: str) -> Any:
    """The answer ``name`` from the index of the generation ``graph`` reads, or ``None``.

    Unlike :func:`of_graph`, a graph with no generation (held in memory) gets ``None``
    rather than an index made for it: the caller then works the answer out itself.
    """
    found = _generation_index(graph)
    return found.answer(name) if found is not None else None


def _generation_index(graph: Any) -> Precomputed | None:
    """The index of the store generation ``graph`` reads, opened once per view; ``None`` without one."""
    view = getattr(graph, "store", None)
    found: Precomputed | None = getattr(view, "precomputed", None)
    if found is None and getattr(view, "folder", None) is not None:
        found = view.precomputed = Precomputed.open(view.folder)  # type: ignore[union-attr]
    return found


class Precomputed:
    """The precomputed answers of one graph: a generation's index, or one made in memory."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def open(cls, folder: Path) -> Precomputed | None:
        """The index of the generation in ``folder`` (read-only), or ``None`` when it has none."""
        path = folder / FILE
        if not path.is_file():
            return None
        # read-only and never changed: one connection serves every thread of kg serve
        return cls(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False))

    @classmethod
    def of(cls, summary: Summary, answers: dict[str, Any] | None = None) -> Precomputed:
        """An index held in memory."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        with db:
            _fill(db, summary, answers or {})
        return cls(db)

    def answer(self, name: str) -> Any:
        """The whole answer kept under ``name`` (parsed JSON), or ``None`` when this index has none."""
        try:
            row = self.db.execute("SELECT data FROM answer WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # an index written before it kept answers
            return None
        return json.loads(row[0]) if row else None

    def attacks_by(self, agents: Iterable[str], *, after: str | None = None, before: str | None = None,
                   dated_only: bool = False) -> list[tuple[str, str | None]]:
        """The attacks of any of ``agents`` (IRIs), earliest first, undated last: ``(iri, earliest)`` each.

        The window keeps attacks whose days could fall in it: ``after`` and ``before`` are ISO
        days; an undated attack may fall in any window, unless ``dated_only``.
        """
        asked = sorted(set(agents))
        where = [f"agent IN ({', '.join('?' * len(asked))})"]
        values: list[str] = list(asked)
        if dated_only:
            where.append("earliest IS NOT NULL")
        if after:
            where.append("(latest IS NULL OR latest >= ?)")
            values.append(after)
        if before:
            where.append("(earliest IS NULL OR earliest <= ?)")
            values.append(before)
        rows = self.db.execute(f"SELECT iri, earliest FROM attack WHERE {' AND '.join(where)} ORDER BY day, id",
                               values)
        return list(dict.fromkeys(rows))

    def listings(self, attacks: list[str]) -> dict[str, tuple[dict[str, list[Any]], list[tuple[Any, dict[str, list[Any]]]]]]:
        """The kept listing of each of ``attacks`` (IRIs) that has one: its own objects by predicate, and its facts'.

        An attack missing here (held by several units, or an index from before listings) is read from the store.
        """
        found = {}
        try:
            for start in range(0, len(attacks), 500):
                batch = attacks[start:start + 500]
                for iri, data in self.db.execute(
                        f"SELECT iri, data FROM listing WHERE iri IN ({', '.join('?' * len(batch))})", batch):
                    own, facts = json.loads(data)
                    found[iri] = (listed_pairs(own), [(ox.NamedNode(fact), listed_pairs(pairs)) for fact, pairs in facts])
        except sqlite3.OperationalError:  # an index written before it kept listings
            return {}
        return found

    def years(self, entity: str) -> tuple[str, str] | None:
        """The first and last year of the dated facts that involve ``entity`` (an IRI), or ``None``."""
        row = self.db.execute("SELECT first, last FROM active WHERE entity = ?", (entity,)).fetchone()
        return (row[0], row[1]) if row else None
