"""What a SPARQL request may do: read the local graph, nothing else.

Updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused, and so is SERVICE (federation,
which would reach the network from pyoxigraph's native HTTP client). Both are found among
the query's tokens (:func:`kg.store.binding.tokens`): strings, IRIs and comments are single
tokens, so a literal ``"SERVICE"`` is fine, and the keyword is found wherever it hides
(subqueries, EXISTS in a filter, MINUS). pyoxigraph then parses the query (planned on an
empty store, never run), and its syntax errors are reported in one line with their line and
column (:func:`oxigraph_syntax_error`), an undeclared prefix by name with the declared ones.

This needs neither rdflib's SPARQL grammar nor pyparsing: 0.12 s of every ``kg query`` that
was spent loading them, for a check pyoxigraph makes in microseconds.
"""

from __future__ import annotations

import functools
import re

import pyoxigraph

from kg.errors import KgError, Problem, fail
from kg.namespaces import PREFIXES
from kg.store.binding import tokens

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
"""Words that open an update operation and are no keyword of a read query."""


class UpdateRefused(KgError):
    """An update (INSERT, DELETE, LOAD, CLEAR, DROP...) sent to the read-only graph."""


class ServiceRefused(KgError):
    """A federated query (SERVICE), which would reach the network."""


def check_query(text: str, *, name: str = "query", allow_service: bool = False) -> None:
    r"""Raise a one-line :class:`~kg.errors.KgError` (exit 2) unless ``text`` is a safe read query.

    The shared prefixes (``kg prefixes``) count as declared.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    >>> try:
    ...     check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    ... except Exception as exc:
    ...     print(exc)
    query: SERVICE (federated queries) is refused (hint: query the local graph only)
    >>> try:
    ...     check_query("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = nope:x) }")
    ... except Exception as exc:
    ...     print(str(exc).split(" (declared")[0])
    query: SPARQL syntax error at line 3, column 15: unknown prefix nope:

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
    words = {match.group().upper() for match in tokens(text)}
    if words & UPDATE_KEYWORDS:
        raise UpdateRefused([Problem(name, None, None, "updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are "
                                     "refused: the graph is read-only", "run kg build to change the graph", 2)])
    if "SERVICE" in words:
        if not allow_service:
            raise ServiceRefused([Problem(name, None, None, "SERVICE (federated queries) is refused",
                                          "query the local graph only", 2)])
        return  # planning it on an empty store could already call the service: the run parses it
    try:
        # A placeholder base only for this parse: the run gives relative IRIs their real base
        # (kg serve: the endpoint's IRI), or fails on them where there is none.
        pyoxigraph.Store().query(text, prefixes={p: str(ns) for p, ns in PREFIXES.items()},
                                 base_iri="urn:kg:check-base")
    except SyntaxError as exc:
        raise oxigraph_syntax_error(exc, text, name=name) from None


QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


@functools.lru_cache(maxsize=1024)
def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the form of a query that :func:`check_query` accepted.

    The first of those words among the query's tokens (the prologue's PREFIX and BASE
    declarations hold none of them).

    >>> query_form("CONSTRUCT WHERE { ?s ?p ?o }"), query_form("PREFIX a: <urn:a#> ASK {}")
    ('CONSTRUCT', 'ASK')
    """
    for match in tokens(text):
        word = match.group().upper()
        if word in QUERY_FORMS:
            return word
    raise fail("query", "not a SELECT, CONSTRUCT, ASK or DESCRIBE query", hint="check the query", exit_code=2)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)")
_PREFIX_DECLARATION = re.compile(r"PREFIX", re.IGNORECASE)
_PREFIXED_NAME = re.compile(r"([A-Za-z][\w-]*):")


def undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix neither the query nor the shared prefixes declare:
    (prefix, line, column), or None.

    >>> undeclared_prefix("PREFIX ex: <urn:x#>\\nASK { ex:a mkg:b nope:c }")
    ('nope', 2, 18)
    >>> undeclared_prefix('ASK { ?s ?p "nope:c" }') is None
    True
    """
    declared = set(PREFIXES)
    found = list(tokens(text))
    for before, token in zip(found, found[1:], strict=False):
        if _PREFIX_DECLARATION.fullmatch(before.group()) and token.group().endswith(":"):
            declared.add(token.group()[:-1])
    for token in found:
        prefixed = _PREFIXED_NAME.match(token.group())
        if prefixed and prefixed.group(1) not in declared:
            line = text.count("\n", 0, token.start()) + 1
            column = token.start() - (text.rfind("\n", 0, token.start()) + 1) + 1
            return prefixed.group(1), line, column
    return None


def oxigraph_syntax_error(exc: SyntaxError, text: str = "", *, name: str = "query") -> KgError:
    """pyoxigraph's (multi-line) syntax error as one line with its line and column.

    An undeclared prefix is named, at the column where the prefixed name starts, with the
    prefixes that are declared: pyoxigraph's own message for it depends on where it stands
    ("expected OPTIONAL" at the start of a pattern).

    >>> print(oxigraph_syntax_error(SyntaxError("error at 1:26: expected OPTIONAL"),
    ...                             "SELECT * WHERE { nope:a ?p ?o }"))  # doctest: +ELLIPSIS
    query: SPARQL syntax error at line 1, column 18: unknown prefix nope: (declared: mkg, mkgd, ..., dcterms) ...
    """
    message = " ".join(str(exc).split())
    unknown = undeclared_prefix(text) if text else None
    if unknown is not None:
        prefix, line, column = unknown
        declared = ", ".join(PREFIXES)
        return fail(name, f"SPARQL syntax error at line {line}, column {column}: unknown prefix {prefix}: "
                    f"(declared: {declared})", hint="declare it with PREFIX, or see kg prefixes", exit_code=2)
    match = _POSITION.match(message)
    if not match:
        return fail(name, f"SPARQL syntax error: {message[:200]}", hint="check the query", exit_code=2)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    where = f"SPARQL syntax error at line {line}, column {column}"
    if "unbound" in detail:
        return fail(name, f"{where}: a selected variable is not bound (or not grouped)",
                    hint="select only variables of the pattern or of GROUP BY", exit_code=2)
    detail = detail if len(detail) <= 120 else detail[:119] + "…"
    return fail(name, f"{where}: {detail}", hint="check the query near that position", exit_code=2)
