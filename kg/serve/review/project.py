"""What the workspace reads: the drafts waiting, and one source's text, draft and facts file.

Every path comes from a source id that matches :data:`SOURCE_ID` and names a draft that
exists in ``facts/drafts/``; nothing a request sends is joined to a path otherwise, so the
workspace never reads or writes outside ``facts/`` and ``sources/``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.curate.accept import DraftItem, draft_items
from kg.curate.drafts import DraftReport, drafts_dir, review_draft, source_text
from kg.curate.journal import Journal, read_text
from kg.curate.roundtrip import load, plain
from kg.curate.yamlfile import load as load_yaml
from kg.errors import KgError

_READING = re.compile(r"^#\s+\[(\d+), (\d+)\] (.*) -> (\S+) \((.*)\)$", re.M)
SOURCE_ID = re.compile(r"src-[a-z0-9]+(?:-[a-z0-9]+)*")
"""A source id as ``kg add-source`` makes them (``src-`` and a slug): never a path."""


class NotFound(Exception):
    """No draft of that source (or not a source id at all)."""


def draft_name(source: str) -> str:
    return f"facts/drafts/{source}.yaml"


def facts_name(source: str) -> str:
    return f"facts/{source}.yaml"


def drafted_sources(root: Path) -> list[str]:
    """The ids of the sources with a draft, sorted."""
    return sorted(p.stem for p in drafts_dir(root).glob("*.yaml") if SOURCE_ID.fullmatch(p.stem))


def checked_source(root: Path, source: str) -> str:
    """``source`` if it is a source id with a draft; :class:`NotFound` otherwise."""
    if not SOURCE_ID.fullmatch(source) or source not in drafted_sources(root):
        raise NotFound(source)
    return source


@dataclass(frozen=True)
class QueueRow:
    """A line of the queue: a source with a draft, its candidates waiting, accepted and dropped."""

    source: str
    title: str
    report: DraftReport
    accepted: int
    dropped: int


def queue(root: Path) -> list[QueueRow]:
    """Every source with a draft, with its counts."""
    rows = []
    for source in drafted_sources(root):
        report = review_draft(root, root / draft_name(source))
        counts = Journal(root, source).counts()
        rows.append(QueueRow(source, source_title(root, source), report, counts["accepted"], counts["dropped"]))
    return rows


def source_meta(root: Path, source: str) -> dict[str, Any]:
    """The source's metadata record (empty when it cannot be read)."""
    try:
        meta = load_yaml(root / "sources" / f"{source}.yaml")
    except (KgError, OSError):
        return {}
    return dict(meta) if isinstance(meta, dict) else {}


def source_title(root: Path, source: str) -> str:
    meta = source_meta(root, source)
    return str(meta.get("title_en") or meta.get("title") or "")


@dataclass(frozen=True)
class Reading:
    """A date the extractor read, as its draft's header lists it: where, the words, the EDTF, the rule."""

    start: int
    end: int
    words: str
    edtf: str
    rule: str


def readings(draft_text: str) -> list[Reading]:
    """The dates a draft's header lists (``#   [316, 355] words -> 2014-09-22 (rule)``).

    >>> readings("# Dates found:\\n#   [3, 9] last month -> 2014-09 (last-month)\\n")
    [Reading(start=3, end=9, words='last month', edtf='2014-09', rule='last-month')]
    """
    return [Reading(int(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5))
            for m in _READING.finditer(draft_text) if m.group(4) != "?"]


@dataclass
class Snapshot:
    """One source as the workspace sees it at one moment: the version every change is checked against."""

    root: Path
    source: str
    text: str
    draft_text: str
    facts_text: str | None

    @classmethod
    def read(cls, root: Path, source: str) -> Snapshot:
        source = checked_source(root, source)
        draft = read_text(root, draft_name(source))
        if draft is None:
            raise NotFound(source)
        return cls(root, source, source_text(root, source) or "", draft, read_text(root, facts_name(source)))

    @property
    def version(self) -> str:
        """A hash of the draft and the facts file: a change made from an older page is refused."""
        digest = hashlib.sha256(self.draft_text.encode("utf-8"))
        digest.update(b"\0" + (self.facts_text or "").encode("utf-8"))
        return digest.hexdigest()[:20]

    @cached_property
    def items(self) -> list[DraftItem]:
        return draft_items(load(self.draft_text, draft_name(self.source)))

    @cached_property
    def readings(self) -> list[Reading]:
        return readings(self.draft_text)

    def item(self, key: str) -> DraftItem | None:
        return next((i for i in self.items if i.key == key), None)

    @cached_property
    def facts(self) -> dict[str, Any]:
        """The facts file as plain data (empty when there is none yet)."""
        if self.facts_text is None:
            return {}
        doc = plain(load(self.facts_text, facts_name(self.source)))
        return doc if isinstance(doc, dict) else {}

    @property
    def language(self) -> str:
        return str(source_meta(self.root, self.source).get("language") or "ar")

    @property
    def title(self) -> str:
        return source_title(self.root, self.source)
