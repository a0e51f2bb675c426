"""Helpers the query commands share: the project's graph, names resolved, dates parsed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg import dates
from kg.errors import fail

if TYPE_CHECKING:
    from kg.analysis.resolve import Resolver
    from kg.store.reader import StoreGraph


class Session:
    """The built graph and its resolver, opened once per command.

    :attr:`store` reads the store without rdflib (:mod:`kg.store.reader`).
    """

    def __init__(self, obj: dict[str, object]) -> None:
        from kg.analysis.resolve import Resolver
        from kg.store.reader import StoreGraph
        from kg.store.store import open_generation

        self.root = Path(str(obj["root"]))
        store, folder, _ = open_generation(self.root, on_rebuild=lambda m: click.echo(m, err=True))
        self.store: StoreGraph = StoreGraph(store, folder)
        self.resolver: Resolver = Resolver.for_project(self.root, self.store)

    def iri(self, name: str, *types: str, purpose: str = "") -> str:
        """The IRI of the one entity a name means, or a one-line error listing the candidates.

        A fuzzy reading is said on stderr (``note: read 'isis-kk' as isis-k``); ``purpose``
        ("lineage is for organizations") explains a name of the wrong type.
        """
        chosen = self.resolver.choose(name, types=types, purpose=purpose)
        if chosen.note:
            click.echo(f"note: {chosen.note}", err=True)
        return chosen.iri


def span(text: str | None, option: str) -> dates.DateSpan | None:
    """Parse an EDTF command-line date, or fail with a usage error."""
    if text is None:
        return None
    try:
        return dates.parse(text)
    except dates.DateError as exc:
        raise fail(option, str(exc), hint="use EDTF: 2015, 2015-10 or 2015-10-28", exit_code=2) from None


def window(at: str | None, start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a query asks about: ``--at`` a date, or ``--from``/``--to`` a window.

    A window that ends before it starts is a usage error, not an empty (or wrong) answer.
    """
    if at and (start or end):
        raise fail("--at", "give --at, or --from/--to, not both", hint="pick one", exit_code=2)
    if at:
        point = span(at, "--at")
        assert point is not None
        return point.earliest, point.latest
    first, last = span(start, "--from"), span(end, "--to")
    if first is None and last is None:
        return None
    if first is not None and last is not None and last.latest < first.earliest:
        raise fail(f"--from {start} --to {end}", "the window ends before it starts",
                   hint=f"swap them: --from {end} --to {start}", exit_code=2)
    return (first.earliest if first else dt.date.min, last.latest if last else dt.date.max)

