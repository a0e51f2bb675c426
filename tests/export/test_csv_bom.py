"""CSV for spreadsheets: ``--bom`` starts each file with a UTF-8 byte order mark (issue 20, item 9).

Excel reads a CSV without one in the system's legacy code page, which turns Arabic into
mojibake; with the mark it reads UTF-8. Without ``--bom`` nothing changes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO

BOM = b"\xef\xbb\xbf"


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_export_csv_with_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for flag, folder in ((["--bom"], "with"), ([], "without")):
        result = runner.invoke(cli, ["-C", str(REPO), "export", "-f", "csv", "-o", folder, *flag])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "with").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "without").iterdir()) and "entities.csv" in names
    for name in names:
        marked, plain = (tmp_path / "with" / name).read_bytes(), (tmp_path / "without" / name).read_bytes()
        assert marked.startswith(BOM) and not plain.startswith(BOM)
        assert marked[len(BOM):] == plain and rows(marked) == rows(plain)
    assert any("خراسان" in cell for row in rows((tmp_path / "with" / "entities.csv").read_bytes()) for cell in row)


def test_query_csv_with_bom() -> None:
    args = ["-C", str(REPO), "query", "SELECT ?l WHERE { mkgd:isis-k skos:prefLabel ?l }", "-f", "csv"]
    marked = CliRunner().invoke(cli, [*args, "--bom"]).stdout_bytes
    plain = CliRunner().invoke(cli, args).stdout_bytes
    assert marked == BOM + plain and "ولاية خراسان" in plain.decode("utf-8")


def test_bom_only_for_csv() -> None:
    result = CliRunner().invoke(cli, ["-C", str(REPO), "export", "-f", "turtle", "--bom"])
    assert result.exit_code == 2 and "--bom" in result.stderr
