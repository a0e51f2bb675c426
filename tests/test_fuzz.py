"""Fuzzing with hypothesis: a clean error or a valid result, never an unexpected exception."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import dates
from kg.curate import corpus
from kg.curate.arabic import normalize
from kg.errors import KgError
from kg.graph.compile import compile_corpus
from tests.conftest import KITCHEN

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

edtf_like = st.one_of(
    st.text(max_size=25),
    st.from_regex(r"\A-?[0-9X]{1,5}(-[0-9X]{1,2}){0,2}[~?%]?(/(\.\.|-?[0-9X]{1,4}(-[0-9]{1,2}){0,2}))?\Z"),
)


@FUZZ
@given(edtf_like)
def test_edtf_parse_gives_a_span_or_a_date_error(text: str) -> None:
    try:
        span = dates.parse(text)
    except dates.DateError:
        return
    assert span.earliest <= span.latest
    assert isinstance(span.earliest, dt.date)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


ARABIC = st.text(alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةىـًٌٍَُِّْ ")), max_size=40)


@FUZZ
@given(ARABIC)
def test_normalized_quote_still_matches_its_source(text: str) -> None:
    source = f"مقدمة {text} خاتمة"
    assert normalize(text) in normalize(source)


field_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10_000), st.text(max_size=20),
                         st.lists(st.text(max_size=10), max_size=3),
                         st.dictionaries(st.sampled_from(["en", "ar", "value", "x"]), st.text(max_size=10), max_size=3))
field_names = st.sampled_from(["id", "type", "quote", "member", "organization", "role", "start", "end",
                               "attack", "agent", "status", "value", "qualifier", "measure", "kind",
                               "from", "to", "date", "label", "bogus", "credibility", "as_of"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(field_names, field_values, min_size=1, max_size=8))
def test_fact_compiler_gives_a_clean_error_or_a_graph(tmp_path_factory: object, record: dict) -> None:  # type: ignore[type-arg]
    root = Path(tmp_path_factory.mktemp("fuzz"))  # type: ignore[attr-defined]
    shutil.copytree(KITCHEN, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("exports"))
    (root / "facts" / "fuzz.yaml").write_text(
        yaml.safe_dump({"source": "src-fixture", "facts": [record]}, allow_unicode=True), "utf-8")
    try:
        loaded = corpus.load(root)
    except KgError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    assert len(compile_corpus(loaded).graph) > 0
