"""What a SPARQL request may do: read the local graph, nothing else.

Queries are parsed (rdflib's SPARQL 1.1 grammar) before they run: updates (INSERT,
DELETE, LOAD, CLEAR, DROP...) and SERVICE (federation, which would reach the network
from pyoxigraph's native HTTP client) are refused, and a syntax error is reported with
its line and column. SERVICE is found in the parse tree, wherever it hides (subqueries,
EXISTS in a filter, a projection or ORDER BY), not by matching text, so a literal
``"SERVICE"`` is fine. The tree is not translated to algebra: that step resolves
prefixes and would turn an unknown prefix into an internal error; pyoxigraph reports
it instead, with its position (:func:`oxigraph_syntax_error`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from kg.errors import KgError, Problem, fail
from kg.namespaces import sparql_prologue


class UpdateRefused(KgError):
    """An update (INSERT, DELETE, LOAD, CLEAR, DROP...) sent to the read-only graph."""


class ServiceRefused(KgError):
    """A federated query (SERVICE), which would reach the network."""


def check_query(text: str, *, name: str = "query", allow_service: bool = False) -> None:
    r"""Raise a one-line :class:`~kg.errors.KgError` (exit 2) unless ``text`` is a safe read query.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    >>> try:
    ...     check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    ... except Exception as exc:
    ...     print(exc)
    query: SERVICE (federated queries) is refused (hint: query the local graph only)
    >>> try:
    ...     check_query("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    ... except Exception as exc:
    ...     print(exc)
    query: SPARQL syntax error at line 3, column 3: Expected SelectQuery (hint: check the query near that position)

    An update raises :class:`UpdateRefused` and SERVICE :class:`ServiceRefused` (unless
    ``allow_service``), so a server can answer them with their own status codes.

    The verdict is kept per query text (the last 1,024): a server asked the same query again
    does not parse it again (the parse took 15 ms of a library query's 20).
    """
    refusal = _verdict(text, name, allow_service)
    if refusal is not None:
        raise refusal.with_traceback(None)  # the same error again, without the last raise's frames


@functools.lru_cache(maxsize=1024)
def _verdict(text: str, name: str, allow_service: bool) -> KgError | None:
    """The error :func:`check_query` raises for ``text``, or None: computed once per text."""
    try:
        _check(text, name=name, allow_service=allow_service)
    except KgError as exc:
        return exc
    return None


def _check(text: str, *, name: str, allow_service: bool) -> None:
    full = sparql_prologue() + text
    offset = sparql_prologue().count("\n")
    try:
        parsed = parseQuery(full)
    except ParseException as exc:
        if _is_update(full):
            raise UpdateRefused([Problem(name, None, None, "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are "
                                         "refused: the graph is read-only", "run kg build to change the graph",
                                         2)]) from None
        raise fail(name, f"SPARQL syntax error at line {exc.lineno - offset}, column {exc.col}: {exc.msg}",
                   hint="check the query near that position", exit_code=2) from None
    if not allow_service and "ServiceGraphPattern" in set(_names(parsed)):
        raise ServiceRefused([Problem(name, None, None, "SERVICE (federated queries) is refused",
                                      "query the local graph only", 2)])


@functools.lru_cache(maxsize=1024)
def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the form of a query that :func:`check_query` accepted.

    >>> query_form("CONSTRUCT WHERE { ?s ?p ?o }"), query_form("PREFIX a: <urn:a#> ASK {}")
    ('CONSTRUCT', 'ASK')
    """
    name = parseQuery(sparql_prologue() + text)[1].name
    return str(name).removesuffix("Query").upper()


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
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _names(value)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)")
_PREFIXED_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.:%-]*\s*$")


def oxigraph_syntax_error(exc: SyntaxError, text: str = "", *, name: str = "query") -> KgError:
    """pyoxigraph's (multi-line) syntax error as one line with its line and column.

    An unknown prefix is named, and its column is where the prefixed name starts.

    >>> print(oxigraph_syntax_error(SyntaxError("error at 1:22: expected one of Prefix not found, [':']"),
    ...                             "ASK { ?s a nope:Thing }"))
    query: SPARQL syntax error at line 1, column 12: unknown prefix nope: (hint: kg prefixes lists the predeclared ones)
    """
    message = " ".join(str(exc).split())
    match = _POSITION.match(message)
    if not match:
        return fail(name, f"SPARQL syntax error: {message[:200]}", hint="check the query", exit_code=2)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    if "Prefix not found" in detail:
        lines = text.splitlines()
        before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
        prefixed = _PREFIXED_END.search(before)
        if prefixed:
            column = prefixed.start() + 1
        unknown = f" {prefixed.group(1)}:" if prefixed else ""
        return fail(name, f"SPARQL syntax error at line {line}, column {column}: unknown prefix{unknown}",
                    hint="kg prefixes lists the predeclared ones", exit_code=2)
    where = f"SPARQL syntax error at line {line}, column {column}"
    if "unbound" in detail:
        return fail(name, f"{where}: a selected variable is not bound (or not grouped)",
                    hint="select only variables of the pattern or of GROUP BY", exit_code=2)
    detail = detail if len(detail) <= 120 else detail[:119] + "…"
    return fail(name, f"{where}: {detail}", hint="check the query near that position", exit_code=2)
