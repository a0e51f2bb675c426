"""Reading analysts' own RDF files safely, for ``kg validate``.

RDF/XML may declare entities; expanding them can fetch files or blow up memory
(billion laughs). Any DOCTYPE or ENTITY declaration is refused before parsing, and
inputs over a size cap are refused too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pyld import jsonld
from rdflib import Graph

from kg.errors import fail
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
        if path.stat().st_size > MAX_BYTES:
            raise fail(str(path), "file is over the 200 MB input cap", hint="split it", exit_code=2)
        data = path.read_bytes()
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
            where, reason = parse_error(exc)
            raise fail(str(path), f"cannot parse as {fmt}: {reason}", line=where,
                       hint="check the syntax near that line", exit_code=2) from None
    return graph


_BAD_SYNTAX = re.compile(r"at line (\d+)\b.*?Bad syntax \((.*?)\) at \^", re.DOTALL)


def parse_error(exc: Exception) -> tuple[int | None, str]:
    r"""The line and the reason of a parser's error (rdflib's Turtle parser gives both on several lines).

    >>> parse_error(ValueError('at line 3 of <>:\nBad syntax (objectList expected) at ^ in:\n"..."'))
    (3, 'objectList expected')
    >>> parse_error(ValueError("Invalid line: <a> <b>"))
    (None, 'Invalid line: <a> <b>')
    """
    text = str(exc)
    match = _BAD_SYNTAX.search(text)
    if match:
        return int(match.group(1)), match.group(2)
    return None, (text.splitlines() or [type(exc).__name__])[0][:200]


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
