"""What a SPARQL request may do: read the local graph, nothing else.

Queries are parsed (rdflib's SPARQL 1.1 grammar) before they run: updates (INSERT,
DELETE, LOAD, CLEAR, DROP...) and SERVICE (federation, which would reach the network
from pyoxigraph's native HTTP client) are refused, and a syntax error is reported with
its line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from kg.errors import fail
from kg.namespaces import sparql_prologue


def check_query(text: str, *, name: str = "query") -> None:
    """Raise a one-line :class:`~kg.errors.KgError` (exit 2) unless ``text`` is a safe read query.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    >>> try:
    ...     check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    ... except Exception as exc:
    ...     print(exc)
    query: SERVICE (federated queries) is refused (hint: query the local graph only)
    """
    full = sparql_prologue() + text
    offset = sparql_prologue().count("\n")
    try:
        parsed = parseQuery(full)
    except ParseException as exc:
        if _is_update(full):
            raise fail(name, "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused: the graph is read-only",
                       hint="run kg build to change the graph", exit_code=2) from None
        raise fail(name, f"SPARQL syntax error at line {exc.lineno - offset}, column {exc.col}: {exc.msg}",
                   hint="check the query near that position", exit_code=2) from None
    if "ServiceGraphPattern" in set(_names(translateQuery(parsed).algebra)):
        raise fail(name, "SERVICE (federated queries) is refused", hint="query the local graph only", exit_code=2)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


def _names(node: Any) -> Iterator[str]:
    name = getattr(node, "name", None)
    if isinstance(name, str):
        yield name
    if isinstance(node, dict):
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _names(value)
