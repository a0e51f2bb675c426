"""Running the query library on a remote SPARQL 1.1 store (the SPARQL 1.1 Protocol).

The protocol has no binding API, so parameters travel as a ``VALUES`` block
(:mod:`kg.store.binding`, the same block the local store gets), placed first in the query's
``WHERE`` group rather than after the query as rdflib's ``SPARQLStore`` does: filters,
``BIND`` and ``OPTIONAL`` in the group then see the value. Each value is written as an
RDF term in its N-Triples form, never as raw text, and the query is checked
(:func:`kg.store.sparql_safety.check_query`: no updates, no ``SERVICE``) before and after the
block is added. The predeclared prefixes are sent as
``PREFIX`` lines, since a remote server knows none of them.

Answers come back as pyoxigraph objects (``QuerySolutions``, ``QueryBoolean`` or a
list of ``Triple``), so the CLI formats them exactly as it formats local results.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph

if TYPE_CHECKING:  # requests and rdflib load only when a remote store is asked (0.1 s and 0.3 s)
    import requests
    from rdflib import Graph

from kg.errors import fail
from kg.namespaces import sparql_prologue
from kg.store.binding import with_values
from kg.store.query import NAMES_QUERY
from kg.store.sparql_safety import check_query, query_form

ACCEPT = {"SELECT": "application/sparql-results+json, application/sparql-results+xml;q=0.8",
          "CONSTRUCT": "application/n-triples, text/turtle;q=0.8"}
"""What to ask for, by the query's form (ASK as SELECT, DESCRIBE as CONSTRUCT): a server that is
given both kinds picks by its own rules (Virtuoso wrote a CONSTRUCT as JSON solutions)."""
_RESULTS = {"application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
            "application/json": pyoxigraph.QueryResultsFormat.JSON,
            "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML}
_GRAPHS = {"application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES, "text/plain": pyoxigraph.RdfFormat.N_TRIPLES,
           "text/turtle": pyoxigraph.RdfFormat.TURTLE}


def request(method: str, url: str, *, what: str, timeout: float | None, **kwargs: Any) -> requests.Response:
    """One HTTP request; a failure is a one-line error naming the URL (exit 2 unreachable, 1 refused).

    >>> try:
    ...     request("GET", "http://127.0.0.1:9/sparql", what="query", timeout=5)
    ... except Exception as exc:
    ...     print(exc)
    http://127.0.0.1:9/sparql: query: cannot reach the server: connection refused (hint: check the URL and that \
