"""``kg serve`` against ``oxigraph serve`` on the same store, then runaways against fast queries, in one run.

Usage: python bench/load_compare.py [--project DIR] [--clients 8] [--duration 30] [--quick]

Phases, each on a fresh server with the default settings (2 workers, 10 s timeout) unless
said otherwise, each for ``--duration`` seconds of closed-loop clients:

1. ``kg``: the SPARQL part of bench/load_serve.py's mix at ``--clients`` clients: library
   queries with parameters on ``/library/NAME`` (64%) and parameterless library queries sent
   by SPARQLWrapper to ``/sparql`` (36%).
2. ``oxigraph``: the same mix against ``oxigraph serve-read-only`` opened on the same
   ``.kg/store``: the same queries with the same parameters, bound as the VALUES block
   ``kg query --endpoint`` sends, on ``/query``.
3. ``runaway-client``: 15 clients send the mix while one more client sends nothing but
   runaway queries (a three-way cross product of the graph), 4 at a time.
4. ``mix16``: 16 clients, each request a runaway with probability 5%.

Prints one JSON line: each phase's throughput, p50/p99 by kind and errors among the
well-formed requests, and kg's throughput and p99 as a ratio of Oxigraph's. Exits 1 when a
well-formed request failed in phases 3 or 4.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from load_serve import PARAMS, REPO, RUNAWAY, Sample, _free_port, _get, _percentiles, _plain_queries, _sparqlwrapper


def _post(url: str, text: str) -> int:
    return _get(url, "application/sparql-results+json", urllib.parse.urlencode({"query": text}).encode())


def bound_texts(project: Path) -> dict[str, str]:
    """Each parameterized library query with its parameters bound, as kg query --endpoint sends it."""
    from kg.analysis.resolve import Resolver
    from kg.namespaces import sparql_prologue
    from kg.store.binding import with_values
    from kg.store.query import library, library_bindings
    from kg.store.store import stored_graph

    graph = stored_graph(project)
    resolver = Resolver.for_project(project, graph)
    texts = {}
    for name, values in PARAMS.items():
        chosen = library()[name]
        bindings = library_bindings(chosen, values, resolver.one)
        texts[name] = sparql_prologue() + with_values(chosen.text, bindings)
    return texts


Mix = Callable[[random.Random], tuple[str, int]]


def kg_mix(base: str, plain: dict[str, str]) -> Mix:
    def one(rng: random.Random) -> tuple[str, int]:
        if rng.random() < 0.64:
            name = rng.choice(sorted(PARAMS))
            url = f"{base}/library/{name}?" + urllib.parse.urlencode(PARAMS[name])
            return "library", _get(url, "application/sparql-results+json")
        return "sparqlwrapper", _sparqlwrapper(f"{base}/sparql", plain[rng.choice(sorted(plain))])
    return one


def oxigraph_mix(base: str, plain: dict[str, str], bound: dict[str, str]) -> Mix:
    def one(rng: random.Random) -> tuple[str, int]:
        if rng.random() < 0.64:
            return "library", _post(f"{base}/query", bound[rng.choice(sorted(PARAMS))])
        from kg.namespaces import sparql_prologue  # Oxigraph knows no predeclared prefix

        return "sparqlwrapper", _sparqlwrapper(f"{base}/query", sparql_prologue() + plain[rng.choice(sorted(plain))])
    return one


def drive(mix: Mix, clients: int, duration: float, *, runaway: Callable[[], int] | None = None,
          runaway_threads: int = 0, runaway_share: float = 0.0, processes: bool = False) -> dict[str, Any]:
    """Closed-loop clients for ``duration`` s; runaway threads, or a share of each client's requests, run away.

    ``processes``: each client in a process of its own, so that the clients' Python (one GIL for
    all of them) is not what bounds the latencies measured.
    """
    samples: list[Sample] = []
    runaways: list[Sample] = []
    lock = threading.Lock()
    began = time.monotonic()
    deadline = began + duration

    def client(seed: int, out: list[Sample] = samples, out_runaways: list[Sample] = runaways) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            start = time.monotonic()
            if runaway is not None and runaway_share and rng.random() < runaway_share:
                status = runaway()
                with lock:
                    out_runaways.append(Sample("runaway", start - began, time.monotonic() - start, status))
                continue
            kind, status = mix(rng)
            with lock:
                out.append(Sample(kind, start - began, time.monotonic() - start, status))

    def client_process(seed: int, queue: Any) -> None:
        """One client in a process of its own (forked: it shares the mix), its samples sent back at the end."""
        mine: list[Sample] = []
        mine_runaways: list[Sample] = []
        client(seed, mine, mine_runaways)
        queue.put(([tuple(vars(s).values()) for s in mine], [tuple(vars(s).values()) for s in mine_runaways]))

    def runaway_client() -> None:
        while runaway is not None and time.monotonic() < deadline:
            start = time.monotonic()
            status = runaway()
            with lock:
                runaways.append(Sample("runaway", start - began, time.monotonic() - start, status))

    threads = [threading.Thread(target=runaway_client) for _ in range(runaway_threads)]
    if processes:
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        workers = [context.Process(target=client_process, args=(seed, queue)) for seed in range(clients)]
        for worker in workers:
            worker.start()
    else:
        threads += [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    if processes:
        for _ in workers:
            mine, mine_runaways = queue.get()
            samples.extend(Sample(*fields) for fields in mine)
            runaways.extend(Sample(*fields) for fields in mine_runaways)
        for worker in workers:
            worker.join()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    errors = [s for s in samples if s.status != 200]
    kinds = sorted({s.kind for s in samples})
    return {"clients": clients, "duration_s": round(elapsed, 1), "requests": len(samples),
            "throughput_rps": round(len(samples) / elapsed, 1), "latency": _percentiles([s.seconds for s in samples]),
            "by_kind": {k: _percentiles([s.seconds for s in samples if s.kind == k]) for k in kinds},
            "errors": len(errors), "error_statuses": sorted({s.status for s in errors}),
            "runaways": len(runaways), "runaway_statuses": sorted({r.status for r in runaways}),
            "runaway_seconds_max": round(max((r.seconds for r in runaways), default=0.0), 2)}


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(900):
        if _get(url, "*/*") in (200, 400):
            return
        if process.poll() is not None:
            raise SystemExit(f"server exited: {url}")
        time.sleep(0.1)
    raise SystemExit(f"server did not start: {url}")


def kg_server(project: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(project), "serve", "--port", str(port),
                                *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/", process)
    return process, base


def oxigraph_server(project: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph server is missing: pip install oxigraph")
    port = _free_port()
    process = subprocess.Popen([binary, "serve-read-only", "--location", str(project / ".kg" / "store"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/query?query=ASK%7B%7D", process)
    return process, base


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--quick", action="store_true", help="CI smoke size: 2 clients, 4 s a phase.")
    parser.add_argument("--processes", action="store_true",
                        help="Run each client in a process of its own (default: threads of this one).")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.duration = 2, 4.0
    plain = _plain_queries()
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()[0], "processes": args.processes}
    process, base = kg_server(args.project)  # first: it brings the store up to date
    bound = bound_texts(args.project)
    try:
        figures["kg"] = drive(kg_mix(base, plain), args.clients, args.duration, processes=args.processes)
        ox_process, ox_base = oxigraph_server(args.project)
        try:
            figures["oxigraph"] = drive(oxigraph_mix(ox_base, plain, bound), args.clients, args.duration,
                                        processes=args.processes)
        finally:
            stop(ox_process)
        runaway = lambda: _get(f"{base}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),  # noqa: E731
                               "application/sparql-results+json")
        fast = 2 if args.quick else 15
        figures["runaway_client"] = drive(kg_mix(base, plain), fast, max(args.duration, 12.0), runaway=runaway,
                                          runaway_threads=4, processes=args.processes)
        figures["mix16"] = drive(kg_mix(base, plain), 2 if args.quick else 16, max(args.duration, 12.0),
                                 runaway=runaway, runaway_share=0.05, processes=args.processes)
    finally:
        stop(process)
    figures["load_average_end"] = os.getloadavg()[0]
    kg, ox = figures["kg"], figures["oxigraph"]
    figures["ratio"] = {
        "throughput": round(kg["throughput_rps"] / max(ox["throughput_rps"], 1e-9), 2),
        "p99": round(kg["latency"]["p99_ms"] / max(ox["latency"]["p99_ms"], 1e-9), 2),
        "library_p99": round(kg["by_kind"]["library"]["p99_ms"] / max(ox["by_kind"]["library"]["p99_ms"], 1e-9), 2),
    }
    for name in ("kg", "oxigraph", "runaway_client", "mix16"):
        phase = figures[name]
        print(f"{name:<15} {phase['throughput_rps']:>7} req/s  p50 {phase['latency']['p50_ms']:>7} ms  "
              f"p99 {phase['latency']['p99_ms']:>7} ms  library p99 "
              f"{phase['by_kind'].get('library', {}).get('p99_ms', '-')} ms  errors {phase['errors']}  "
              f"runaways {phase['runaways']} {phase['runaway_statuses']}", file=sys.stderr)
    print(json.dumps(figures))
    if figures["runaway_client"]["errors"] or figures["mix16"]["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
