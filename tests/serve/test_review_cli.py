"""``kg review`` on the command line: it prints its URL, binds loopback only, and refuses an unknown source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO
from tests.serve.workspace import SOURCE, make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_review_prints_its_url_and_serves_on_loopback(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.update(kwargs))
    result = CliRunner().invoke(cli, ["-C", str(project), "review", SOURCE, "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"review workspace at http://127.0.0.1:8765/review/{SOURCE} ")
    assert served["host"] == "127.0.0.1" and served["port"] == 8765


def test_review_refuses_a_network_address_and_an_unknown_source(project: Path) -> None:
    result = CliRunner().invoke(cli, ["-C", str(project), "review", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "'0.0.0.0' is not one of '127.0.0.1', 'localhost', '::1'" in result.stderr
    for source in ("src-00000000", "../etc"):
        result = CliRunner().invoke(cli, ["-C", str(project), "review", source])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "no draft of this source" in result.stderr


def test_review_session_benchmark_smoke() -> None:
    """The benchmark at a smoke size: a few candidates curated in Chromium, the build conforms (no timing asserted)."""
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("KG_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium is not installed")
    done = subprocess.run([sys.executable, str(REPO / "bench" / "review_session.py"), "--limit", "4"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["candidates"] == 4 and figures["build_conforms"] is True
    assert figures["accepted"] + figures["edited"] + figures["dropped"] == 4  # a refused one is dropped after
    assert figures["yaml_edits_by_hand"] >= 4 and figures["seconds"] > 0