the server runs)
    """
    import requests

    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise fail(url, f"{what}: no answer within {timeout:g} s", hint="raise --timeout or check the server",
                   exit_code=2) from None
    except requests.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else type(exc).__name__
        raise fail(url, f"{what}: cannot reach the server: {reason}", hint="check the URL and that the server runs",
                   exit_code=2) from None
    except requests.RequestException as exc:
        raise fail(url, f"{what}: {type(exc).__name__}: {exc}", hint="check the URL", exit_code=2) from None
    if response.status_code >= 400:
        body = " ".join(response.text.split())[:200]
        raise fail(url, f"{what}: HTTP {response.status_code} {response.reason}" + (f": {body}" if body else ""),
                   hint=_hint(response.status_code), exit_code=1)
    return response


def _hint(status: int) -> str:
    if status in (401, 403):
        return "give --user NAME and set KG_PUSH_PASSWORD" if status == 401 else "this user may not write there"
    if status == 404:
        return "check the endpoint's path (see docs/push.md)"
    return "see the server's log"


def remote_query(endpoint: str, text: str, bindings: Mapping[str, Any], *, name: str = "query",
                 graph: str | None = None, timeout: float | None = 60.0,
                 auth: tuple[str, str] | None = None) -> Any:
    """Check a query, add its bindings and prefixes, run it at a SPARQL 1.1 Protocol endpoint.

    ``graph`` is sent as ``default-graph-uri`` (the named graph ``kg push`` wrote);
    None queries the server's default graph. Returns ``QuerySolutions``, ``QueryBoolean``
    or a list of ``Triple``.
    """
    check_query(text, name=name)
    full = sparql_prologue() + with_values(text, bindings)
    check_query(full, name=name)  # the block must leave a query that parses, and still a safe one
    data: dict[str, Any] = {"query": full}
    if graph:
        data["default-graph-uri"] = graph
    form = "CONSTRUCT" if query_form(text) in ("CONSTRUCT", "DESCRIBE") else "SELECT"
    response = request("POST", endpoint, what=f"query {name}", timeout=timeout, data=data,
                       headers={"Accept": ACCEPT[form]}, auth=auth)
    return parse_answer(response.content, response.headers.get("Content-Type", ""), where=endpoint)


def parse_answer(body: bytes, content_type: str, *, where: str) -> Any:
    """An endpoint's answer as pyoxigraph results, read by its media type.

    >>> parse_answer(b'{"head": {}, "boolean": true}', "application/sparql-results+json", where="x")
    <QueryBoolean true>
    >>> parse_answer(b'<urn:a> <urn:b> "c" .', "application/n-triples", where="x")[0].object.value
    'c'
    """
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in _RESULTS and _RESULTS[media] == pyoxigraph.QueryResultsFormat.JSON:
            return _json_results(body)
        if media in _RESULTS:
            return pyoxigraph.parse_query_results(body, format=_RESULTS[media])
        if media in _GRAPHS:
            return [pyoxigraph.Triple(q.subject, q.predicate, q.object)
                    for q in pyoxigraph.parse(body, format=_GRAPHS[media])]
    except (SyntaxError, ValueError) as exc:
        raise fail(where, f"unreadable {media} answer: {exc}", hint="check the endpoint URL", exit_code=1) from None
    raise fail(where, f"unexpected answer type {media or 'none'}", hint="is this a SPARQL query endpoint?",
               exit_code=1)


def _json_results(body: bytes) -> Any:
    """SPARQL JSON results, read as the W3C format and as Virtuoso 7 writes it.

    Virtuoso writes a language tag as ``lang`` (not ``xml:lang``), a typed literal as type
    ``typed-literal`` (the 2008 note's name), and an ASK answer as one row of a variable
    ``__ASK_RETVAL`` (1 or 0). Those are read as the standard says; anything else goes to
    pyoxigraph as it came.

    >>> _json_results(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL": '
    ...               b'{"type": "typed-literal", "value": "1"}}]}}')
    <QueryBoolean true>
    >>> row = _json_results(b'{"head": {"vars": ["l"]}, "results": {"bindings": [{"l": {"type": "literal", '
    ...                     b'"lang": "ar", "value": "x"}}]}}')
    >>> next(iter(row))["l"].language
    'ar'
    """
    json_format = pyoxigraph.QueryResultsFormat.JSON
    if b'"lang"' not in body and b"typed-literal" not in body and b"__ASK_RETVAL" not in body:
        return pyoxigraph.parse_query_results(body, format=json_format)
    data = json.loads(body)
    rows = data.get("results", {}).get("bindings", [])
    if data.get("head", {}).get("vars") == ["__ASK_RETVAL"] and len(rows) == 1:
        answer = rows[0].get("__ASK_RETVAL", {}).get("value") not in ("0", "false")
        return pyoxigraph.parse_query_results(json.dumps({"head": {}, "boolean": answer}).encode(), format=json_format)
    for row in rows:
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            if "lang" in term:
                term["xml:lang"] = term.pop("lang")
    return pyoxigraph.parse_query_results(json.dumps(data).encode("utf-8"), format=json_format)


def remote_names_graph(endpoint: str, graph: str | None, timeout: float | None) -> Graph:
    """The entities' types, labels, aliases and notes, from the remote graph (:data:`kg.store.query.NAMES_QUERY`).

    What :class:`kg.analysis.resolve.Resolver` needs to resolve an ``entity`` parameter on that server.
    """
    from rdflib import Graph

    triples = remote_query(endpoint, NAMES_QUERY, {}, name="names", graph=graph, timeout=timeout)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nt")
