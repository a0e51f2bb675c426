"""The scale benchmark at its CI smoke size: it runs end to end and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_scale_benchmark_smoke() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "scale.py"), "--quick"],
                          capture_output=True, text=True, timeout=900, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["rows"] == 500 and figures["imported_triples"] > 500 * 10
    assert set(figures["commands"]) == {"affiliations --at", "lineage", "attacks --by", "attacks --by --limit 0",
                                        "connections", "timeline", "resolve", "query --name"}
    assert figures["floor"]["p50_s"] > 0 and len(figures["load_average"]["start"]) == 3
    for label, command in figures["commands"].items():
        assert command["p50_vs_floor"] == command["p50_s"] / figures["floor"]["p50_s"], label
    assert figures["commands"]["attacks --by"]["rows"] > 0
    for key in ("compile_triples_per_s", "facts_to_store_vs_bulk_load", "library_p50_s", "shacl_s", "store_s"):
        assert figures[key] > 0, key
    assert figures["peak_mb"]["import"] > 0 and figures["baseline"]["parse_s"] > 0
