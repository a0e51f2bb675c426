"""Library queries on the embedded Oxigraph store vs rdflib's in-memory engine, side by side.

Usage: python bench/query_speed.py [--project DIR] [--repeat N] [--quick]

Both engines answer the same queries with the same bound parameters over the same
graph (exports/graph.nt), in one run. Prints a table, then one JSON line with the
median seconds per query for each engine, the speedup ratio, and the row count each
engine returned (rdflib's ``initBindings`` and Oxigraph's SEP-0007 substitutions could
disagree; a difference is flagged, not hidden). ``kg query`` adds a safety check
(parsing the query to refuse SERVICE and updates); its median cost is reported separately.

On the curated graph the parameters are fixed (``DEFAULTS``, as in docs/performance.md);
another project (the kitchen-sink fixture) gets the most used term of each kind.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph, Literal, URIRef

from kg import dates
from kg.namespaces import PREFIXES, sparql_prologue
from kg.store.binding import with_values
from kg.store.query import library, run, term
from kg.store.store import open_graph, open_store

PREFIX_MAP = {p: str(ns) for p, ns in PREFIXES.items()}
DEFAULTS = {"org": "<https://w3id.org/mkg/id/isis-k>", "agent": "<https://w3id.org/mkg/id/isis-k>",
            "entity": "<https://w3id.org/mkg/id/isis-k>", "place": "<https://w3id.org/mkg/id/russia-country>",
            "name": "Khorasan", "source": "<https://w3id.org/mkg/id/src-3fb481a9>", "date": "2015-10"}
"""The parameters used on the curated graph (docs/performance.md)."""
BUSIEST = {  # elsewhere: the most used term of each kind
    "org": "SELECT ?x WHERE { ?f org:organization ?x } GROUP BY ?x ORDER BY DESC(COUNT(*)) ?x LIMIT 1",
    "agent": "SELECT ?x WHERE { ?f mkg:perpetrator ?x } GROUP BY ?x ORDER BY DESC(COUNT(*)) ?x LIMIT 1",
    "entity": "SELECT ?x WHERE { ?f org:organization ?x } GROUP BY ?x ORDER BY DESC(COUNT(*)) ?x LIMIT 1",
    "place": "SELECT ?x WHERE { ?a mkg:place/geo:sfWithin* ?x } GROUP BY ?x ORDER BY DESC(COUNT(*)) ?x LIMIT 1",
    "source": "SELECT ?x WHERE { ?f prov:wasDerivedFrom ?x } GROUP BY ?x ORDER BY DESC(COUNT(*)) ?x LIMIT 1",
    "name": "SELECT (STRBEFORE(CONCAT(STR(?l), ' '), ' ') AS ?x) WHERE { ?f org:organization ?o . "
            "?o skos:prefLabel ?l FILTER (lang(?l) = 'en') } GROUP BY ?l ORDER BY DESC(COUNT(*)) ?l LIMIT 1",
    "date": "SELECT (SUBSTR(STR(?d), 1, 7) AS ?x) WHERE { ?f org:memberDuring/time:hasBeginning/mkg:latest ?d } "
            "ORDER BY ?d LIMIT 1",
}


def solutions(store: pyoxigraph.Store, text: str, bound: dict[str, Any] | None = None) -> list[Any]:
    """The rows of a library query, its parameters bound as kg does it (a VALUES block)."""
    result = store.query(with_values(text, bound or {}), prefixes=PREFIX_MAP)
    assert isinstance(result, pyoxigraph.QuerySolutions), "library queries are SELECT queries"
    return list(result)


def parameter_values(store: pyoxigraph.Store) -> dict[str, str]:
    """The curated defaults when the graph is the curated one, else the busiest term of each kind."""
    if solutions(store, "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", {"x": term(DEFAULTS["org"])}):
        return dict(DEFAULTS)
    values = {}
    for key, default in DEFAULTS.items():
        found = [row["x"] for row in solutions(store, BUSIEST[key])]
        if found and isinstance(found[0], pyoxigraph.NamedNode):
            values[key] = f"<{found[0].value}>"
        else:
            values[key] = found[0].value if found else default
    return values


def bindings(name: str, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same parameters as pyoxigraph terms and as rdflib terms."""
    ox: dict[str, Any] = {}
    rd: dict[str, Any] = {}
    for param in library()[name].params:
        if param.type == "date":
            xsd = "http://www.w3.org/2001/XMLSchema#date"
            span = dates.parse(values[param.name])
            for suffix, day in (("earliest", span.earliest), ("latest", span.latest)):
                ox[f"{param.name}_{suffix}"] = pyoxigraph.Literal(day.isoformat(), datatype=pyoxigraph.NamedNode(xsd))
                rd[f"{param.name}_{suffix}"] = Literal(day.isoformat(), datatype=URIRef(xsd))
        else:
            value = values[param.name]
            ox[param.name] = term(value)
            rd[param.name] = URIRef(value[1:-1]) if value.startswith("<") else Literal(value)
    return ox, rd


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_checked(store: pyoxigraph.Store, text: str, bound: dict[str, Any], name: str) -> list[Any]:
    """What ``kg query`` does: the safety check, then the query."""
    return list(run(store, text, bound, name=name))


