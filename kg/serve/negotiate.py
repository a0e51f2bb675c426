"""Content negotiation: the results format a client asked for, by ``Accept`` or ``format=``.

A SELECT or ASK result can be JSON, XML, CSV or TSV (the SPARQL 1.1 Query Results
formats) or an HTML table; a CONSTRUCT or DESCRIBE result can be Turtle, N-Triples,
RDF/XML, JSON-LD or HTML. Which kind a query gives is only known once it is parsed, so
the choice is made from the client's preferences for both kinds at once.
"""

from __future__ import annotations

from dataclasses import dataclass

SOLUTIONS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
GRAPHS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "html": "text/html",
}
# what else clients send for the same formats
ALIASES = {
    "application/json": "json", "application/xml": "xml", "text/xml": "xml",
    "application/x-turtle": "turtle", "text/plain": "ntriples", "application/xhtml+xml": "html",
}


@dataclass(frozen=True)
class Choice:
    """The format to give for each kind of result; ``None`` when nothing acceptable exists."""

    solutions: str | None
    graph: str | None


def _weights(accept: str) -> list[tuple[float, int, str]]:
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media:
            ranked.append((weight, position, media.lower()))
    return ranked


def _pick(ranked: list[tuple[float, int, str]], offered: dict[str, str]) -> str | None:
    by_media = {media: key for key, media in offered.items()}
    best: tuple[float, int, int] | None = None
    chosen = None
    for weight, position, media in ranked:
        if weight <= 0:
            continue
        key = by_media.get(media) or (ALIASES.get(media) if ALIASES.get(media) in offered else None)
        specificity = 2
        if key is None and media in ("*/*", "application/*", "text/*"):
            # a wildcard takes the first (default) format of its family
            family = media.split("/")[0]
            key = next((k for k, m in offered.items() if family == "*" or m.startswith(family + "/")), None)
            specificity = 0 if media == "*/*" else 1
        if key is None:
            continue
        rank = (weight, specificity, -position)
        if best is None or rank > best:
            best, chosen = rank, key
    return chosen


# ``format=`` names (SPARQLWrapper's, Virtuoso's, Fuseki's): the format for each kind of result
NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "html": ("html", "html"), "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"), "nt": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
}


def _named(value: str) -> tuple[str | None, str | None] | None:
    """What a ``format=`` value names, or None when it names nothing known."""
    wanted = value.split(";")[0].strip().lower()
    if wanted in NAMES:
        return NAMES[wanted]
    key = ALIASES.get(wanted)
    solutions = key if key in SOLUTIONS else next((k for k, m in SOLUTIONS.items() if m == wanted), None)
    graph = key if key in GRAPHS else next((k for k, m in GRAPHS.items() if m == wanted), None)
    return (solutions, graph) if solutions or graph else None


def negotiate(accept: str | None, formats: str | list[str] | None = None, *, page: bool = False) -> Choice:
    """The formats to answer with: the first known ``format=`` value wins over ``Accept``.

    A ``format=`` value names a format for one kind of result or both (``xml`` is SPARQL XML
    for SELECT and RDF/XML for CONSTRUCT); ``Accept`` decides the kind it does not name,
    and a value the server does not know is ignored, as if it had not been sent.
    For a ``page`` (``/id/…``), a wildcard means HTML, as browsers and curl users expect.

    >>> negotiate("application/sparql-results+json")
    Choice(solutions='json', graph=None)
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml")
    Choice(solutions='xml', graph=None)
    >>> negotiate(None)
    Choice(solutions='json', graph='turtle')
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8")
    Choice(solutions='html', graph='html')
    >>> negotiate("application/sparql-results+xml", "csv")
    Choice(solutions='csv', graph=None)
    >>> negotiate("application/rdf+xml", ["rdf+xml", "application/rdf+xml"])
    Choice(solutions=None, graph='rdfxml')
    >>> negotiate("text/turtle", "no-such-format")
    Choice(solutions=None, graph='turtle')
    >>> negotiate("*/*", page=True), negotiate("text/turtle, */*;q=0.1", page=True).graph
    (Choice(solutions='html', graph='html'), 'turtle')
    """
    ranked = _weights(accept or "*/*")
    graphs = {"html": GRAPHS["html"], **GRAPHS} if page else GRAPHS
    solutions = {"html": SOLUTIONS["html"], **SOLUTIONS} if page else SOLUTIONS
    by_accept = Choice(_pick(ranked, solutions), _pick(ranked, graphs))
    for value in [formats] if isinstance(formats, str) else formats or []:
        named = _named(value)
        if named is not None:
            return Choice(named[0] or by_accept.solutions, named[1] or by_accept.graph)
    return by_accept


def offered() -> str:
    """Every media type the endpoint gives, for a 406 answer."""
    return ", ".join(dict.fromkeys([*SOLUTIONS.values(), *GRAPHS.values()]))
