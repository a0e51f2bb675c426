"""Library queries on the embedded Oxigraph store vs rdflib's in-memory engine, side by side.

Usage: python bench/query_speed.py [--project DIR] [--repeat N] [--quick]

Both engines answer the same queries with the same bound parameters over the same
graph (exports/graph.nt), in one run. Prints a table, then one JSON line with the
median seconds per query for each engine and the speedup ratio. ``kg query`` adds a
safety check (parsing the query to refuse SERVICE and updates); its median cost is
reported separately.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pyoxigraph
from rdflib import Literal, URIRef

from kg.namespaces import PREFIXES, sparql_prologue
from kg.query import library, run, term
from kg.store import open_graph, open_store

DEFAULTS = {"org": "<https://w3id.org/mkg/id/isis-k>", "agent": "<https://w3id.org/mkg/id/isis-k>",
            "place": "<https://w3id.org/mkg/id/russia-country>", "name": "Khorasan",
            "source": "<https://w3id.org/mkg/id/src-3fb481a9>"}


def bindings(name: str) -> tuple[dict[str, object], dict[str, object]]:
    ox: dict[str, object] = {}
    rd: dict[str, object] = {}
    for param in library()[name].params:
        if param.type == "date":
            xsd = "http://www.w3.org/2001/XMLSchema#date"
            for suffix, day in (("earliest", "2015-10-01"), ("latest", "2015-10-31")):
                ox[f"{param.name}_{suffix}"] = pyoxigraph.Literal(day, datatype=pyoxigraph.NamedNode(xsd))
                rd[f"{param.name}_{suffix}"] = Literal(day, datatype=URIRef(xsd))
        else:
            value = DEFAULTS[param.name]
            ox[param.name] = term(value)
            rd[param.name] = URIRef(value[1:-1]) if value.startswith("<") else Literal(value)
    return ox, rd


def median_seconds(action: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 repetitions")
    args = parser.parse_args()
    repeat = 2 if args.quick else args.repeat
    store = open_store(args.project)
    graph = open_graph(args.project)
    results = {}
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    safety: list[float] = []
    print(f"{'query':<18} {'oxigraph s':>11} {'rdflib s':>10} {'speedup':>8}")
    for name, query in sorted(library().items()):
        ox, rd = bindings(name)
        substitutions = {pyoxigraph.Variable(k): v for k, v in ox.items()}
        oxigraph = median_seconds(lambda q=query.text, b=substitutions: list(
            store.query(q, prefixes=prefixes, substitutions=b)), repeat)
        checked = median_seconds(lambda q=query.text, b=ox, n=name: list(run(store, q, b, name=n)), repeat)
        safety.append(checked - oxigraph)
        try:
            rdflib = median_seconds(
                lambda q=query.text, b=rd: list(graph.query(sparql_prologue() + q, initBindings=b)), repeat)
        except Exception as exc:  # rdflib's engine fails on some valid queries; say so, don't hide it
            print(f"{name:<18} {oxigraph:>11.5f} {'failed':>10} ({type(exc).__name__}: {exc})")
            results[name] = {"oxigraph_s": round(oxigraph, 6), "rdflib_s": None, "rdflib_error": str(exc)}
            continue
        results[name] = {"oxigraph_s": round(oxigraph, 6), "rdflib_s": round(rdflib, 6),
                         "speedup": round(rdflib / oxigraph, 1) if oxigraph else None}
        print(f"{name:<18} {oxigraph:>11.5f} {rdflib:>10.5f} {rdflib / oxigraph:>7.1f}x")
    both = [r for r in results.values() if r["rdflib_s"] is not None]
    total_ox = sum(r["oxigraph_s"] for r in both)  # type: ignore[misc]
    total_rd = sum(r["rdflib_s"] for r in both)  # type: ignore[misc]
    print(json.dumps({"triples": len(graph), "repeat": repeat, "prefixes": len(PREFIXES),
                      "total_oxigraph_s": round(total_ox, 5), "total_rdflib_s": round(total_rd, 5),
                      "compared": len(both), "overall_speedup": round(total_rd / total_ox, 1),
                      "median_safety_check_s": round(statistics.median(safety), 5),
                      "queries": results}))


if __name__ == "__main__":
    main()