def rdflib_rows(graph: Graph, text: str, bound: dict[str, Any]) -> list[Any]:
    return list(graph.query(sparql_prologue() + text, initBindings=bound))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 repetitions")
    args = parser.parse_args()
    repeat = 2 if args.quick else args.repeat
    store = open_store(args.project)
    graph = open_graph(args.project)
    values = parameter_values(store)
    results: dict[str, dict[str, Any]] = {}
    safety: list[float] = []
    print(f"{'query':<18} {'oxigraph s':>11} {'rdflib s':>10} {'speedup':>8} {'rows':>6} {'rdflib rows':>11}")
    for name, query in sorted(library().items()):
        ox, rd = bindings(name, values)
        rows = len(solutions(store, query.text, ox))
        oxigraph = median_seconds(partial(solutions, store, query.text, ox), repeat)
        checked = median_seconds(partial(run_checked, store, query.text, ox, name), repeat)
        safety.append(checked - oxigraph)
        try:
            other_rows = len(rdflib_rows(graph, query.text, rd))
            rdflib = median_seconds(partial(rdflib_rows, graph, query.text, rd), repeat)
        except Exception as exc:  # rdflib's engine fails on some valid queries; say so, don't hide it
            print(f"{name:<18} {oxigraph:>11.5f} {'failed':>10} {'':>8} {rows:>6} ({type(exc).__name__}: {exc})")
            results[name] = {"oxigraph_s": round(oxigraph, 6), "rdflib_s": None, "rows": rows,
                             "rdflib_error": str(exc)}
            continue
        results[name] = {"oxigraph_s": round(oxigraph, 6), "rdflib_s": round(rdflib, 6),
                         "speedup": round(rdflib / oxigraph, 1) if oxigraph else None,
                         "rows": rows, "rdflib_rows": other_rows}
        flag = "" if rows == other_rows else "  (row counts differ)"
        print(f"{name:<18} {oxigraph:>11.5f} {rdflib:>10.5f} {rdflib / oxigraph:>7.1f}x {rows:>6} "
              f"{other_rows:>11}{flag}")
    both = [r for r in results.values() if r["rdflib_s"] is not None]
    total_ox = sum(r["oxigraph_s"] for r in both)
    total_rd = sum(r["rdflib_s"] for r in both)
    ratios = [r["rdflib_s"] / r["oxigraph_s"] for r in both if r["oxigraph_s"]]
    print(json.dumps({"project": str(args.project), "triples": len(graph), "repeat": repeat,
                      "prefixes": len(PREFIXES), "parameters": values,
                      "total_oxigraph_s": round(total_ox, 5), "total_rdflib_s": round(total_rd, 5),
                      "compared": len(both), "overall_speedup": round(total_rd / total_ox, 1),
                      "median_speedup": round(statistics.median(ratios), 1),
                      "geometric_mean_speedup": round(statistics.geometric_mean(ratios), 1),
                      "median_safety_check_s": round(statistics.median(safety), 5),
                      "queries": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
