"""``kg query`` and ``kg prefixes``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pyoxigraph
from rdflib import Graph

from cli.common import Session
from cli.output import emit, render
from kg.errors import fail
from kg.jsonld import compact, dump_json
from kg.namespaces import PREFIXES
from kg.query import library, read_query_file, run, term, typed
from kg.store import open_store

RESULT_FORMATS = {"json": pyoxigraph.QueryResultsFormat.JSON, "csv": pyoxigraph.QueryResultsFormat.CSV,
                  "tsv": pyoxigraph.QueryResultsFormat.TSV, "xml": pyoxigraph.QueryResultsFormat.XML}


def _short(node: Any) -> str:
    if isinstance(node, pyoxigraph.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if node.value.startswith(str(namespace)):
                return f"{prefix}:{node.value[len(str(namespace)):]}"
        return f"<{node.value}>"
    if isinstance(node, pyoxigraph.Literal):
        return node.value
    return "" if node is None else str(node)


@click.command("query")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--name", help="Run a named query from the library (queries/*.rq).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (as an RDF term, never pasted into the text).")
@click.option("--format", "-f", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv", "tsv", "xml", "turtle", "jsonld"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def query_command(obj: dict[str, object], text: str | None, file: Path | None, name: str | None,
                  params: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Run SPARQL on the built graph: QUERY text, --file q.rq, or --name from the library."""
    if sum(x is not None for x in (text, file, name)) != 1:
        raise fail("kg query", "give exactly one of QUERY, --file or --name", hint="see kg query --help",
                   exit_code=2)
    root = Path(str(obj["root"]))
    pairs = dict(_pair(p) for p in params)
    if name is not None:
        queries = library()
        if name not in queries:
            raise fail(name, "no such library query", hint=f"known: {', '.join(sorted(queries))}", exit_code=2)
        chosen = queries[name]
        declared = {p.name: p for p in chosen.params}
        unknown = sorted(set(pairs) - set(declared))
        missing = sorted(set(declared) - set(pairs))
        if unknown or missing:
            raise fail(name, f"unknown parameters {unknown} / missing parameters {missing}",
                       hint="declared: " + ", ".join(f"{p.name} ({p.type})" for p in chosen.params), exit_code=2)
        resolver = Session(obj).resolver if any(p.type == "entity" for p in chosen.params) else None
        bindings: dict[str, Any] = {}
        for key, value in pairs.items():
            bindings.update(typed(declared[key], value, lambda v: resolver.one(v) if resolver else v))
        query_text = chosen.text
    else:
        query_text = read_query_file(file) if file is not None else str(text)
        bindings = {key: term(value) for key, value in pairs.items()}
    store = open_store(root, on_rebuild=lambda message: click.echo(message, err=True))
    result = run(store, query_text, bindings, name=name or (str(file) if file else "query"))
    emit(_format(result, fmt), output)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise fail(f"--param {text}", "expected NAME=VALUE", hint="e.g. --param org=isis-k", exit_code=2)
    return key, value


def _format(result: Any, fmt: str) -> str:
    if isinstance(result, pyoxigraph.QueryBoolean):
        if fmt in RESULT_FORMATS:
            return (result.serialize(format=RESULT_FORMATS[fmt]) or b"").decode("utf-8")
        return "true" if bool(result) else "false"
    if isinstance(result, pyoxigraph.QuerySolutions):
        if fmt in RESULT_FORMATS:
            return (result.serialize(format=RESULT_FORMATS[fmt]) or b"").decode("utf-8")
        names = [v.value for v in result.variables]
        rows = [{n: _short(solution[n]) for n in names} for solution in result]
        return render(rows, "table", names)
    triples = list(result)
    nt = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    graph = Graph().parse(data=nt.decode("utf-8"), format="nt")
    if fmt == "jsonld":
        return dump_json(compact(graph)).decode("utf-8")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format="turtle")


@click.command("prefixes")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
def prefixes_command(fmt: str) -> None:
    """List the prefixes every query may use without declaring them."""
    rows = [{"prefix": p, "namespace": str(ns)} for p, ns in PREFIXES.items()]
    click.echo(render(rows, fmt, ["prefix", "namespace"]))


COMMANDS = [query_command, prefixes_command]
