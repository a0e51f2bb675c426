"""``kg query --timeout``: a runaway query is stopped with a one-line error and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_runaway_query_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "cli", "-C", str(REPO), "query", "--timeout", "1", RUNAWAY,
                           "-f", "csv", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "error: query: stopped after the 1 s time limit (hint: add a LIMIT, narrow the pattern, or raise --timeout)")
    assert "Traceback" not in done.stderr and not out.exists()


def test_a_query_within_the_limit_is_answered(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "cli", "-C", str(REPO), "query", "--timeout", "30",
                           "SELECT ?o WHERE { ?o a mkg:Organization } LIMIT 2", "-f", "csv", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines()[0] == "o" and len(out.read_text().splitlines()) == 3
