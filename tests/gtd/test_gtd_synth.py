"""bench/gtd_synth.py: a deterministic GTD-format file with the real database's shape, at a small size."""

from __future__ import annotations

import csv
import io
import random
import shutil
import statistics
from collections import Counter
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner

from cli.main import cli
from kg.gtd.columns import COLUMNS
from tests.conftest import REPO


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_same_seed_same_bytes_other_seed_other_bytes(synth: ModuleType) -> None:
    assert synth.write(300, 7) == synth.write(300, 7)
    assert synth.write(300, 7) != synth.write(300, 8)


def test_codebook_columns_in_order(synth: ModuleType) -> None:
    assert synth.write(5, 1).decode("utf-8").splitlines()[0].split(",") == list(COLUMNS)


def test_the_shape_of_the_real_database(synth: ModuleType) -> None:
    rows = _rows(synth.write(3000, 3))
    assert len(rows) == 3000 and len({r["eventid"] for r in rows}) == 3000
    assert any(r["imonth"] == "0" and r["iday"] == "0" and r["approxdate"] for r in rows)  # year only
    assert any(r["imonth"] != "0" and r["iday"] == "0" for r in rows)  # month only
    assert any(r["guncertain1"] == "1" for r in rows)
    assert any(r["gname2"] for r in rows) and any(r["gname3"] for r in rows)
    assert any(r["claimed"] == "1" and r["claimmode_txt"] for r in rows)
    assert any(r["nkill"] == "" for r in rows)
    named = Counter(r["gname"] for r in rows)
    assert 0.3 < named.pop("Unknown") / len(rows) < 0.5
    sizes = sorted(named.values(), reverse=True)
    assert sizes[0] > 20 * statistics.median(sizes)  # a few large groups, a long tail
    names, _ = synth._groups(random.Random(0), 3000)
    assert len(set(names)) == 3000 and "Khorasan Chapter of the Islamic State" in names


def test_500_rows_import_cleanly(synth: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    path = tmp_path / "synth.csv"
    path.write_bytes(synth.write(500, 11))
    result = CliRunner().invoke(cli, ["-C", str(root), "import", "gtd", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "500 of 500 rows" in result.stdout and "skipped 0 bad rows" in result.stdout
