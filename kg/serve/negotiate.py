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


def negotiate(accept: str | None, format_param: str | None = None) -> Choice:
    """The formats to answer with: ``format=`` (a name or media type) wins over ``Accept``.

    >>> negotiate("application/sparql-results+json")
    Choice(solutions='json', graph=None)
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml")
    Choice(solutions='xml', graph=None)
    >>> negotiate(None)
    Choice(solutions='json', graph='turtle')
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8")
    Choice(solutions='html', graph='html')
    >>> negotiate("*/*", "csv")
    Choice(solutions='csv', graph=None)
    """
    if format_param:
        wanted = format_param.strip().lower()
        key = ALIASES.get(wanted, wanted)
        by_media = {**{m: k for k, m in SOLUTIONS.items()}, **{m: k for k, m in GRAPHS.items()}}
        key = by_media.get(key, key)
        return Choice(key if key in SOLUTIONS else None, key if key in GRAPHS else None)
    ranked = _weights(accept or "*/*")
    return Choice(_pick(ranked, SOLUTIONS), _pick(ranked, GRAPHS))


def offered() -> str:
    """Every media type the endpoint gives, for a 406 answer."""
    return ", ".join(dict.fromkeys([*SOLUTIONS.values(), *GRAPHS.values()]))
