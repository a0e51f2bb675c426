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
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pyoxigraph as ox

from kg.atomic import write_files
from kg.namespaces import PREFIXES
from kg.store import listing
from kg.store.reader import oxigraph_of

_LOCK = threading.Lock()
"""One query at a time on the shared read-only connections: kg serve's threads share them,
and sqlite3 refuses a cursor used by two threads at once ("Recursive use of cursors")."""
FILE = "precomputed.sqlite"
"""The index in a generation's folder."""
SUFFIX = ".summary.json"
"""A dataset's summary beside its N-Triples: ``imports/<id>.summary.json``."""
FORMAT = 3
"""Bumped when a summary's shape changes, so an older one is made anew."""
UNDATED = "9999"
"""The sort key of an undated attack: after every dated one."""

_MKG, _ID = PREFIXES["mkg"], PREFIXES["mkgd"]
_ATTACK, _PERPETRATOR = _MKG + "attack", _MKG + "perpetrator"
_DATE, _AS_OF, _EARLIEST, _LATEST = _MKG + "date", _MKG + "asOf", _MKG + "earliest", _MKG + "latest"
_EDTF = _MKG + "edtf"
_DURING = PREFIXES["org"] + "memberDuring"
_BOUNDS = {PREFIXES["time"] + "hasBeginning", PREFIXES["time"] + "hasEnd"}
_TYPE = PREFIXES["rdf"] + "type"
_LISTED = {*listing.OWN, *listing.FACT, listing.ON}
_SCHEMA = """
CREATE TABLE attack (agent TEXT, day TEXT, id TEXT, iri TEXT, earliest TEXT, latest TEXT,
                     PRIMARY KEY (agent, day, id)) WITHOUT ROWID;
CREATE TABLE active (entity TEXT PRIMARY KEY, first TEXT, last TEXT) WITHOUT ROWID;
CREATE TABLE listing (id TEXT PRIMARY KEY, data TEXT) WITHOUT ROWID;
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
    listing: dict[str, listing.Record] = field(default_factory=dict)
    """Each attack's :data:`kg.store.listing.Record` (what its own records say), by its id."""
    touched: list[str] = field(default_factory=list)
    """The IRIs whose listing this unit adds to without holding it: attacks its facts are on,
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


def _terms_of(attack: str, record: listing.Record) -> set[str]:
    """The attack's IRI and its facts'."""
    return {str(listing.term_of(attack).value), *listing.facts_of(record)}  # type: ignore[union-attr]


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
    listing: dict[str, listing.Record] = field(default_factory=dict)  # attack id: its record, gathered in its piece
    split: set[str] = field(default_factory=set)  # attack ids whose records are not whole in one piece
    touched: set[str] = field(default_factory=set)  # see Summary.touched
    edtf: dict[str, str] = field(default_factory=dict)  # date node: its EDTF text

    def add(self, triples: Iterable[ox.Triple]) -> None:
        """Gather one piece: the triples of some subjects, all of each."""
        edges: dict[str, list[str]] = {}
        attack: dict[str, str] = {}
        agents: dict[str, list[str]] = {}
        listed: dict[Any, dict[str, list[Any]]] = {}  # subject: its objects of the predicates a listing reads
        typed: set[str] = set()
        attack_nodes: list[Any] = []
        for triple in triples:
            p, o = triple.predicate.value, triple.object
            if p in _LISTED:
                listed.setdefault(triple.subject, {}).setdefault(p, []).append(o)
            if type(o) is ox.Literal:  # noqa: E721 (the exact class: this loop sees every triple of an import)
                if p in (_EARLIEST, _LATEST):
                    self.bounds.setdefault(_key(triple.subject), [None, None])[p == _LATEST] = o.value
                elif p == _EDTF:
                    self.edtf[_key(triple.subject)] = o.value
                continue
            s, target = _key(triple.subject), _key(o)
            if p == _TYPE:
                typed.add(s)
                if target == _MKG + "Attack":
                    attack_nodes.append(triple.subject)
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
        self._gather(listed, typed, attack_nodes)

    def _gather(self, listed: dict[Any, dict[str, list[Any]]], typed: set[str], attack_nodes: list[Any]) -> None:
        """Each attack's record, from the triples of one piece (:func:`kg.store.listing.gather`)."""
        pointing: dict[Any, list[Any]] = {}
        for subject, objects in listed.items():
            for on in objects.get(listing.ON, []):
                pointing.setdefault(on, []).append(subject)
        here = set(attack_nodes)
        for on, facts in pointing.items():
            if on not in here:  # facts on an attack held in another piece, or another unit
                self.split.add(listing.text_of(on))
                self.touched.add(_key(on))
        reader = listing.Given(listed, pointing)
        for attack in attack_nodes:
            key = listing.text_of(attack)
            if key in self.listing or type(attack) is not ox.NamedNode:  # noqa: E721
                self.split.add(key)  # met twice, or a blank node (its label in a store is not this one)
            self.listing[key] = listing.gather(reader, attack)
        for subject in listed:
            if _key(subject) not in typed:  # adds to a node held elsewhere
                self.touched.add(_key(subject))

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
        self.edtf.update(other.edtf)
        self.split |= other.split | (self.listing.keys() & other.listing.keys())
        self.listing.update(other.listing)
        self.touched |= other.touched

    def _dated(self, record: listing.Record) -> listing.Record:
        """The record with its date's text and days beside the date's id, when this unit holds them.

        A date is a value (an imported one is named by its EDTF text): read here, the listing
        of 9,490 attacks is spared 7,416 lookups of their dates.
        """
        date = listing.iri_of(record[2])
        if type(date) is str and date in self.edtf and None not in self.bounds.get(date, [None]):  # noqa: E721
            return [*record[:2], [record[2], self.edtf[date], *self.bounds[date]], *record[3:]]
        return record

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
        kept = {attack: self._dated(record) for attack, record in sorted(self.listing.items())
                if attack not in self.split and "_:" not in json.dumps(record[2:6])}  # no blank node either
        owned = {str(listing.term_of(attack).value) for attack in self.listing}  # type: ignore[union-attr]
        return Summary(attacks, years, kept, sorted(self.touched - owned))


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


