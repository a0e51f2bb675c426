"""``kg extract`` writes a draft of grounded candidates that ``kg build`` ignores (and counts);
``kg drafts`` checks the spans; ``kg extract-score`` measures the extractor on the seed articles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from kg.build import compile_checked
from kg.curate.corpus import load
from kg.curate.drafts import CANDIDATE, SECTIONS
from kg.extract.score import TARGETS, SourceScore, curated_dates, meets_targets
from tests.conftest import REPO

SOURCE = "src-aa238b89"


def kg(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated project with its built graph."""
    root = tmp_path / "project"
    for folder in ("facts", "sources", "exports"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("drafts"))
    return root


def draft_of(root: Path) -> dict[str, Any]:
    data = yaml.safe_load((root / "facts" / "drafts" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_extract_writes_candidates_whose_spans_give_their_quotes(project: Path) -> None:
    code, out, _ = kg(project, "extract", SOURCE)
    assert code == 0 and out.startswith(f"wrote {project / 'facts' / 'drafts' / SOURCE}.yaml")
    draft = draft_of(project)
    text = (project / "sources" / f"{SOURCE}.txt").read_bytes().decode("utf-8")
    items = [item for section in SECTIONS for item in draft[section]]
    assert draft["source"] == SOURCE and len(draft["mentions"]) > 10 and draft["facts"]
    for item in items:
        assert item["status"] == CANDIDATE
        start, end = item["span"]
        assert text[start:end] == item["quote"], item
    assert all(fact["cue"] for fact in draft["facts"])  # the rule that fired, for the reviewer


def test_the_build_ignores_drafts_and_says_how_many_candidates_wait(project: Path) -> None:
    kg(project, "extract", SOURCE)
    waiting = sum(len(draft_of(project)[s]) for s in SECTIONS)
    code, out, err = kg(project, "build", "--check")
    assert code == 0 and out.startswith("exports/ is fresh")  # the graph is what it was
    assert f"{waiting} draft candidates wait for review in facts/drafts/ (not built)" in err


def test_a_span_that_no_longer_gives_its_quote_is_reported(project: Path) -> None:
    kg(project, "extract", SOURCE)
    path = project / "facts" / "drafts" / f"{SOURCE}.yaml"
    text = path.read_text(encoding="utf-8")
    first = draft_of(project)["mentions"][0]
    start, end = first["span"]
    path.write_text(text.replace(f"span: [{start}, {end}]", f"span: [{start + 1}, {end}]", 1), encoding="utf-8")
    assert kg(project, "drafts")[0] == 0
    code, out, err = kg(project, "drafts", "--check")
    assert code == 1 and "bad span:" in err and first["entity"] in err
    assert "1 spans do not match their source text" in kg(project, "build", "--check")[2]


def test_accepted_candidates_are_ordinary_facts_the_build_checks(project: Path) -> None:
    kg(project, "extract", SOURCE)
    accepted = []
    for fact in draft_of(project)["facts"]:
        for key in ("status", "span", "cue", "note"):  # what a reviewer deletes to accept
            fact.pop(key, None)
        if "suggested_status" in fact:  # ... and the suggested status becomes the status
            fact["status"] = fact.pop("suggested_status")
        accepted.append(fact)
    (project / "facts" / "accepted.yaml").write_text(
        yaml.safe_dump({"source": SOURCE, "facts": accepted}, allow_unicode=True), encoding="utf-8")
    corpus, _ = compile_checked(project)  # quotes found, references resolved, SHACL conforms
    assert {f["id"] for f in accepted} <= {r.id for r in corpus.facts}


def test_extract_refuses_to_overwrite_a_draft_and_an_unknown_source(project: Path) -> None:
    kg(project, "extract", SOURCE)
    code, _, err = kg(project, "extract", SOURCE)
    assert code == 2 and "a draft exists" in err and err.count("\n") == 1
    code, _, err = kg(project, "extract", "src-00000000")
    assert code == 2 and "no such source" in err and err.count("\n") == 1
    code, out, _ = kg(project, "extract", SOURCE, "-o", "-", "-f", "json")
    assert code == 0 and json.loads(out)["source"] == SOURCE


def test_extract_score_meets_the_targets_on_the_seed_articles() -> None:
    code, out, _ = kg(REPO, "extract-score", "-f", "json", "--check")
    data = json.loads(out)
    assert code == 0, data["total"]

    def ratio(cell: str) -> float:
        found, total = cell.split(" ")[0].split("/")
        return int(found) / int(total)

    total = data["total"]
    assert ratio(total["entities"]) >= TARGETS["entities"]
    assert ratio(total["dates"]) >= TARGETS["dates"]
    assert ratio(total["figures"]) >= TARGETS["figures"]
    assert len(data["results"]) == 5


def test_the_scorer_reads_the_curated_facts() -> None:
    corpus = load(REPO)
    raw = yaml.safe_load((REPO / "facts" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))
    written = {str(f[k]) for f in raw["facts"] for k in ("date", "start", "end", "attested", "as_of")
               if f.get(k) not in (None, "..")}
    assert curated_dates(corpus, SOURCE) >= written and written


def test_targets_fail_when_recall_drops() -> None:
    score = SourceScore("x", entities={"a", "b"}, found={"a", "b"}, dates={"d1", "d2"}, dates_found={"d1", "d2"},
                        figures=["killed 5 exact"], figures_found=["killed 5 exact"])
    assert meets_targets(score)
    score.dates_found = {"d1"}
    assert not meets_targets(score)
