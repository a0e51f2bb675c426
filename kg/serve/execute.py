"""One SPARQL request against the store, answered as a whole or not at all.

This runs inside a worker process (:mod:`kg.serve.pool`), so a query that runs too long
can be killed without touching the server. The result is serialized completely before
anything is sent back: a query cut off at its deadline leaves no partial body.

The query runs once. Its rows (or triples) are taken one by one, and past the limit the
run stops and the answer is 422: a huge result is refused without being held or
serialized. Rows within the limit are written as SPARQL JSON results and handed back to
pyoxigraph, which serializes them in the format asked for; triples are serialized as
they come, through the same count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph

from kg.errors import KgError
from kg.namespaces import curie, prefix_map
from kg.serve.negotiate import GRAPHS, SOLUTIONS, Choice, offered
from kg.store.query import run
from kg.store.sparql_safety import ServiceRefused, UpdateRefused

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS = {"json": pyoxigraph.QueryResultsFormat.JSON, "xml": pyoxigraph.QueryResultsFormat.XML,
           "csv": pyoxigraph.QueryResultsFormat.CSV, "tsv": pyoxigraph.QueryResultsFormat.TSV}
RDF = {"turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
       "rdfxml": pyoxigraph.RdfFormat.RDF_XML, "jsonld": pyoxigraph.RdfFormat.JSON_LD}


@dataclass(frozen=True)
class Job:
    """What a worker is asked to do (picklable: it crosses a process boundary)."""

    text: str
    choice: Choice
    max_results: int
    bindings: dict[str, Any] = field(default_factory=dict)
    allow_service: bool = False
    default_graph: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    name: str = "query"
    base_iri: str | None = None


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type and body; HTML answers carry a table instead."""

    status: int
    media_type: str
    body: bytes = b""
    columns: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str, str]]] = field(default_factory=list)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def execute(store: pyoxigraph.Store, job: Job) -> Reply:
    """Run ``job`` and serialize its whole result in the negotiated format.

    >>> store = pyoxigraph.Store()
    >>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p"),
    ...                           pyoxigraph.Literal("x")))
    >>> reply = execute(store, Job("SELECT ?o { ?s ?p ?o }", Choice("csv", None), max_results=10))
    >>> reply.status, reply.body
    (200, b'o\\r\\nx\\r\\n')
    >>> execute(store, Job("SELECT * { ?s ?p ?o }", Choice("csv", None), max_results=0)).status
    422
    >>> execute(store, Job("DELETE WHERE { ?s ?p ?o }", Choice("csv", None), max_results=10)).status
    403
    """
    try:
        result = _run(store, job)
        if isinstance(result, pyoxigraph.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = list(_take(result, job.max_results + 1))
            if len(rows) > job.max_results:
                return _too_many(job)
            if job.choice.solutions == "html":
                return Reply(200, "text/html", columns=names, rows=[[_cell(row[n]) for n in names] for row in rows])
            body = _json_results(names, rows)
            if job.choice.solutions == "json":
                return Reply(200, SOLUTIONS["json"], body)
            result = pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
        elif not isinstance(result, pyoxigraph.QueryBoolean):
            triples = list(_take(result, job.max_results + 1))
            if len(triples) > job.max_results:
                return _too_many(job)
            result = triples
        return _serialize(result, job.choice)
    except UpdateRefused as exc:
        return Reply.error(403, str(exc))
    except ServiceRefused as exc:
        return Reply.error(403, f"{exc} (the operator can allow it: kg serve --allow-service)")
    except KgError as exc:
        return Reply.error(400, str(exc))


def _too_many(job: Job) -> Reply:
    return Reply.error(422, f"{job.name}: the result has more than {job.max_results} rows or triples "
                            "(hint: add a LIMIT, or narrow the pattern)")


def _json_results(names: list[str], rows: list[Any]) -> bytes:
    """Rows already taken, as SPARQL 1.1 JSON results (pyoxigraph reads them back for the other formats)."""
    bindings = [{name: _json_term(row[name]) for name in names if row[name] is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value == XSD_STRING:  # a plain literal, as pyoxigraph writes it
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _run(store: pyoxigraph.Store, job: Job) -> Any:
    return run(store, job.text, job.bindings, name=job.name, allow_service=job.allow_service,
               default_graph=job.default_graph or None, named_graphs=job.named_graphs or None,
               base_iri=job.base_iri)


def _take(result: Any, limit: int) -> Any:
    for count, item in enumerate(result):
        if count >= limit:
            return
        yield item


def _serialize(result: Any, choice: Choice) -> Reply:
    graph_result = not isinstance(result, pyoxigraph.QueryBoolean | pyoxigraph.QuerySolutions)
    fmt = choice.graph if graph_result else choice.solutions
    if fmt is None:
        kind = "CONSTRUCT and DESCRIBE" if graph_result else "SELECT and ASK"
        allowed = ", ".join((GRAPHS if graph_result else SOLUTIONS).values())
        return Reply.error(406, f"query: {kind} results can be {allowed} (hint: the server offers {offered()})")
    if fmt == "html":
        return _table(result)
    if graph_result:
        prefixes = prefix_map()
        body = pyoxigraph.serialize(result, format=RDF[fmt], prefixes=prefixes) or b""
        return Reply(200, GRAPHS[fmt], body)
    return Reply(200, SOLUTIONS[fmt], result.serialize(format=RESULTS[fmt]) or b"")


def _table(result: Any) -> Reply:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Reply(200, "text/html", columns=["answer"], rows=[[("true" if bool(result) else "false", "", "")]])
    return Reply(200, "text/html", columns=["subject", "predicate", "object"],
                 rows=[[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in result])


def _cell(node: Any) -> tuple[str, str, str]:
    """A value as (text to show, IRI to link to or "", language tag or "")."""
    if isinstance(node, pyoxigraph.NamedNode):
        return curie(node.value), node.value, ""
    if isinstance(node, pyoxigraph.Literal):
        return node.value, "", node.language or ""
    return ("" if node is None else str(node)), "", ""
