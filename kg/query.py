"""Running SPARQL against the Oxigraph store: ad-hoc text, a file, or a named library query.

Parameters are RDF terms passed as pyoxigraph ``substitutions`` (SEP-0007): never pasted
into the query text. A substituted variable must appear in the query's projection.
Library queries (``queries/*.rq``) declare their parameters in a header::

    # title: Affiliations of an organization
    # description: ...
    # param: org entity  the organization (any label or alias)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from kg import dates
from kg.errors import fail
from kg.namespaces import PREFIXES
from kg.resources import resource_dir
from kg.sparql_safety import check_query

PARAM_TYPES = ("entity", "iri", "date", "string", "integer")
_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str


@dataclass
class LibraryQuery:
    """A documented query from ``queries/``."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)


def library() -> dict[str, LibraryQuery]:
    """Every library query, by name (the file's stem)."""
    found = {}
    for path in sorted(resource_dir("queries").glob("*.rq")):
        found[path.stem] = parse_library_query(path.stem, path.read_text(encoding="utf-8"))
    return found


def parse_library_query(name: str, text: str) -> LibraryQuery:
    """Read the ``# title/description/param`` header of a query.

    >>> q = parse_library_query("x", "# title: T\\n# param: org entity the group\\nSELECT ?org {}")
    >>> q.title, q.params[0].type
    ('T', 'entity')
    """
    query = LibraryQuery(name, text)
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            pname, ptype, *rest = value.split(maxsplit=2) + [""]
            if ptype not in PARAM_TYPES:
                raise ValueError(f"{name}: parameter {pname} has unknown type {ptype!r}")
            query.params.append(Param(pname, ptype, " ".join(rest).strip()))
        else:
            setattr(query, key, value.strip())
    return query


def term(value: str) -> Any:
    """An ad-hoc parameter as an RDF term: ``<iri>``, ``prefix:local`` or a plain literal.

    >>> term("<https://w3id.org/mkg/id/isis-k>").value
    'https://w3id.org/mkg/id/isis-k'
    >>> term("mkgd:isis-k").value
    'https://w3id.org/mkg/id/isis-k'
    >>> term('"} ; DROP ALL ; {').value
    '"} ; DROP ALL ; {'
    """
    if value.startswith("<") and value.endswith(">"):
        return pyoxigraph.NamedNode(value[1:-1])
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and local and re.fullmatch(r"[\w.-]+", local):
        return pyoxigraph.NamedNode(str(PREFIXES[prefix]) + local)
    return pyoxigraph.Literal(value)


def typed(param: Param, value: str, resolve: Any) -> dict[str, Any]:
    """Bindings for a declared parameter (a date binds ``NAME_earliest`` and ``NAME_latest``)."""
    if param.type == "entity":
        return {param.name: pyoxigraph.NamedNode(str(resolve(value)))}
    if param.type == "iri":
        return {param.name: term(value) if value.startswith("<") or ":" in value else pyoxigraph.NamedNode(value)}
    if param.type == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise fail(f"--param {param.name}", f"{value!r} is not a whole number", hint="e.g. 5", exit_code=2)
        return {param.name: pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + "integer"))}
    if param.type == "date":
        try:
            span = dates.parse(value)
        except dates.DateError as exc:
            raise fail(f"--param {param.name}", str(exc), hint="use EDTF: 2015, 2015-10", exit_code=2) from None
        xsd_date = pyoxigraph.NamedNode(XSD + "date")
        return {f"{param.name}_earliest": pyoxigraph.Literal(span.earliest.isoformat(), datatype=xsd_date),
                f"{param.name}_latest": pyoxigraph.Literal(span.latest.isoformat(), datatype=xsd_date)}
    return {param.name: pyoxigraph.Literal(value)}


def run(store: pyoxigraph.Store, text: str, bindings: dict[str, Any], *, name: str = "query") -> Any:
    """Check, then run a query with its bindings; errors are one line."""
    check_query(text, name=name)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    substitutions = {pyoxigraph.Variable(k): v for k, v in bindings.items()}
    try:
        return store.query(text, prefixes=prefixes, substitutions=substitutions)
    except SyntaxError as exc:
        raise fail(name, f"SPARQL syntax error: {exc}", hint="check the query", exit_code=2) from None
    except RuntimeError as exc:
        raise fail(name, str(exc), hint="a parameter must be a variable the query selects", exit_code=2) from None


def read_query_file(path: Path) -> str:
    """A query from a file, refusing anything that is not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(str(path), f"cannot read the query: {exc}", hint="give a UTF-8 .rq file", exit_code=2) from None
