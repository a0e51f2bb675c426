"""``kg affiliations``, ``kg connections``, ``kg lineage`` and ``kg timeline``.

None of them loads networkx on a built store (0.15-0.25 s): ``kg lineage`` and ``kg connections``
read what networkx found once for the store's generation (:mod:`kg.analysis.answers`), and
``kg affiliations`` and ``kg timeline`` need no graph algorithm. ``kg connections --max-hops``
beyond 3 finds its longer routes with networkx then.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from cli.choices import Choice, unknown
from cli.common import Session, window
from cli.output import columns_for, emit, format_options, render, terminal_width
from cli.paths import grouped, summary
from kg.analysis.attacks import short
from kg.analysis.timeline import timeline
from kg.errors import fail


@click.command("affiliations")
@click.argument("entity")
@click.option("--at", metavar="EDTF", help="EDTF date: affiliations that hold then (2015, 2015-10, 2015-10-28).")
@click.option("--from", "start", metavar="EDTF", help="EDTF date: start of a window.")
@click.option("--to", "end", metavar="EDTF", help="EDTF date: end of a window.")
@click.option("--role", help="Only this role (leader, member, branch-of, allegiance...).")
@format_options()
@click.pass_obj
def affiliations_command(obj: dict[str, object], entity: str, at: str | None, start: str | None,
                         end: str | None, role: str | None, fmt: str, output: Path | None) -> None:
    """An entity's affiliations at a date or over a window: certain or possible, with sources.

    \b
    Example:
      kg affiliations isis-k --at 2015-10 --role deputy-leader
    """
    from kg.analysis.relations import relations, role_names
    from kg.analysis.temporal import AFFILIATION_KINDS, affiliations

    session = Session(obj)
    who = short(session.iri(entity))
    days = window(at, start, end)
    held = relations(session.store)
    if role is not None:
        roles = sorted(set(role_names(session.store))
                       | {rel.relation for rel in held if rel.kind in AFFILIATION_KINDS})
        if role not in roles:
            raise unknown("--role", "role", role, roles)
    found = affiliations(held, who, window=days, role=role)
    rows = [h.as_dict() for h in found]
    query = {"entity": who, "at": at, "from": start, "to": end, "role": role}
    columns = ["holds", "subject", "relation", "object", "start", "end", "attested", "status", "sources", "reading"]
    emit(render(rows, fmt, columns_for(rows, fmt, columns), query, empty=f"no affiliations of {who} match"), output)


@click.command("connections")
@click.argument("a")
@click.argument("b")
@click.option("--at", metavar="EDTF", help="EDTF date: only paths that could hold then.")
@click.option("--max-hops", default=3, show_default=True, type=click.IntRange(1, 6),
              help="Longest path to follow, in relations (1: direct relations only).")
@format_options()
@click.pass_obj
def connections_command(obj: dict[str, object], a: str, b: str, at: str | None, max_hops: int,
                        fmt: str, output: Path | None) -> None:
    """How A and B are connected, and when: direct relations first, then time-respecting paths.

    \b
    Example:
      kg connections hafiz-saeed-khan taliban --max-hops 2
    """
    from kg.analysis.answers import connections_of

    session = Session(obj)
    first, second = short(session.iri(a)), short(session.iri(b))
    if first == second:
        raise fail(f"{a} {b}", f"both names are the same entity ({first})",
                   hint="give two different entities; kg affiliations lists one entity's ties", exit_code=2)
    found = connections_of(session.store, first, second, max_hops=max_hops, window=window(at, None, None))
    routes = grouped(found, first)
    line = summary(routes)
    query = {"a": first, "b": second, "at": at, "max_hops": max_hops, "summary": line}
    if fmt == "json":  # every path, as the analysis gives them
        emit(render([path.as_dict() for path in found], fmt, [], query), output)
        return
    text = render(routes, fmt, ["hops", "holds", "windows", "path"], query,
                  empty=f"no time-respecting connection between {first} and {second} within {max_hops} hops")
    fit = terminal_width()
    shown = textwrap.fill(line, fit, break_on_hyphens=False) if fit else line
    emit(f"{shown}\n{text}" if fmt == "table" and routes else text, output)


@click.command("lineage")
@click.argument("org")
@click.option("--direction", type=Choice(["up", "down", "both"]), default="both", show_default=True,
              help="up: what it came from; down: what came from it; both.")
@format_options("dot", "mermaid")
@click.pass_obj
def lineage_command(obj: dict[str, object], org: str, direction: str, fmt: str,
                    output: Path | None) -> None:
    """Ancestry and descendants through formations, splits, defections and branches.

    \b
    Example:
      kg lineage isis-k --direction up -f mermaid
    """
    from kg.analysis.answers import lineage_of
    from kg.analysis.lineage import labels, to_dot, to_mermaid

    session = Session(obj)
    who = short(session.iri(org, "Organization", purpose="lineage is for organizations"))
    links = lineage_of(session.store, who, direction)
    names = labels(session.store, links)
    if fmt == "dot":
        emit(to_dot(links, names), output)
    elif fmt == "mermaid":
        emit(to_mermaid(links, names), output)
    else:
        rows = [link.as_dict() for link in links]
        columns = ["direction", "depth", "child", "relation", "parent", "date", "until", "status", "sources", "reading"]
        emit(render(rows, fmt, columns_for(rows, fmt, columns), {"org": who, "direction": direction},
                    empty=f"no lineage recorded for {who}"), output)


@click.command("timeline")
@click.argument("entity")
@click.option("--from", "start", metavar="EDTF", help="EDTF date: events that may fall on or after it.")
@click.option("--to", "end", metavar="EDTF", help="EDTF date: events that may fall on or before it.")
@format_options()
@click.pass_obj
def timeline_command(obj: dict[str, object], entity: str, start: str | None, end: str | None,
                     fmt: str, output: Path | None) -> None:
    """Everything dated that involves an entity, in order, with precision and sources.

    \b
    Example:
      kg timeline abdul-rahim-muslim-dost --from 2015
    """
    session = Session(obj)
    who = session.iri(entity)
    days = window(None, start, end)
    events = timeline(session.store, who, first=days[0] if days and start else None,
                      last=days[1] if days and end else None)
    rows = [e.as_dict() for e in events]
    columns = ["date", "precision", "what", "type", "others", "status", "source", "gloss", "reading"]
    emit(render(rows, fmt, columns_for(rows, fmt, columns), {"entity": short(who), "from": start, "to": end}),
         output)


COMMANDS = [affiliations_command, connections_command, lineage_command, timeline_command]
