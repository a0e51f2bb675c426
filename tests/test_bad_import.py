"""The bad-import catalogue (issue 21): every line of a GTD file is imported, skipped with a
reason, or the import fails; what cannot be read is refused early, in one line, with
nothing written to imports/. docs/reliability.md lists these cases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import DATA, REPO

SAMPLE = DATA / "gtd" / "sample.csv"
HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated build (exports only: the import links against it)."""
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def refused(root: Path, path: Path, expected: str, code: int = 2) -> str:
    """Import ``path``: it fails with ``code``, one error line holding ``expected``, and writes nothing."""
    status, out, err = run(root, "import", "gtd", str(path))
    assert status == code, (out, err)
    assert "Traceback" not in err and "internal error" not in err
    assert expected in err, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert errors and all("(hint:" in line for line in errors), err
    assert not (root / "imports").exists() or not list((root / "imports").iterdir())
    return err


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").split("\n")


def test_a_stray_quote_that_swallows_rows_fails_the_import(project: Path, tmp_path: Path) -> None:
    lines = sample_lines()
    lines[3] = lines[3].replace(",", ',"', 1)  # line 4: a quote right after the first comma
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    refused(project, path, f"error: {path}:4: lines 4-21 were read as one row of 59 fields (the header has 134): "
            "a quoted field opened on line 4 runs to line 21 (hint: a stray \" on line 4? quote the field "
            "whole, or remove the quote; nothing was imported)")


def test_two_stray_quotes_that_keep_the_field_count_still_fail(project: Path, tmp_path: Path) -> None:
    lines = sample_lines()
    fields = lines[3].split(",")
    fields[20] = '"' + fields[20]  # opens on line 4...
    lines[3] = ",".join(fields)
    fields = lines[4].split(",")
    fields[20] += '"'  # ...and closes on line 5, at the same column: the row count is right
    lines[4] = ",".join(fields)
    path = tmp_path / "two-quotes.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    refused(project, path, f"error: {path}:4: lines 4-5 were read as one row: its field crit2 spans lines and "
            "holds a whole row's commas")


def test_a_real_multi_line_field_is_kept(project: Path, tmp_path: Path) -> None:
    lines = sample_lines()
    lines[7] = lines[7].replace("Synthetic test row: a bombing in Kerman.",
                                '"Synthetic test row:\na bombing, in Kerman."')
    path = tmp_path / "multiline.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run(project, "import", "gtd", str(path))
    assert code == 0, err
    assert "14 of 20 rows" in out
    record = next((project / "imports").glob("*.yaml")).read_text(encoding="utf-8")
    assert "lines: 22\n" in record  # the header, 20 rows, one of them on two lines


def test_every_line_is_accounted_for_in_the_record(project: Path) -> None:
    assert run(project, "import", "gtd", str(SAMPLE))[0] == 0
    record = next((project / "imports").glob("*.yaml")).read_text(encoding="utf-8")
    assert "lines: 21\nrows: 20\nimported: 14\nskipped: 6\n" in record


def test_a_header_only_file_says_so(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "header-only.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    err = refused(project, path, f"error: {path}: the file has a header and no rows (hint: export the rows too, "
                  "or check you gave the right file)", code=1)
    assert "see the reasons above" not in err


def import_measured(root: Path, path: Path) -> tuple[int, str, int]:
    """``kg import gtd`` as a process capped at 3 GB: its exit code, stderr and peak memory in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked test process across exec
    code = ("import re, resource, runpy, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
            f"sys.argv = ['kg', '-C', {str(root)!r}, 'import', 'gtd', {str(path)!r}]\n"
            "try:\n    runpy.run_module('cli', run_name='__main__')\nfinally:\n"
            "    status = open('/proc/self/status').read()\n"
            "    print('peak', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    err, _, peak = done.stderr.rpartition("peak ")
    return done.returncode, err, int(peak) // 1024


def test_a_gigabyte_of_nul_bytes_is_refused_at_once_in_little_memory(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    with open(path, "wb") as handle:
        handle.write(HEADER.encode("utf-8") + b"\n")
        handle.truncate(1 << 30)  # a sparse gigabyte of NUL bytes after the header
    code, err, peak = import_measured(project, path)
    assert code == 2, err
    assert err.strip() == (f"error: {path}:2: a NUL byte (hint: a CSV file is text; this looks like a binary "
                           "or damaged file)")
    assert peak < 250, peak  # MB: the interpreter and kg take about 75
    assert not (project / "imports").exists() or not list((project / "imports").iterdir())


def test_an_endless_line_is_refused_in_little_memory(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with open(path, "wb") as handle:
        handle.write(HEADER.encode("utf-8") + b"\n201501010001,")
        for _ in range(64):
            handle.write(b"x" * (1 << 20))
    code, err, peak = import_measured(project, path)
    assert code == 2, err
    assert err.strip() == (f"error: {path}:2: the line is over 1 MB long, and no GTD row is (hint: check this is "
                           "a GTD-format CSV file)")
    assert peak < 250, peak


def test_a_fifo_is_not_read(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    code, err, _ = import_measured(project, path)
    assert code == 2
    assert err.strip().startswith(f"error: {path}: is a FIFO, not a regular file")
