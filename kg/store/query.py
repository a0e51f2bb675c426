"""Running SPARQL against the Oxigraph store: ad-hoc text, a file, or a named library query.

Parameters are RDF terms bound in a ``VALUES`` block (:mod:`kg.store.binding`): written as
escaped N-Triples terms, never pasted into the query text as given.
Library queries (``queries/*.rq``) declare their parameters in a header::

    # title: Affiliations of an organization
    # description: ...
    # param: org entity  the organization (any label or alias)
    # param: date date  the date asked about (EDTF)

A parameter's TYPE says how its value is read: ``entity`` (any label, alias or id, through
:class:`kg.analysis.resolve.Resolver`), ``iri`` (``<https://...>``, ``mkgd:src-1`` or a bare id),
``string``, ``integer``, or ``date``: an EDTF date binds two variables, ``?NAME_earliest``
and ``?NAME_latest`` (``xsd:date``: its first and last possible day), so a query compares
interval bounds with both ends of the date. ``queries/README.md`` has the rules for
writing one fast on a large store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from kg import dates
from kg.errors import fail
from kg.namespaces import CURATED_GRAPH, PREFIXES, prefix_map
from kg.resources import resource_dir
from kg.store.binding import with_values
from kg.store.sparql_safety import check_query, oxigraph_syntax_error

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


_LITERAL = re.compile(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?', re.DOTALL)


def term(value: str) -> Any:
    """An ad-hoc parameter as an RDF term.

    ``<iri>`` and a predeclared ``prefix:local`` are IRIs; ``"text"@lang`` and
    ``"5"^^xsd:integer`` are tagged or typed literals; anything else is a plain literal.

    >>> term("<https://w3id.org/mkg/id/isis-k>").value
    'https://w3id.org/mkg/id/isis-k'
    >>> term("mkgd:isis-k").value
    'https://w3id.org/mkg/id/isis-k'
    >>> term('"Testland"@en').language
    'en'
    >>> term('"5"^^xsd:integer').datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    >>> term('"} ; DROP ALL ; {').value
    '"} ; DROP ALL ; {'
    """
    if value.startswith("<") and value.endswith(">"):
        return _named(value[1:-1], value)
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and local and re.fullmatch(r"[\w.-]+", local):
        return pyoxigraph.NamedNode(str(PREFIXES[prefix]) + local)
    literal = _LITERAL.fullmatch(value)
    if literal:
        text, language, datatype = literal.groups()
        if language:
            return pyoxigraph.Literal(text, language=language)
        if datatype:
            return pyoxigraph.Literal(text, datatype=term(datatype) if datatype.startswith("<") or ":" in datatype
                                      else _named(datatype, value))
    return pyoxigraph.Literal(value)


def _named(iri: str, given: str) -> pyoxigraph.NamedNode:
    try:
        return pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise fail(f"--param {given}", f"not an IRI: {exc}", hint="e.g. <https://w3id.org/mkg/id/isis-k>",
                   exit_code=2) from None


def iri_term(value: str) -> pyoxigraph.NamedNode:
    """An ``iri`` parameter: ``<https://...>``, ``prefix:local``, a full IRI or a bare curated id.

    >>> iri_term("src-3fb481a9").value
    'https://w3id.org/mkg/id/src-3fb481a9'
    >>> iri_term("https://example.org/x").value
    'https://example.org/x'
    """
    if value.startswith("<") and value.endswith(">"):
        return _named(value[1:-1], value)
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and local:
        return _named(str(PREFIXES[prefix]) + local, value)
    if re.match(r"[A-Za-z][\w+.-]*:", value):
        return _named(value, value)
    return _named(PREFIXES["mkgd"] + value, value)


def typed(param: Param, value: str, resolve: Callable[[str], Any]) -> dict[str, Any]:
    """Bindings for a declared parameter (a date binds ``NAME_earliest`` and ``NAME_latest``).

    >>> sorted(typed(Param("date", "date", ""), "2015-10", str).items())[1][1].value
    '2015-10-31'
    """
    if param.type == "entity":
        return {param.name: pyoxigraph.NamedNode(str(resolve(value)))}
    if param.type == "iri":
        return {param.name: iri_term(value)}
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


def library_bindings(query: LibraryQuery, values: Mapping[str, str],
                     resolve: Callable[[str], Any]) -> dict[str, Any]:
    """Check the given ``--param`` values against the query's header and turn them into terms.

    ``resolve`` maps an ``entity`` value (a name) to its IRI; it is only called for those.

    >>> q = parse_library_query("q", "# param: name string  a name\\nSELECT ?name {}")
    >>> library_bindings(q, {"name": "Khorasan"}, str)["name"].value
    'Khorasan'
    >>> try:
    ...     library_bindings(q, {}, str)
    ... except Exception as exc:
    ...     print(exc)
    q: missing parameter name (hint: --param name=VALUE: string, a name)
    """
    declared = {p.name: p for p in query.params}
    for key in values:
        if key not in declared:
            known = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "none"
            raise fail(query.name, f"unknown parameter {key}", hint=f"this query takes: {known}", exit_code=2)
    for param in query.params:
        if param.name not in values:
            raise fail(query.name, f"missing parameter {param.name}",
                       hint=f"--param {param.name}=VALUE: {param.type}, {param.description}", exit_code=2)
    bindings: dict[str, Any] = {}
    for key, value in values.items():
        bindings.update(typed(declared[key], value, resolve))
    return bindings


def run(store: pyoxigraph.Store, text: str, bindings: Mapping[str, Any], *, name: str = "query",
        allow_service: bool = False, default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None, base_iri: str | None = None) -> Any:
    """Check, then run a query with its bindings; errors are one line.

    ``base_iri`` resolves the query's relative IRIs (a SPARQL endpoint gives its own IRI).

    ``default_graph`` and ``named_graphs`` are the SPARQL Protocol's ``default-graph-uri``
    and ``named-graph-uri``. Given either, they are the whole dataset, replacing any ``FROM``
    in the query: the one not given is empty, as the protocol says. The curated graph as a
    default graph is the store's default graph: the build and its imports, as ``kg push`` puts
    them in that graph (:mod:`kg.store.store`).

    >>> store, a, p = pyoxigraph.Store(), pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p")
    >>> store.add(pyoxigraph.Quad(a, p, pyoxigraph.Literal("x")))
    >>> [row["o"].value for row in run(store, "SELECT ?s ?o { ?s <urn:p> ?o }", {"s": a})]
    ['x']
    """
    check_query(text, name=name, allow_service=allow_service)
    prefixes = prefix_map()
    bound = with_values(text, bindings)
    graphs: dict[str, Any] = {}
    if default_graph or named_graphs:
        graphs["default_graph"] = [pyoxigraph.DefaultGraph() if iri == CURATED_GRAPH else _named(iri, iri)
                                   for iri in default_graph or []]
        graphs["named_graphs"] = [_named(iri, iri) for iri in named_graphs or []]
    try:
        return store.query(bound, prefixes=prefixes, base_iri=base_iri or None, **graphs)
    except SyntaxError as exc:
        raise oxigraph_syntax_error(exc, text, name=name) from None
    except RuntimeError as exc:
        raise fail(name, " ".join(str(exc).split()), hint="check the query and its --param values",
                   exit_code=2) from None


NAMES_QUERY = """
CONSTRUCT { ?entity a ?class ; ?predicate ?name } WHERE {
  VALUES ?class { mkg:Organization mkg:Person mkg:Location mkg:Attack mkg:Event }
  ?entity a ?class .
  OPTIONAL {
    VALUES ?predicate { skos:prefLabel skos:altLabel mkg:transliteration skos:scopeNote }
    ?entity ?predicate ?name .
  }
}"""


def read_query_file(path: Path) -> str:
    """A query from a file, refusing anything that is not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(str(path), f"cannot read the query: {exc}", hint="give a UTF-8 .rq file", exit_code=2) from None
