"""Time to first render of the link chart (``/graph``) with a synthetic neighbourhood, in headless Chromium.

Usage: python bench/linkchart_render.py [--nodes 500] [--edges-per-node 1.6] [--repeat 3] [--seed 7] [--screenshot PNG]

``kg serve`` runs on a copy of the curated build; Playwright opens ``/graph?focus=isis-k``
and, on the way in, swaps the page's embedded data for a synthetic graph of ``--nodes``
entities (a random tree plus extra edges, with random windows, so the slider has work to
do). The figure is the page's own: milliseconds from the start of navigation to the first
frame Cytoscape.js draws after its layout (``data-render-ms`` on ``#chart``). Prints one
JSON line: the nodes and edges drawn and the render times (each run, and the median).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
_DATA = re.compile(r'(<script type="application/json" id="chart-data">)(.*?)(</script>)', re.S)


def synthetic(nodes: int, edges_per_node: float, seed: int) -> dict[str, Any]:
    """A neighbourhood of ``nodes`` entities in the shape ``/graph.json`` gives."""
    rng = random.Random(seed)
    kinds = ["Organization", "Person", "Attack", "Location"]
    ids = [f"n{i}" for i in range(nodes)]
    out_nodes = [{"id": n, "label": f"Entity {n}", "type": rng.choice(kinds), "focus": n == "n0", "degree": 0}
                 for n in ids]
    pairs = [(ids[i], ids[rng.randrange(i)]) for i in range(1, nodes)]
    pairs += [tuple(rng.sample(ids, 2)) for _ in range(int(nodes * (edges_per_node - 1)))]
    edges = []
    for k, (u, v) in enumerate(pairs):
        first = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        last = first + dt.timedelta(days=rng.randrange(30, 2000))
        sure = rng.random() < 0.5
        surely = [(first + dt.timedelta(days=20)).isoformat(), (last - dt.timedelta(days=20)).isoformat()]
        edges.append({"id": f"e{k}", "source": u, "target": v, "relation": rng.choice(["member", "ally", "split"]),
                      "kind": "affiliation", "start": first.isoformat(), "end": last.isoformat(), "status": "reported",
                      "sources": ["src-synth"], "facts": [f"f-synth-{k}"],
                      "may": [first.isoformat(), last.isoformat()],
                      "surely": surely if sure else None, "holds": "possible"})
    return {"at": "2015-06", "first": "2015-06-01", "last": "2015-06-30", "foci": ["n0"],
            "nodes": out_nodes, "edges": edges}


@contextmanager
def served(project: Path | None = None) -> Iterator[str]:
    """``kg serve`` on ``project`` (by default a copy of the curated build), on a free loopback port."""
    sys.path.insert(0, str(REPO))
    from tests.conftest import free_port

    root = project or Path(tempfile.mkdtemp(prefix="kg-linkchart-"))
    if project is None:
        (root / "exports").mkdir()
        shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(root), "serve", "--port", str(port),
                                "--workers", "1"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(9000):  # a store over a large import takes a while to open
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        if project is None:
            shutil.rmtree(root, ignore_errors=True)


def render(browser: Any, url: str, data: dict[str, Any], screenshot: Path | None = None) -> dict[str, Any]:
    """One cold page load with ``data`` swapped in: the page's render time and what it drew."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    body = json.dumps(data).replace("<", "\\u003c")

    def swap(route: Any) -> None:
        response = route.fetch()
        html = _DATA.sub(lambda m: m.group(1) + body + m.group(3), response.text())
        route.fulfill(response=response, body=html)

    page.route(re.compile(r".*/graph\?.*"), swap)
    page.goto(f"{url}/graph?focus=isis-k", wait_until="load")
    page.wait_for_selector('#chart[data-status="ready"]', timeout=120_000)
    drawn = page.evaluate("() => ({ms: Number(document.getElementById('chart').dataset.renderMs),"
                          " nodes: kgLinkChart.cy.nodes().length, edges: kgLinkChart.cy.edges().length,"
                          " visible: kgLinkChart.cy.edges(':visible').length})")
    if screenshot:
        page.screenshot(path=str(screenshot))
    page.close()
    if errors:
        raise RuntimeError("; ".join(errors))
    return dict(drawn)


def measure(url: str, nodes: int, edges_per_node: float, repeat: int, seed: int,
            screenshot: Path | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    data = synthetic(nodes, edges_per_node, seed)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            runs = [render(browser, url, data, screenshot if i == repeat - 1 else None) for i in range(repeat)]
        finally:
            browser.close()
    return {"nodes": runs[0]["nodes"], "edges": runs[0]["edges"], "visible_edges": runs[0]["visible"],
            "render_ms": [r["ms"] for r in runs], "render_ms_median": statistics.median(r["ms"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--edges-per-node", type=float, default=1.6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--screenshot", type=Path, help="a PNG of the last run's page")
    args = parser.parse_args()
    with served() as url:
        print(json.dumps(measure(url, args.nodes, args.edges_per_node, args.repeat, args.seed, args.screenshot)))


if __name__ == "__main__":
    main()
