"""Server time of the entity pages and the link chart, on the curated graph or beside a synthetic import.

Usage: python bench/page_speed.py [--rows 0] [--repeat 20] [--seed 7] [--quick]

``kg serve`` runs on a copy of the curated build (with ``--rows N``, beside a synthetic
GTD-format import of N incidents, bench/gtd_synth.py, as bench/scale.py makes it). Each
page is fetched once to warm it (the lineage drawing is made once per server), then
``--repeat`` times; the figure is the time to the last byte over loopback, so an upper
bound on the server's time. Prints a table, then one JSON line (p50 and max per page, in
milliseconds). Targets (issue 22): under 100 ms on the curated graph, under 500 ms at 200,000 incidents.
``--quick`` is the CI smoke size: 300 incidents, 5 repetitions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

PAGES = ["/id/isis-k", "/id/khorasan-group", "/id/hafiz-saeed-khan", "/id/kerman-bombings-2024", "/id/taliban",
         "/graph?focus=isis-k&at=2015-10"]


def project(rows: int, seed: int) -> Path:
    """A temporary project: the curated build, and with ``rows`` a synthetic import beside it."""
    root = Path(tempfile.mkdtemp(prefix="kg-pages-"))
    for folder in ("exports", "facts", "sources"):
        shutil.copytree(REPO / folder, root / folder)
    if rows:
        from gtd_synth import write

        from kg.analysis.resolve import Resolver
        from kg.gtd.importer import import_gtd
        from kg.store.store import stored_graph

        csv_path = root / "synth.csv"
        csv_path.write_bytes(write(rows, seed))
        import_gtd(root, csv_path, resolver=Resolver(stored_graph(root)))
    return root


def fetch_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=60) as reply:
        reply.read()
    return (time.perf_counter() - start) * 1000


def measure(url: str, repeat: int) -> dict[str, Any]:
    figures = {}
    for page in PAGES:
        fetch_ms(url + page)
        times = [fetch_ms(url + page) for _ in range(repeat)]
        figures[page] = {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}
    return figures


def main() -> None:
    from linkchart_render import served

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="synthetic incidents imported beside the curated graph")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="CI smoke size: 300 incidents, 5 repetitions")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat = 300, 5
    root = project(args.rows, args.seed)
    try:
        with served(root) as url:
            figures = measure(url, args.repeat)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for page, f in figures.items():
        print(f"{page:40} p50 {f['p50_ms']:7.1f} ms   max {f['max_ms']:7.1f} ms")
    target = 100 if args.rows == 0 else 500
    worst = max(f["p50_ms"] for f in figures.values())
    print(json.dumps({"rows": args.rows, "repeat": args.repeat, "pages": figures, "worst_p50_ms": worst,
                      "target_ms": target, "met": worst < target}))


if __name__ == "__main__":
    main()
