"""Runaway queries must not starve fast ones, under the default settings (issue 20, "Under load").

``bench/load_compare.py --quick`` runs, against one store: kg serve and oxigraph serve on the
same SPARQL mix, then fast clients while one client sends nothing but runaway queries (four
at a time, more than the two workers), then clients of which each request is a runaway
with probability 5%. No timing is asserted (CI machines vary); errors among the fast
requests are: there must be none.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_runaways_do_not_starve_fast_queries() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "load_compare.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr[-2000:]
    for phase in ("runaway_client", "mix16"):
        assert figures[phase]["errors"] == 0 and figures[phase]["requests"] > 0, figures[phase]
    assert figures["runaway_client"]["runaways"] >= 4 and figures["runaway_client"]["runaway_statuses"] == [503]
    assert figures["kg"]["requests"] > 0 and figures["oxigraph"]["requests"] > 0
    assert figures["kg"]["errors"] == figures["oxigraph"]["errors"] == 0
    assert figures["ratio"]["throughput"] > 0
