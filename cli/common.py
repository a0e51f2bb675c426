"""Helpers the query commands share: the project's graph, names resolved, dates parsed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rdflib import Graph, URIRef

from kg import dates
from kg.analysis.resolve import Resolver
from kg.errors import fail
from kg.store.store import stored_graph


class Session:
    """The built graph and its resolver, opened once per command."""

    def __init__(self, obj: dict[str, object]) -> None:
        self.root = Path(str(obj["root"]))
        self.graph: Graph = stored_graph(self.root, on_rebuild=lambda m: click.echo(m, err=True))
        self.resolver = Resolver.for_project(self.root, self.graph)

    def entity(self, name: str, *types: str) -> URIRef:
        """The one entity a name means, or a one-line error listing the candidates."""
        return self.resolver.one(name, types=types)


def span(text: str | None, option: str) -> dates.DateSpan | None:
    """Parse an EDTF command-line date, or fail with a usage error."""
    if text is None:
        return None
    try:
        return dates.parse(text)
    except dates.DateError as exc:
        raise fail(option, str(exc), hint="use EDTF: 2015, 2015-10 or 2015-10-28", exit_code=2) from None


def window(at: str | None, start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a query asks about: ``--at`` a date, or ``--from``/``--to`` a window."""
    if at and (start or end):
        raise fail("--at", "give --at, or --from/--to, not both", hint="pick one", exit_code=2)
    if at:
        point = span(at, "--at")
        assert point is not None
        return point.earliest, point.latest
    first, last = span(start, "--from"), span(end, "--to")
    if first is None and last is None:
        return None
    return (first.earliest if first else dt.date.min, last.latest if last else dt.date.max)
