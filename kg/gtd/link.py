"""Linking imported names to curated entities: scored, and never a silent merge.

A GTD group name becomes its own organization (``mkgd:gtd-group-…``). When the
resolver finds curated organizations it may be, each candidate becomes an
:class:`~kg.gtd.link.Match` kept beside both entities:

* **strong**: the name equals a curated label or alias after normalisation (score 100)
  and no other curated organization comes close;
* **possible**: anything else the resolver offers (a fuzzy match, or several close ones).

"Khorasan Chapter of the Islamic State" is a strong match for ``isis-k``; "Taliban" is a
strong match for ``taliban`` even though two defector groups score 90 (outside the
resolver's ambiguity margin); "Russia" as a country is resolved among places only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.analysis.resolve import Resolver
from kg.store.store import BUILT, open_graph

EXACT = 100.0


@dataclass(frozen=True)
class Match:
    """A proposed link from an imported name to a curated entity."""

    entity: str  # curated id
    score: float
    status: str  # strong | possible
    matched: str  # the curated label or alias it matched


def slug_id(prefix: str, name: str) -> str:
    """A stable id for an imported name: readable slug plus a hash of the exact name.

    >>> slug_id("gtd-group", "Khorasan Chapter of the Islamic State")
    'gtd-group-khorasan-chapter-of-the-islamic-state-1f88c9'
    >>> slug_id("gtd-group", "Taliban") != slug_id("gtd-group", "taliban")
    True
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:48].strip("-") or "x"
    return f"{prefix}-{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


def curated_resolver(root: Path) -> Resolver | None:
    """A resolver over the curated build only (``exports/graph.nt``), or ``None`` before the first build.

    Not the store: it also holds earlier imports, whose groups and places would match
    their own names (a second import would link "Taliban" to the first one's group,
    and find the curated ``taliban`` no longer a sure match).
    """
    return Resolver(open_graph(root)) if (root / BUILT).is_file() else None


@dataclass
class Answers:
    """What a :class:`Linker` found for some names: plain data, so that a worker process can link them.

    The resolver stays in the process that made it (it is large, and slow to copy).
    """

    matches: dict[str, tuple[Match, ...]] = field(default_factory=dict)  # group name: its candidates
    places: dict[str, str | None] = field(default_factory=dict)  # country name: the curated place, if sure


class Linker:
    """Resolves each distinct imported name once."""

    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self.matches: Callable[[str], tuple[Match, ...]] = lru_cache(maxsize=None)(self._matches)
        self.place: Callable[[str], str | None] = lru_cache(maxsize=None)(self._place)

    @classmethod
    def answering(cls, answers: Answers) -> Linker:
        """A linker that knows only ``answers`` (a name not in them is a ``KeyError``, never an unlinked group).

        ``answers`` stays live: names added to it later are known too.
        """
        linker = cls(None)
        linker.matches, linker.place = answers.matches.__getitem__, answers.places.__getitem__
        return linker

    def answers(self, groups: Iterable[str], countries: Iterable[str]) -> Answers:
        """The answers for these group and country names (resolving those not met yet)."""
        return Answers({name: self.matches(name) for name in groups}, {name: self.place(name) for name in countries})

    def _matches(self, name: str, kind: str = "Organization") -> tuple[Match, ...]:
        if self.resolver is None:
            return ()
        found = self.resolver.resolve(name, types=(kind,), limit=5, active=False)
        out = []
        for candidate in found.candidates:
            strong = candidate is found.best and candidate.score >= EXACT and not found.ambiguous
            out.append(Match(candidate.id, candidate.score, "strong" if strong else "possible", candidate.matched))
        return tuple(out)

    def _place(self, name: str) -> str | None:
        """The curated place a country name surely is (a strong match), else ``None``."""
        strong = [m for m in self._matches(name, "Location") if m.status == "strong"]
        return strong[0].entity if strong else None
