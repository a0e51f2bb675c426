"""Formatting query results: table for people, JSON and CSV for scripts.

Every query command takes ``-f/--format`` and ``-o/--output`` through :func:`format_options`.
JSON is ``{"query": ..., "results": [...]}`` with the documented keys of each command.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from cli.choices import Choice

FORMATS = ("table", "json", "csv")


def format_options(*extra: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``-f/--format`` (table, json, csv and any extra formats) and ``-o/--output``."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                            help="Write to this file instead of standard output.")(func)
        return click.option("--format", "-f", "fmt", type=Choice(FORMATS + extra),
                            default="table", show_default=True, help="Output format.")(func)
    return decorate


def emit(text: str, output: Path | None) -> None:
    """Write text to a file or standard output."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str],
           query: dict[str, Any] | None = None, empty: str = "no results") -> str:
    """Rows as a table, JSON or CSV. ``columns`` fixes the table and CSV columns."""
    if fmt == "json":
        return json.dumps({"query": query or {}, "results": list(rows)}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})
        return buffer.getvalue()
    if not rows:
        return empty
    return table([[_cell(row.get(k)) for k in columns] for row in rows], list(columns))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def width(text: str) -> int:
    """Display width: combining marks take no room."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def table(cells: list[list[str]], header: list[str], max_width: int = 60) -> str:
    """A plain aligned text table."""
    clipped = [[c if width(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([width(h)] + [width(r[i]) for r in clipped]) for i, h in enumerate(header)]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *map(line, clipped)])
