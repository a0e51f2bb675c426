"""``kg query`` and ``kg prefixes``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pyoxigraph

from cli.choices import Choice
from cli.deadline import deadline
from cli.output import emit, format_options, render
from kg.errors import fail
from kg.namespaces import PREFIXES, curie, prologue_line
from kg.store.push import DEFAULT_GRAPH
from kg.store.query import library, library_bindings, read_query_file, run, term
from kg.store.store import open_store

RESULT_FORMATS = {"json": pyoxigraph.QueryResultsFormat.JSON, "csv": pyoxigraph.QueryResultsFormat.CSV,
                  "tsv": pyoxigraph.QueryResultsFormat.TSV, "xml": pyoxigraph.QueryResultsFormat.XML}
SOLUTION_FORMATS = ("table", "json", "csv", "tsv", "xml")
GRAPH_FORMATS = ("turtle", "jsonld")


def _short(node: Any) -> str:
    if isinstance(node, pyoxigraph.NamedNode):
        short = curie(node.value)
        return short if short != node.value else f"<{node.value}>"
    if isinstance(node, pyoxigraph.Literal):
        return node.value
    return "" if node is None else str(node)


@click.command("query")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--name", help="Run a named query from the library (queries/NAME.rq); see --list.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to an RDF term, never pasted into the text. Library queries read VALUE by the "
                   "type in their header; ad-hoc queries take <iri>, prefix:local, \"text\"@lang, "
                   "\"5\"^^xsd:integer or plain text, and must select ?NAME.")
@click.option("--list", "list_library", is_flag=True, help="List the library's queries and their parameters.")
@click.option("--format", "-f", "fmt", type=Choice(SOLUTION_FORMATS + GRAPH_FORMATS),
              help="SELECT and ASK: table (default), json, csv, tsv, xml (SPARQL 1.1 results formats). "
                   "CONSTRUCT and DESCRIBE: turtle (default) or jsonld.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0),
              help="Seconds the query may run; past it, exit 2 with nothing written (0: no limit).")
@click.option("--bom", is_flag=True, help="csv and tsv: start with a UTF-8 byte order mark, so that Excel reads "
              "the Arabic as UTF-8.")
@click.option("--endpoint", metavar="URL", help="Run it on a remote SPARQL 1.1 query endpoint instead of the "
              "local build, e.g. http://localhost:7878/query (see docs/push.md).")
@click.option("--graph", default=DEFAULT_GRAPH, show_default=True, metavar="IRI",
              help="With --endpoint: the graph queried as default graph (the one kg push wrote); "
                   "'' for the server's own default graph.")
@click.pass_obj
def query_command(obj: dict[str, object], text: str | None, file: Path | None, name: str | None,
                  params: tuple[str, ...], list_library: bool, fmt: str | None, output: Path | None,
                  timeout: float, bom: bool, endpoint: str | None, graph: str) -> None:
    """Run SPARQL on the built graph: QUERY text, --file q.rq, or --name from the library.

    Updates, LOAD and SERVICE are refused. The predeclared prefixes (kg prefixes) need no PREFIX line.
    With --endpoint, the same queries run on a remote store, parameters sent as a VALUES block.

    \b
    Example:
      kg query --name affiliations-at --param org=isis-k --param date=2015-10
    """
    if list_library:
        emit(_listing(fmt or "table"), output)
        return
    if sum(x is not None for x in (text, file, name)) != 1:
        raise fail("kg query", "give exactly one of QUERY, --file or --name", hint="see kg query --help",
                   exit_code=2)
    if bom and fmt not in ("csv", "tsv"):
        raise fail("--bom", "only -f csv and -f tsv take a byte order mark", hint="add -f csv", exit_code=2)
    mark = "\ufeff" if bom else ""
    root = Path(str(obj["root"]))
    pairs = dict(_pair(p) for p in params)
    if endpoint is not None:
        emit(mark + _format(_remote(endpoint, graph, text, file, name, pairs, timeout or None), fmt), output)
        return
    if name is not None:
        queries = library()
        if name not in queries:
            raise fail(name, "no such library query", hint=f"known: {', '.join(sorted(queries))}", exit_code=2)
        chosen = queries[name]
        store = open_store(root, on_rebuild=_say)
        # names are resolved through the store's name index: no rdflib parse of the whole graph
        resolver = (_resolver(root, store) if any(p.type == "entity" for p in chosen.params) else None)
        bindings = library_bindings(chosen, pairs, lambda value: resolver.choose(value).iri if resolver else value)
        query_text = chosen.text
    else:
        query_text = read_query_file(file) if file is not None else str(text)
        bindings = {key: term(value) for key, value in pairs.items()}
        store = open_store(root, on_rebuild=_say)
    label = name or (str(file) if file else "query")
    with deadline(timeout, label):
        text_out = _format(run(store, query_text, bindings, name=label), fmt)
    emit(mark + text_out, output)


def _resolver(root: Path, store: pyoxigraph.Store) -> Any:
    """The project's resolver, loaded only for a query that takes an entity (it reads no rdflib)."""
    from kg.analysis.resolve import Resolver
    from kg.store.reader import StoreGraph

    return Resolver.for_project(root, StoreGraph(store))