def write(path: Path, summary: Summary) -> None:
    """Write ``summary`` as the index at ``path``, whole or not at all (:func:`kg.atomic.write_files`)."""
    db = Precomputed.of(summary).db
    data = db.serialize()
    db.close()
    write_files(path.parent, {path.name: data})


def _fill(db: sqlite3.Connection, summary: Summary) -> None:
    db.executescript(_SCHEMA)
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


ANSWERS = "answers.sqlite"
"""Whole answers a later stage worked out from a generation, kept in its folder (:func:`keep_answers`)."""


def stored_answer(graph: Any, name: str) -> Any:
    """The answer kept as ``name`` for the generation ``graph`` reads (parsed JSON), or ``None``.

    ``None`` when the generation has no such answer yet, or ``graph`` has no generation
    (held in memory): the caller then works the answer out itself.
    """
    view = getattr(graph, "store", None)
    folder = getattr(view, "folder", None)
    if folder is None:
        return None
    db = getattr(view, "answers", None)
    if db is None:
        path = folder / ANSWERS
        if not path.is_file():
            return None
        db = view.answers = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,  # type: ignore[union-attr]
                                            check_same_thread=False)
    with _LOCK:
        row = db.execute("SELECT data FROM answer WHERE name = ?", (name,)).fetchone()
    return json.loads(row[0]) if row else None


def keep_answers(graph: Any, answers: dict[str, Any]) -> bool:
    """Keep ``answers`` (JSON values by name) beside the generation ``graph`` reads, whole; whether they were kept.

    A generation is named by the digest of what it holds, so its answers never change:
    whoever works them out first keeps them, for every later command. A graph held in
    memory, or a folder that cannot be written (read-only), keeps nothing.
    """
    folder = getattr(getattr(graph, "store", None), "folder", None)
    if folder is None:
        return False
    db = sqlite3.connect(":memory:")
    with db:
        db.execute("CREATE TABLE answer (name TEXT PRIMARY KEY, data TEXT) WITHOUT ROWID")
        db.executemany("INSERT INTO answer VALUES (?, ?)", [
            (name, json.dumps(data, ensure_ascii=False, separators=(",", ":"))) for name, data in answers.items()])
    data = db.serialize()
    db.close()
    try:
        write_files(folder, {ANSWERS: data})
    except OSError:
        return False
    return True


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
    def of(cls, summary: Summary) -> Precomputed:
        """An index held in memory."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        with db:
            _fill(db, summary)
        return cls(db)

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
        with _LOCK:
            rows = self.db.execute(f"SELECT iri, earliest FROM attack WHERE {' AND '.join(where)} ORDER BY day, id",
                                   values).fetchall()
        return list(dict.fromkeys(rows))

    def listings(self, ids: list[str]) -> dict[str, listing.Record]:
        """The kept record (:data:`kg.store.listing.Record`) of each attack of ``ids`` that has one, by id.

        An attack missing here (several units add to it, or the index is from before
        listings) is gathered from the store instead.
        """
        found = {}
        try:
            for start in range(0, len(ids), 500):
                batch = ids[start:start + 500]
                with _LOCK:
                    rows = self.db.execute(
                        f"SELECT id, data FROM listing WHERE id IN ({', '.join('?' * len(batch))})", batch).fetchall()
                found.update((attack, json.loads(data)) for attack, data in rows)
        except sqlite3.OperationalError:  # an index written before it kept listings
            return {}
        return found

    def years(self, entity: str) -> tuple[str, str] | None:
        """The first and last year of the dated facts that involve ``entity`` (an IRI), or ``None``."""
        with _LOCK:
            row = self.db.execute("SELECT first, last FROM active WHERE entity = ?", (entity,)).fetchone()
        return (row[0], row[1]) if row else None
