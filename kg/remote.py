"""Running the query library on a remote SPARQL 1.1 store (the SPARQL 1.1 Protocol).

The protocol has no binding API, so parameters travel as a ``VALUES`` block, as rdflib's
``SPARQLStore`` does, but placed first in the query's ``WHERE`` group rather than after
the query: filters, ``BIND`` and ``OPTIONAL`` in the group then see the value, as they
do with the local store's substitutions. Each value is written as an RDF term in its
N-Triples form (pyoxigraph escapes quotes, backslashes and line breaks), never as raw
text, and the query is checked (:func:`kg.sparql_safety.check_query`: no updates, no
``SERVICE``) before and after the block is added. The predeclared prefixes are sent as
``PREFIX`` lines, since a remote server knows none of them.

Answers come back as pyoxigraph objects (``QuerySolutions``, ``QueryBoolean`` or a
list of ``Triple``), so the CLI formats them exactly as it formats local results.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph
import requests
from rdflib import Graph

from kg.errors import fail
from kg.namespaces import sparql_prologue
from kg.query import NAMES_QUERY
from kg.sparql_safety import check_query

ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
          "application/sparql-results+xml;q=0.7")
_RESULTS = {"application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
            "application/json": pyoxigraph.QueryResultsFormat.JSON,
            "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML}
_GRAPHS = {"application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES, "text/plain": pyoxigraph.RdfFormat.N_TRIPLES,
           "text/turtle": pyoxigraph.RdfFormat.TURTLE}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
# what the scanner skips: comments, strings (long ones first) and IRIs; anything else, one character
_TOKEN = re.compile(r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
                    r'|[?$]?[A-Za-z_][\w-]*(?::[\w.-]*)?|.', re.DOTALL)


def request(method: str, url: str, *, what: str, timeout: float | None, **kwargs: Any) -> requests.Response:
    """One HTTP request; a failure is a one-line error naming the URL (exit 2 unreachable, 1 refused).

    >>> try:
    ...     request("GET", "http://127.0.0.1:9/sparql", what="query", timeout=5)
    ... except Exception as exc:
    ...     print(exc)
    http://127.0.0.1:9/sparql: query: cannot reach the server: connection refused (hint: check the URL and that \
the server runs)
    """
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


def values_block(bindings: Mapping[str, Any]) -> str:
    """A one-row ``VALUES`` block binding each variable to its term, written in N-Triples form.

    >>> print(values_block({"name": pyoxigraph.Literal('"} ; DROP ALL ; {')}))
    VALUES (?name) { ("\\"} ; DROP ALL ; {") }
    """
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_term(value) for value in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _term(value: Any) -> str:
    if isinstance(value, pyoxigraph.NamedNode):
        return str(value)  # pyoxigraph checked the IRI: no space, quote, brace or backslash
    if not isinstance(value, pyoxigraph.Literal):
        raise TypeError(f"cannot bind {value!r}: not an IRI or a literal")
    text = f'"{string_literal(value.value)}"'
    if value.language:
        return f"{text}@{value.language}"
    return text if value.datatype.value == XSD_STRING else f"{text}^^{value.datatype}"


def string_literal(text: str) -> str:
    r"""The body of a SPARQL ``"..."`` string for any text: ``\``, ``"``, line feed and return escaped.

    SPARQL expands ``\uXXXX`` anywhere in a query before parsing it, so a ``u`` or ``U``
    right after a backslash is written ``\U00000075`` (eight digits: rdflib reads ``\u`` with
    four hex digits after it as eight): the text ``\u0041`` stays six characters.

    >>> print(string_literal('say "\\u0041"\n'))
    say \"\\\U000000750041\"\n
    """
    out = []
    for previous, char in zip(" " + text, text, strict=False):
        if char in "uU" and previous == "\\":
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(_ESCAPES.get(char, char))
    return "".join(out)


def with_values(text: str, bindings: Mapping[str, Any]) -> str:
    """The query with a ``VALUES`` block first in its ``WHERE`` group (or after it, for ``CONSTRUCT WHERE``).

    >>> print(with_values('SELECT ?x WHERE { ?x ?p "{" }', {"x": pyoxigraph.NamedNode("urn:a")}))
    SELECT ?x WHERE { VALUES (?x) { (<urn:a>) } ?x ?p "{" }
    >>> print(with_values("# {\\nASK { SELECT * { ?s ?p ?o } }", {"p": pyoxigraph.NamedNode("urn:p")}))
    # {
    ASK { VALUES (?p) { (<urn:p>) } { SELECT * { ?s ?p ?o } } }
    """
    if not bindings:
        return text
    block = values_block(bindings)
    found = _where_group(text)
    if found is None:  # CONSTRUCT WHERE { triples }: the group is also the template
        return f"{text}\n{block}"
    start, end = found
    body = text[start + 1:end]
    if re.match(r"\s*select\b", body, re.IGNORECASE):  # { SubSelect } takes nothing beside it
        return f"{text[:start + 1]} {block} {{{body}}} {text[end:]}"
    return f"{text[:start + 1]} {block}{body}{text[end:]}"


def _where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the braces of the query's WHERE group, or None for ``CONSTRUCT WHERE``."""
    depth, parens, opening, after_where, previous = 0, 0, None, False, ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0] == "#" or token.isspace():
            continue
        upper = token.upper()
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "{":
            if depth == 0 and parens == 0 and opening is None and (after_where or not _template(text, match)):
                opening = match.start()
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0 and opening is not None:
                return opening, match.start()
        elif upper == "WHERE" and depth == 0 and parens == 0:
            if previous == "CONSTRUCT":
                return None
            after_where = True
        previous = upper
    raise fail("query", "cannot find the query's WHERE group", hint="check the query's braces", exit_code=2)


def _template(text: str, brace: re.Match[str]) -> bool:
    """Whether a top-level ``{`` opens a CONSTRUCT template (the word before it is CONSTRUCT)."""
    before = [m.group().upper() for m in _TOKEN.finditer(text[:brace.start()])
              if m.group()[0] != "#" and not m.group().isspace()]
    return bool(before) and before[-1] == "CONSTRUCT"


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
    response = request("POST", endpoint, what=f"query {name}", timeout=timeout, data=data,
                       headers={"Accept": ACCEPT}, auth=auth)
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
        if media in _RESULTS:
            return pyoxigraph.parse_query_results(body, format=_RESULTS[media])
        if media in _GRAPHS:
            return [pyoxigraph.Triple(q.subject, q.predicate, q.object)
                    for q in pyoxigraph.parse(body, format=_GRAPHS[media])]
    except (SyntaxError, ValueError) as exc:
        raise fail(where, f"unreadable {media} answer: {exc}", hint="check the endpoint URL", exit_code=1) from None
    raise fail(where, f"unexpected answer type {media or 'none'}", hint="is this a SPARQL query endpoint?",
               exit_code=1)


def remote_names_graph(endpoint: str, graph: str | None, timeout: float | None) -> Graph:
    """The entities' types, labels, aliases and notes, from the remote graph (:func:`kg.query.names_graph`).

    What :class:`kg.resolve.Resolver` needs to resolve an ``entity`` parameter on that server.
    """
    triples = remote_query(endpoint, NAMES_QUERY, {}, name="names", graph=graph, timeout=timeout)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nt")
