"""The fault catalogue (issue 21): two writers at once, a kill at any moment, and leftovers.

Nothing is lost and nothing is mixed: a second writer is refused while the first holds
the build lock, and a build or an import killed at any point leaves the old state or
the new one, never a part of each. docs/reliability.md lists these cases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

BUSY = "another kg build or kg import is running (hint: wait for it to finish, then run this again)"


def kg_process(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``kg`` as a real process on this worktree's code."""
    return subprocess.Popen([sys.executable, "-m", "cli", "-C", str(root), *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated build (exports only: an import links against it)."""
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    return root


def test_two_imports_at_once_never_merge_their_records(project: Path, tmp_path: Path, synth: ModuleType) -> None:
    first = synth.write(1500, 3)
    second = first.replace(b"SYNTHETIC", b"OTHER-COPY")  # the same eventids, other bytes
    paths = [tmp_path / "first.csv", tmp_path / "second.csv"]
    for path, data in zip(paths, (first, second), strict=True):
        path.write_bytes(data)
    processes = [kg_process(project, "import", "gtd", str(path)) for path in paths]
    outcomes = [(p.wait(), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes[0] == 0 and codes[1] != 0, outcomes
    refusal = next(err for code, _, err in outcomes if code != 0)
    assert BUSY in refusal or "is already imported from" in refusal, refusal
    datasets = sorted(p.name for p in (project / "imports").iterdir())
    assert len(datasets) == 3 and {p.rsplit(".", 1)[1] for p in datasets} == {"csv", "nt", "yaml"}, datasets
