"""Binding parameters into a SPARQL query: a one-row ``VALUES`` block of RDF terms.

A parameter is an RDF term (a pyoxigraph ``NamedNode`` or ``Literal``), written in its
N-Triples form (quotes, backslashes and line breaks escaped; an IRI was checked when the
``NamedNode`` was made), never as raw text. The block goes first in the query's ``WHERE``
group, so filters, ``BIND`` and ``OPTIONAL`` in the group see the value. It is how rdflib's
``SPARQLStore`` and Jena's ``ParameterizedSparqlString`` bind, and what the SPARQL 1.1
Protocol allows for a remote store.

Locally too: pyoxigraph's own ``substitutions`` bind a variable after the query is planned,
so the plan cannot start from the value. On 200,000 imported incidents, ``lineage-up`` took
18 s with a substitution and 2 ms with the same term in a ``VALUES`` block
(docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph

from kg.errors import fail

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
# what the scanner skips: comments, strings (long ones first) and IRIs; anything else, one character
_TOKEN = re.compile(r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
                    r'|[?$]?[A-Za-z_][\w-]*(?::[\w.-]*)?|.', re.DOTALL)


def tokens(text: str) -> Iterator[re.Match[str]]:
    """The query's tokens that mean something: comments and white space left out; a string,
    an IRI, a variable or a (prefixed) name is one token, anything else one character.

    >>> [m.group() for m in tokens('ASK { ?s a "SERVICE" } # SERVICE')]
    ['ASK', '{', '?s', 'a', '"SERVICE"', '}']
    """
    for match in _TOKEN.finditer(text):
        if match.group()[0] != "#" and not match.group().isspace():
            yield match


def values_block(bindings: Mapping[str, Any]) -> str:
    """A one-row ``VALUES`` block binding each variable to its term, written in N-Triples form.

    >>> print(values_block({"name": pyoxigraph.Literal('"} ; DROP ALL ; {')}))
    VALUES (?name) { ("\\"} ; DROP ALL ; {") }
    """
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_term(value) for value in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def as_oxigraph(value: Any) -> Any:
    """An rdflib term as the same pyoxigraph term; pyoxigraph terms pass through.

    >>> from rdflib import Literal
    >>> as_oxigraph(Literal("Khorasan", lang="en"))
    <Literal value=Khorasan language=en>
    """
    if isinstance(value, pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode):
        return value
    from rdflib import Literal, URIRef  # only an rdflib term gets here: the SPARQL path never loads rdflib

    if isinstance(value, URIRef):
        return pyoxigraph.NamedNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return pyoxigraph.Literal(str(value), language=value.language)
        datatype = pyoxigraph.NamedNode(str(value.datatype)) if value.datatype else None
        return pyoxigraph.Literal(str(value), datatype=datatype)
    return value


def _term(value: Any) -> str:
    value = as_oxigraph(value)
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