def _remote(endpoint: str, graph: str, text: str | None, file: Path | None, name: str | None,
            pairs: dict[str, str], timeout: float | None) -> Any:
    """The query run at a remote endpoint; entity names resolved from the remote graph's labels."""
    from kg.analysis.resolve import Resolver
    from kg.store.remote import remote_names_graph, remote_query

    if name is None:
        query_text = read_query_file(file) if file is not None else str(text)
        bindings = {key: term(value) for key, value in pairs.items()}
    else:
        chosen = library().get(name)
        if chosen is None:
            raise fail(name, "no such library query", hint=f"known: {', '.join(sorted(library()))}", exit_code=2)
        resolver = (Resolver(remote_names_graph(endpoint, graph or None, timeout))
                    if any(p.type == "entity" for p in chosen.params) else None)
        bindings = library_bindings(chosen, pairs, lambda value: resolver.one(value) if resolver else value)
        query_text = chosen.text
    return remote_query(endpoint, query_text, bindings, name=name or str(file or "query"), graph=graph or None,
                        timeout=timeout)


def _say(message: str) -> None:
    click.echo(message, err=True)


def _listing(fmt: str) -> str:
    if fmt not in ("table", "json", "csv"):
        raise fail(f"-f {fmt}", "kg query --list gives table, json or csv", hint="use -f json", exit_code=2)
    rows = [{"name": q.name, "title": q.title,
             "params": ", ".join(f"{p.name} ({p.type})" for p in q.params), "description": q.description}
            for q in library().values()]
    return render(rows, fmt, ["name", "params", "title"] if fmt == "table" else ["name", "title", "params",
                                                                                   "description"])


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise fail(f"--param {text}", "expected NAME=VALUE", hint="e.g. --param org=isis-k", exit_code=2)
    return key, value


def _format(result: Any, fmt: str | None) -> str:
    graph_result = not isinstance(result, pyoxigraph.QueryBoolean | pyoxigraph.QuerySolutions)
    allowed = GRAPH_FORMATS if graph_result else SOLUTION_FORMATS
    if fmt is None:
        fmt = allowed[0]
    elif fmt not in allowed:
        form = "CONSTRUCT and DESCRIBE give" if graph_result else "SELECT and ASK give"
        raise fail(f"-f {fmt}", f"{form} {', '.join(allowed)}", hint=f"use -f {allowed[0]}", exit_code=2)
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
    from rdflib import Graph  # CONSTRUCT and DESCRIBE only: SELECT and ASK never load rdflib

    from kg.export.jsonld import compact, dump_json

    graph = Graph().parse(data=nt.decode("utf-8"), format="nt")
    if fmt == "jsonld":
        return dump_json(compact(graph)).decode("utf-8")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format="turtle")


@click.command("prefixes")
@format_options("sparql")
def prefixes_command(fmt: str, output: Path | None) -> None:
    """List the prefixes every query may use without declaring them.

    -f sparql prints them as PREFIX declarations on one line, to paste before a query for a
    client that parses it before sending it (Jena's rsparql, SERVICE from another store).

    \b
    Example:
      kg prefixes -f csv
    """
    if fmt == "sparql":
        emit(prologue_line() + "\n", output)
        return
    rows = [{"prefix": p, "namespace": str(ns)} for p, ns in PREFIXES.items()]
    emit(render(rows, fmt, ["prefix", "namespace"]), output)


COMMANDS = [query_command, prefixes_command]
