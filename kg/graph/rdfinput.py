"""Reading analysts' own RDF files safely, for ``kg validate``.

RDF/XML may declare entities; expanding them can fetch files or blow up memory
(billion laughs). Any DOCTYPE or ENTITY declaration is refused before parsing, and
inputs over a size cap are refused too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
from pyld import jsonld
from rdflib import Graph

from kg.curate.files import read_regular
from kg.errors import fail, syntax_error
from kg.graph.context import no_remote_documents
from kg.graph.validate import Report, validate

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
           ".trig": "trig", ".nq": "nquads", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}
MAX_BYTES = 200 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def rdf_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the RDF files they hold, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in FORMATS and p.is_file()))
        else:
            found.append(path)
    return found


def read_graph(paths: list[Path]) -> Graph:
    """Parse RDF files into one graph; refuse unknown formats, entity declarations, huge files."""
    graph = Graph()
    files = rdf_files(paths)
    if not files:
        raise fail(", ".join(map(str, paths)), "no RDF files found",
                   hint=f"expected files ending in {', '.join(sorted(FORMATS))}", exit_code=2)
    for path in files:
        fmt = FORMATS.get(path.suffix)
        if fmt is None:
            raise fail(str(path), f"unknown RDF file type {path.suffix!r}",
                       hint=f"use one of {', '.join(sorted(FORMATS))}", exit_code=2)
        data = read_regular(path, limit=MAX_BYTES, what="RDF input", hint="give the RDF file itself")
        if fmt == "xml":
            match = _DECLARATION.search(data)
            if match:
                line = data[: match.start()].count(b"\n") + 1
                raise fail(str(path), "RDF/XML with a DOCTYPE or ENTITY declaration is refused",
                           line=line, hint="remove the declarations; entities can fetch files "
                           "or expand without bound", exit_code=2)
        try:
            if fmt == "json-ld":
                graph.parse(data=jsonld_to_nquads(data), format="nquads")
            else:
                graph.parse(data=data, format=fmt)
        except Exception as exc:  # parsers raise many types; all mean "not valid RDF"
            located = _located(data, fmt)
            at: int | None = located[0] if located else None
            message = located[1] if located else str(exc).splitlines()[0][:200]
            raise fail(str(path), f"cannot parse as {fmt}: {message}", line=at,
                       hint="check the syntax", exit_code=2) from None
    return graph


_OXIGRAPH = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
             "trig": pyoxigraph.RdfFormat.TRIG, "nquads": pyoxigraph.RdfFormat.N_QUADS,
             "xml": pyoxigraph.RdfFormat.RDF_XML}


def _located(data: bytes, fmt: str) -> tuple[int, str] | None:
    """Where Oxigraph's parser finds the first syntax error (rdflib's messages name no line)."""
    if fmt not in _OXIGRAPH:
        return None
    try:
        for _ in pyoxigraph.parse(data, _OXIGRAPH[fmt]):
            pass
    except SyntaxError as exc:
        return syntax_error(exc)
    return None


def jsonld_to_nquads(data: bytes) -> str:
    """Expand JSON-LD to N-Quads with pyld, refusing every remote context."""
    document = json.loads(data)
    options = {"format": "application/n-quads", "documentLoader": no_remote_documents}
    try:
        nquads: str = jsonld.to_rdf(document, options)
    except jsonld.JsonLdError as exc:
        cause: BaseException = exc
        while cause.__cause__ is not None:  # pyld chains the loader's own error last
            cause = cause.__cause__
        raise ValueError(str(cause.args[0]) if cause.args else str(cause)) from None
    return nquads


def validate_paths(paths: list[Path]) -> Report:
    """Validate RDF files or folders against the project's shapes."""
    return validate(read_graph(paths))
