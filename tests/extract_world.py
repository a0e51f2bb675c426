"""The made-up world of tests/data/extract: its alias index, and extraction on texts written in the tests."""

from __future__ import annotations

import functools
from pathlib import Path

from kg.curate import corpus
from kg.dates import parse
from kg.extract.index import AliasIndex
from kg.extract.pipeline import Extraction, extract_text
from kg.extract.rules import Rules, load_rules
from kg.graph.compile import compile_corpus

WORLD = Path(__file__).parent / "data" / "extract"


@functools.cache
def rules() -> Rules:
    return load_rules()


@functools.cache
def index() -> AliasIndex:
    """The alias index of the fixture world (11 entities, two attacks)."""
    return AliasIndex.from_graph(compile_corpus(corpus.load(WORLD)).graph, rules=rules())


def extract(text: str, published: str | None = "2021-08") -> Extraction:
    """Run every rule on ``text`` against the fixture world."""
    return extract_text(text, source="src-test", published=parse(published) if published else None,
                        index=index(), rules=rules())

