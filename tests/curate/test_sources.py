"""``kg add-source``: a stable id, the text byte for byte, a duplicate refused by name, one-line
errors, and nothing half-written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from kg.curate import sources
from kg.curate.yamlfile import load as load_yaml

ARTICLE = "أعلنت ولاية خراسان مسؤوليتها عن الهجوم الذي وقع مساء أمس الجمعة.\n".encode()


def kg(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project" / "sources").mkdir(parents=True)
    return tmp_path / "project"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE)
    return path


def listing(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "sources").iterdir())


def test_the_id_is_the_hash_of_the_text_and_the_text_is_kept_byte_for_byte(project: Path, article: Path,
                                                                           tmp_path: Path) -> None:
    code, out, _ = kg(project, "add-source", str(article), "--published", "2024-03-23", "--publisher", "مثال",
                      "--grade", "c3")
    expected = "src-" + hashlib.sha256(ARTICLE).hexdigest()[:8]
    assert code == 0 and out.startswith(f"added {expected}")
    assert (project / "sources" / f"{expected}.txt").read_bytes() == ARTICLE
    record = load_yaml(project / "sources" / f"{expected}.yaml")
    assert record["id"] == expected and record["sha256"] == hashlib.sha256(ARTICLE).hexdigest()
    assert (record["published"], record["publisher"], record["language"]) == ("2024-03-23", "مثال", "ar")
    assert (record["grade"]["reliability"], record["grade"]["credibility"]) == ("C", 3)
    # the same text in another project gets the same id: ids are stable
    other = tmp_path / "other"
    (other / "sources").mkdir(parents=True)
    assert sources.add_source(other, article).id == expected


def test_a_duplicate_text_is_refused_naming_the_source_it_duplicates(project: Path, article: Path,
                                                                     tmp_path: Path) -> None:
    kg(project, "add-source", str(article))
    before = listing(project)
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(ARTICLE)
    code, _, err = kg(project, "add-source", str(copy), "--published", "2024")
    sid = "src-" + hashlib.sha256(ARTICLE).hexdigest()[:8]
    assert code == 2  # an input error (the README's exit codes), not data that fails a check
    assert err.count("\n") == 1 and f"duplicate text: already stored as {sid}" in err
    assert listing(project) == before


def test_without_a_publication_date_a_placeholder_says_what_to_do(project: Path, article: Path) -> None:
    code, _, err = kg(project, "add-source", str(article))
    assert code == 0 and "set published" in err
    [record] = [p for p in (project / "sources").glob("*.yaml")]
    assert load_yaml(record)["published"] == sources.PUBLISHED_PLACEHOLDER


@pytest.mark.parametrize(("content", "options", "message"), [
    (b"\xff\xfe not utf-8", [], "not UTF-8"),
    (b"  \n", [], "the text is empty"),
    (ARTICLE, ["--published", "late 2014"], "is not a valid EDTF date"),
    (ARTICLE, ["--grade", "Z9"], "is not an Admiralty grade"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(project: Path, tmp_path: Path, content: bytes,
                                                         options: list[str], message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    code, _, err = kg(project, "add-source", str(path), *options)
    assert code == 2, err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert listing(project) == []


def test_a_failed_write_leaves_neither_file(project: Path, article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def replace_text_only(src: str, dst: str | Path) -> None:
        if str(dst).endswith(".yaml"):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace_text_only)
    code, _, err = kg(project, "add-source", str(article))
    assert code == 2 and "nothing was added" in err
    assert listing(project) == []  # no text without its record, no temporary file
