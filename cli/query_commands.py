"""``kg resolve``, ``kg attacks`` and ``kg conflicts``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from cli.common import Session, window
from cli.output import emit, format_options, render
from kg.analysis.attacks import agents_matching, claim_kind, claim_text, details, matching, toll_text
from kg.analysis.conflicts import conflicts
from kg.errors import fail


@click.command("resolve")
@click.argument("name")
@format_options()
@click.pass_obj
def resolve_command(obj: dict[str, object], name: str, fmt: str, output: Path | None) -> None:
    """Find entities by any label or alias, English or Arabic; list every candidate.

    \b
    Example:
      kg resolve Khorasan
    """
    result = Session(obj).resolver.resolve(name)
    if not result.candidates:
        raise fail(name, "no entity matches this name", hint="try a shorter name or another spelling", exit_code=2)
    rows = [asdict(c) for c in result.candidates]
    columns = ["id", "type", "score", "active", "label_en", "note"] + ([] if fmt == "table" else ["label_ar"])
    text = render(rows, fmt, columns,
                  {"name": name, "ambiguous": result.ambiguous}, empty=f"no entity matches {name!r}")
    if fmt == "table" and result.ambiguous:
        text = f"{name!r} is ambiguous: {len(rows)} candidates, best first\n" + text
    emit(text, output)


@click.command("attacks")
@click.option("--by", "by", help="Perpetrator (claimed or attributed).")
@click.option("--from", "start", metavar="EDTF", help="EDTF date: attacks that may fall on or after it.")
@click.option("--to", "end", metavar="EDTF", help="EDTF date: attacks that may fall on or before it.")
@click.option("--in", "place", help="Place; a country includes its cities.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="Show the first N attacks, earliest first (0: all of them).")
@click.option("--dated-only", is_flag=True,
              help="Leave out undated attacks (otherwise listed last, marked undated: they may fall in any window).")
@format_options()
@click.pass_obj
def attacks_command(obj: dict[str, object], by: str | None, start: str | None, end: str | None,
                    place: str | None, limit: int, dated_only: bool, fmt: str, output: Path | None) -> None:
    """Attacks with claims, attributions and casualty figures from each source.

    \b
    Example:
      kg attacks --by isis-k --in Iran
    """
    session = Session(obj)
    agent = session.iri(by) if by else None
    where = session.iri(place, "Location", purpose="--in takes a place") if place else None
    days = window(None, start, end)
    ids = matching(session.store, by=agent, first=days[0] if days else None,
                   last=days[1] if days else None, place=where, dated_only=dated_only)
    found = details(session.store, ids[:limit] if limit else ids)
    agents = agents_matching(session.store, agent) if agent is not None else set()
    rows = []
    for row in found:
        data = row.as_dict()
        own = [c for c in row.claims if agent is None or c["agent"] in agents]
        data["claimed_by"] = sorted({claim_text(c) for c in own if claim_kind(c["status"]) == "claimed"})
        data["attributed_to"] = sorted({claim_text(c) for c in own if claim_kind(c["status"]) == "attributed"})
        data["tolls"] = [toll_text(f) for f in row.figures]
        rows.append(data)
    query = {"by": by, "from": start, "to": end, "in": place, "limit": limit, "dated_only": dated_only,
             "total": len(ids)}
    shown = [{**r, "date": r["date"] or "undated"} for r in rows] if fmt == "table" else rows
    emit(render(shown, fmt, ["id", "date", "place", "label_en", "claimed_by", "attributed_to", "tolls"],
                query), output)
    undated = sum(not r["dated"] for r in rows)
    if days and undated:
        click.echo(f"note: {undated} undated attack(s) listed last: no source dates them, so they may fall "
                   "in the window (--dated-only leaves them out)", err=True)
    if len(rows) < len(ids):
        click.echo(f"showing the first {len(rows)} of {len(ids)} attacks (--limit 0 shows all)", err=True)


@click.command("conflicts")
@format_options()
@click.pass_obj
def conflicts_command(obj: dict[str, object], fmt: str, output: Path | None) -> None:
    """Every place where sources disagree, side by side with their sources.

    \b
    Example:
      kg conflicts -f csv
    """
    found = conflicts(Session(obj).store)
    if fmt == "json":
        emit(render([asdict(c) for c in found], fmt, []), output)
        return
    rows = [{"topic": c.topic, "subject": c.subject, **v} for c in found for v in c.versions]
    emit(render(rows, fmt, ["topic", "subject", "value", "as_of", "source", "fact", "quote"]), output)


COMMANDS = [resolve_command, attacks_command, conflicts_command]
