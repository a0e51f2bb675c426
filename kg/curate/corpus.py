"""Load a project's sources and curated facts, and check what needs every file at once.

A project folder holds ``sources/`` (texts and their metadata) and ``facts/`` (curated
YAML). :func:`load` reads them all, checks every record, resolves references, and
verifies every quote against its source text. It raises :class:`~kg.errors.KgError`
listing every problem, or returns a :class:`Corpus` ready to compile.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.curate import schema
from kg.curate.arabic import normalize
from kg.curate.drafts import review_drafts
from kg.curate.files import TEXT_LIMIT, read_regular
from kg.curate.readings import Reading, preferred, readings_of
from kg.curate.yamlfile import Located, ParseCache
from kg.curate.yamlfile import load as load_yaml
from kg.dates import DateError
from kg.dates import parse as parse_date
from kg.errors import KgError, Problem

TOP_LEVEL_KEYS = ("source", "entities", "mentions", "facts")
SOURCE_FIELDS = {
    "id", "file", "original_name", "sha256", "language", "title", "title_en", "author",
    "publisher", "publisher_note", "published", "published_reason", "grade", "url",
}
SOURCE_REQUIRED = ("id", "file", "sha256", "language", "published", "published_reason", "grade")
RELIABILITY = "ABCDEF"


@dataclass
class Record:
    """One curated record and where it was written."""

    data: Located  # for an ambiguous fact: its preferred reading
    file: str
    kind: str  # "entity", "fact" or "mention"
    source: str | None = None
    readings: list[Reading] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.data.line

    @property
    def id(self) -> str:
        return str(self.data.get("id") or self.data.get("entity"))

    @property
    def type(self) -> str:
        return "Mention" if self.kind == "mention" else str(self.data.get("type"))


@dataclass
class SourceDoc:
    """A source text and its metadata record."""

    meta: Located
    file: str
    text: str

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @cached_property
    def normalized(self) -> str:
        """The text as quotes are matched against it (computed once)."""
        return normalize(self.text)


@dataclass
class Corpus:
    """Everything curated, checked and cross-referenced."""

    root: Path
    sources: dict[str, SourceDoc] = field(default_factory=dict)
    entities: dict[str, Record] = field(default_factory=dict)
    facts: list[Record] = field(default_factory=list)
    mentions: list[Record] = field(default_factory=list)
    candidates: int = 0
    bad_spans: int = 0
    replaced: dict[str, str] = field(default_factory=dict)
    cache: ParseCache = field(default_factory=ParseCache, repr=False)

    def records(self) -> Iterator[Record]:
        """Entities, then facts, then mentions."""
        yield from self.entities.values()
        yield from self.facts
        yield from self.mentions


def load(root: Path, *, replaced: Mapping[str, str] | None = None, cache: ParseCache | None = None,
         drafts: bool = True) -> Corpus:
    """Read and check a project folder.

    ``replaced`` gives the text of facts files (by path under ``root``, ``facts/x.yaml``) as
    they would be after a change, to check a change before it is written; ``cache`` keeps
    the files parsed between such checks, and ``drafts=False`` skips counting the drafts.

    >>> corpus = load(Path("tests/data/kitchen"))
    >>> corpus.entities["test-group"].line, len(corpus.facts)
    (4, 9)
    >>> len(load(Path("tests/data/kitchen"), replaced={"facts/kitchen.yaml": "source: src-fixture"}).facts)
    0
    """
    corpus = Corpus(root=root, replaced=dict(replaced or {}), cache=cache or ParseCache())
    problems: list[Problem] = []
    _load_sources(corpus, problems)
    paths = set((root / "facts").glob("*.yaml"))
    paths |= {root / name for name in corpus.replaced if Path(name).parent == Path("facts")}
    for path in sorted(paths):
        _load_facts_file(corpus, path, problems)
    if drafts:  # facts/drafts/ is never compiled: only counted and span-checked
        reports = review_drafts(root)
        corpus.candidates = sum(d.candidates for d in reports)
        corpus.bad_spans = sum(len(d.bad_spans) for d in reports)
    if not problems:
        _check_references(corpus, problems)
    if problems:
        raise KgError(problems)
    return corpus


def _rel(corpus: Corpus, path: Path) -> str:
    try:
        return str(path.relative_to(corpus.root))
    except ValueError:
        return str(path)


def _read(path: Path, name: str, problems: list[Problem], corpus: Corpus | None = None) -> Any:
    try:
        if corpus is not None and name in corpus.replaced:
            return corpus.cache.loads(corpus.replaced[name], name)
        return load_yaml(path, name, cache=corpus.cache if corpus is not None else None)
    except KgError as exc:
        problems.extend(exc.problems)
        return None


def _read_mapping(path: Path, name: str, problems: list[Problem], what: str, hint: str,
                  corpus: Corpus | None = None) -> Located | None:
    """A YAML file that must hold a mapping; ``None`` (with a problem noted) otherwise."""
    doc = _read(path, name, problems, corpus)
    if doc is not None and not isinstance(doc, Located):
        problems.append(Problem(name, 1, None, f"a {what} must be a mapping", hint))
        return None
    return doc


def _load_sources(corpus: Corpus, problems: list[Problem]) -> None:
    for path in sorted((corpus.root / "sources").glob("*.yaml")):
        name = _rel(corpus, path)
        meta = _read_mapping(path, name, problems, "source record", "see docs/facts-format.md", corpus)
        if meta is None:
            continue
        before = len(problems)
        _check_source_meta(meta, name, path, problems)
        if len(problems) > before:
            continue
        text_path = path.parent / str(meta["file"])
        try:
            raw = read_regular(text_path, _rel(corpus, text_path), limit=TEXT_LIMIT, what="source texts",
                               hint="a source text is a plain file: put the text itself in sources/")
        except KgError as exc:
            problems.extend(exc.problems)
            continue
        if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
            problems.append(Problem(name, meta.line, str(meta["id"]),
                                    f"sha256 does not match {meta['file']}",
                                    "the source text changed; restore it or re-add the source"))
            continue
        doc = SourceDoc(meta, name, raw.decode("utf-8"))
        if doc.id in corpus.sources:
            problems.append(Problem(name, meta.line, doc.id, "duplicate source id",
                                    f"also in {corpus.sources[doc.id].file}"))
        corpus.sources[doc.id] = doc


def _check_source_meta(meta: Located, name: str, path: Path, problems: list[Problem]) -> None:
    sid = str(meta.get("id"))
    for key in meta:
        if key not in SOURCE_FIELDS:
            problems.append(Problem(name, meta.line, sid, f"unknown field {key!r}",
                                    f"allowed: {', '.join(sorted(SOURCE_FIELDS))}"))
    for key in SOURCE_REQUIRED:
        if meta.get(key) in (None, ""):
            problems.append(Problem(name, meta.line, sid, f"missing required field {key!r}",
                                    "see docs/facts-format.md"))
    if problems and problems[-1].file == name:
        return
    if sid != path.stem:
        problems.append(Problem(name, meta.line, sid, f"id must match the file name {path.stem!r}",
                                "rename the file or fix the id"))
    file = str(meta["file"])
    if Path(file).name != file or file.startswith("."):
        problems.append(Problem(name, meta.line, sid, f"file {file!r} is not a file name in sources/",
                                f"the text sits next to its record, e.g. file: {sid}.txt"))
        return
    if not (path.parent / file).exists():
        problems.append(Problem(name, meta.line, sid, f"source text {file} not found",
                                "put the text next to its record in sources/"))
    try:
        parse_date(str(meta["published"]))
    except DateError as exc:
        problems.append(Problem(name, meta.line, sid, f"published: {exc}", "use EDTF"))
    grade = meta["grade"]
    if (not isinstance(grade, dict) or str(grade.get("reliability")) not in RELIABILITY
            or grade.get("credibility") not in range(1, 7) or not grade.get("reason")):
        problems.append(Problem(name, meta.line, sid, "grade needs reliability A-F, credibility 1-6 "
                                "and a reason", "e.g. {reliability: B, credibility: 2, reason: ...}"))


def _load_facts_file(corpus: Corpus, path: Path, problems: list[Problem]) -> None:
    name = _rel(corpus, path)
    doc = _read_mapping(path, name, problems, "facts file", f"use the top-level keys {', '.join(TOP_LEVEL_KEYS)}",
                        corpus)
    if doc is None:
        return
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            problems.append(Problem(name, doc.line, None, f"unknown top-level key {key!r}",
                                    f"use {', '.join(TOP_LEVEL_KEYS)}"))
    default_source = doc.get("source")
    for section, kind in (("entities", "entity"), ("facts", "fact"), ("mentions", "mention")):
        items = doc.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(name, doc.line, None, f"{section} must be a list", ""))
            continue
        for item in items:
            if not isinstance(item, Located):
                problems.append(Problem(name, doc.line, None, f"every entry of {section} must be a mapping", ""))
                continue
            record = Record(item, name, kind, item.get("source") or default_source)
            found = schema.check_record(item, name, item.line, "Mention" if kind == "mention" else None)
            if kind == "fact" and not found and item.get("readings"):
                record = Record(preferred(item), name, kind, record.source, readings_of(item))
            if kind == "entity" and record.type in schema.FACT_TYPES:
                found.append(Problem(name, item.line, record.id, f"{record.type} belongs under facts:", ""))
            if kind == "fact" and record.type in schema.ENTITY_TYPES:
                found.append(Problem(name, item.line, record.id, f"{record.type} belongs under entities:", ""))
            problems.extend(found)
            if found:
                continue
            if kind == "entity":
                _add_unique(corpus.entities, record, problems)
            else:
                (corpus.facts if kind == "fact" else corpus.mentions).append(record)


def _add_unique(table: dict[str, Record], record: Record, problems: list[Problem]) -> None:
    if record.id in table:
        first = table[record.id]
        problems.append(Problem(record.file, record.line, record.id, "duplicate id",
                                f"already defined at {first.file}:{first.line}"))
    else:
        table[record.id] = record


def _check_references(corpus: Corpus, problems: list[Problem]) -> None:
    fact_ids: dict[str, Record] = {}
    missing: dict[str, list[Record]] = {}  # unknown source id: the records citing it
    for fact in corpus.facts:
        if fact.id in corpus.entities or fact.id in corpus.sources:
            problems.append(Problem(fact.file, fact.line, fact.id, "duplicate id",
                                    "an entity or source already uses it"))
        else:
            _add_unique(fact_ids, fact, problems)
    for record in corpus.records():
        fields = schema.FIELDS[record.type]
        for data in [record.data] + [r.data for r in record.readings if not r.preferred]:
            for key, spec in fields.items():
                if spec in ("ref", "refs") and data.get(key) not in (None, "", []):
                    values = data[key]
                    for ref in values if isinstance(values, list) else [values]:
                        _check_ref(corpus, record, key, str(ref), problems)
        if "quote" in record.data or record.kind != "entity":
            _check_quote(corpus, record, problems, missing)
    for sid, citing in missing.items():
        problems.append(_missing_source(corpus, sid, citing))


def _missing_source(corpus: Corpus, sid: str, citing: list[Record]) -> Problem:
    """One problem for an unknown source, however many records cite it: a typo, or a deleted record."""
    first = citing[0]
    if len(citing) == 1:
        return Problem(first.file, first.line, first.id, f"unknown source {sid!r}",
                       f"known sources: {', '.join(sorted(corpus.sources)) or 'none'}")
    record = f"sources/{sid}.yaml"
    return Problem(first.file, first.line, first.id, f"unknown source {sid!r}, cited by {len(citing)} records: "
                   f"there is no {record}", f"restore the record, e.g. git checkout -- {record}, "
                   "or add the source with kg add-source")


def _check_ref(corpus: Corpus, record: Record, key: str, ref: str, problems: list[Problem]) -> None:
    target = corpus.entities.get(ref)
    if target is None:
        close = difflib.get_close_matches(ref, list(corpus.entities), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "define the entity under entities:"
        problems.append(Problem(record.file, record.line, record.id,
                                f"{key} refers to unknown entity {ref!r}", hint))
        return
    allowed = schema.REF_TYPES.get(key)
    if allowed and target.type not in allowed:
        problems.append(Problem(record.file, record.line, record.id,
                                f"{key} {ref!r} is a {target.type}, expected {' or '.join(allowed)}",
                                "point it at an entity of the right type"))


def _check_quote(corpus: Corpus, record: Record, problems: list[Problem], missing: dict[str, list[Record]]) -> None:
    sid = record.source
    if not sid:
        problems.append(Problem(record.file, record.line, record.id, "no source given",
                                "set source: on the record or at the top of the file"))
        return
    doc = corpus.sources.get(sid)
    if doc is None:
        missing.setdefault(str(sid), []).append(record)
        return
    quote = str(record.data.get("quote", ""))
    if normalize(quote) not in doc.normalized:
        problems.append(Problem(record.file, record.line, record.id, f"quote not found in {sid}",
                                "copy the passage verbatim from sources/" + str(doc.meta["file"])))

