"""A bounded load test of ``kg serve`` on loopback: well-formed traffic plus runaway queries.

Usage: python bench/load_serve.py [--project DIR] [--clients 8] [--duration 60] [--max-requests 100000]
                                  [--workers 2] [--timeout 10] [--runaway-every 15] [--quick]

It starts ``kg serve`` on a free loopback port, runs ``--clients`` closed-loop clients for
``--duration`` seconds (or until ``--max-requests``), then stops the server: it always ends by
itself. The clients mix library queries (SPARQLWrapper on ``/sparql`` for those without
parameters, ``/library/NAME`` for the others), entity pages and searches. One more client
sends a runaway query (a three-way cross product) every ``--runaway-every`` seconds; each must
come back as a 503 near the deadline, while the other clients keep being answered.

Prints a table, then one JSON line: throughput, p50/p99 latency (overall, by kind, and for
requests that overlapped a runaway), the error count of well-formed requests (must be 0),
and what happened to each runaway. Exits 1 when a well-formed request failed or a runaway
was not cut off.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

REPO = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PARAMS = {  # the library's parameterized queries, with values from the curated graph
    "affiliations-at": {"org": "isis-k", "date": "2015-10"},
    "attacks-by": {"agent": "isis-k"},
    "attacks-in": {"place": "russia-country"},
    "lineage-down": {"org": "isis"},
    "lineage-up": {"org": "isis-k"},
    "name-lookup": {"name": "Khorasan"},
    "source-says": {"source": "src-3fb481a9"},
    "timeline": {"entity": "isis-k"},
}
ENTITIES = ["isis-k", "khorasan-group", "isis", "taliban", "hafiz-saeed-khan", "kerman-bombings-2024",
            "crocus-city-hall-attack-2024", "src-3fb481a9", "abdul-rahim-muslim-dost", "khorasani-iraq-front"]
SEARCHES = ["Khorasan", "خراسان", "ولاية خراسان", "Taliban", "Kerman"]


@dataclass
class Sample:
    kind: str
    start: float
    seconds: float
    status: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, accept: str, data: bytes | None = None) -> int:
    """The status of one request (a form POST when ``data`` is given); 0 when it could not be made."""
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        return int(error.code)
    except OSError:
        return 0


def _sparqlwrapper(endpoint: str, text: str) -> int:
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    client.setTimeout(120)
    try:
        client.query().convert()
        return 200
    except SPARQLWrapperException:
        return 500
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _plain_queries() -> dict[str, str]:
    """The library's queries without parameters, header comments removed.

    SPARQLWrapper 2.0 guesses the query form with a regex that leaves every other comment
    line in place, so a header saying "people who moved" reads as a MOVE update and is sent
    as one (the server rightly answers 403).
    """
    found = {}
    for path in sorted((REPO / "queries").glob("*.rq")):
        if path.stem not in PARAMS:
            lines = path.read_text(encoding="utf-8").splitlines()
            found[path.stem] = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    return found


def well_formed(base: str, rng: random.Random, plain: dict[str, str]) -> tuple[str, int]:
    """One request of the mix; returns its kind and HTTP status."""
    roll = rng.random()
    if roll < 0.45:
        name = rng.choice(sorted(PARAMS))
        url = f"{base}/library/{name}?" + urllib.parse.urlencode(PARAMS[name])
        return "library", _get(url, "application/sparql-results+json")
    if roll < 0.70:
        return "sparqlwrapper", _sparqlwrapper(f"{base}/sparql", plain[rng.choice(sorted(plain))])
    if roll < 0.93:
        return "entity-page", _get(f"{base}/id/{rng.choice(ENTITIES)}", "text/html")
    return "search", _get(f"{base}/search?" + urllib.parse.urlencode({"q": rng.choice(SEARCHES)}), "text/html")


def run(args: argparse.Namespace) -> dict[str, object]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(args.project), "serve", "--port", str(port),
                               "--workers", str(args.workers), "--timeout", str(args.timeout)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        for _ in range(600):
            if _get(base + "/", "text/html") == 200:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("kg serve did not start within 60 s")
        return _load(base, args)
    finally:
        server.terminate()
        server.wait(30)


def _load(base: str, args: argparse.Namespace) -> dict[str, object]:
    plain = _plain_queries()
    samples: list[Sample] = []
    runaways: list[Sample] = []
    lock = threading.Lock()
    began = time.monotonic()
    deadline = began + args.duration
    budget = [args.max_requests]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            start = time.monotonic()
            kind, status = well_formed(base, rng, plain)
            with lock:
                samples.append(Sample(kind, start - began, time.monotonic() - start, status))

    def runaway_client() -> None:
        while time.monotonic() + args.timeout < deadline:
            start = time.monotonic()
            status = _get(f"{base}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),
                          "application/sparql-results+json")
            runaways.append(Sample("runaway", start - began, time.monotonic() - start, status))
            time.sleep(max(0.0, args.runaway_every - (time.monotonic() - start)))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(args.clients)]
    threads.append(threading.Thread(target=runaway_client))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return _report(samples, runaways, elapsed, args)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1), "p99_ms": round(p99 * 1000, 1)}


def _report(samples: list[Sample], runaways: list[Sample], elapsed: float,
            args: argparse.Namespace) -> dict[str, object]:
    errors = [s for s in samples if s.status != 200]
    during = [s.seconds for s in samples
              if any(r.start <= s.start <= r.start + r.seconds for r in runaways)]
    kinds = sorted({s.kind for s in samples})
    cut_off = [r for r in runaways if r.status == 503 and r.seconds < args.timeout + 10]
    return {
        "clients": args.clients, "workers": args.workers, "timeout_s": args.timeout,
        "duration_s": round(elapsed, 1), "requests": len(samples),
        "throughput_rps": round(len(samples) / elapsed, 1),
        "latency": _percentiles([s.seconds for s in samples]),
        "by_kind": {k: _percentiles([s.seconds for s in samples if s.kind == k]) for k in kinds},
        "during_runaways": _percentiles(during),
        "errors": len(errors), "error_statuses": sorted({s.status for s in errors}),
        "runaways": len(runaways), "runaways_cut_off": len(cut_off),
        "runaway_seconds": [round(r.seconds, 2) for r in runaways],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--runaway-every", type=float, default=15.0)
    parser.add_argument("--quick", action="store_true", help="CI smoke size: 2 clients, 6 s, 2 s timeout.")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.duration, args.timeout, args.runaway_every = 2, 6.0, 2.0, 3.0
    figures = run(args)
    rows = [("all", figures["latency"]), ("during runaways", figures["during_runaways"]),
            *((k, v) for k, v in figures["by_kind"].items())]  # type: ignore[attr-defined]
    print(f"{'requests':<18}{'n':>7}{'p50 ms':>10}{'p99 ms':>10}")
    for label, stats in rows:
        print(f"{label:<18}{stats['n']:>7}{stats['p50_ms']:>10}{stats['p99_ms']:>10}")
    print(f"throughput {figures['throughput_rps']} req/s over {figures['duration_s']} s; errors {figures['errors']}; "
          f"runaways cut off {figures['runaways_cut_off']}/{figures['runaways']} ({figures['runaway_seconds']} s)")
    print(json.dumps(figures))
    if figures["errors"] or figures["runaways_cut_off"] != figures["runaways"] or not figures["runaways"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
