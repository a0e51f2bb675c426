"""The page-speed benchmark at its CI smoke size: it runs end to end beside an import and reports every page.

Not a timed test: the figures go to docs/pages.md from full runs.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_page_speed_benchmark_smoke() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "page_speed.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["rows"] == 300 and figures["target_ms"] == 500
    assert {"/id/isis-k", "/id/kerman-bombings-2024", "/graph?focus=isis-k&at=2015-10"} <= set(figures["pages"])
    assert all(0 < f["p50_ms"] <= f["max_ms"] for f in figures["pages"].values())
