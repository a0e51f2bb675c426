"""Formatting query results: table for people, JSON and CSV for scripts.

Every query command takes ``-f/--format`` and ``-o/--output`` through :func:`format_options`.
JSON is ``{"query": ..., "results": [...]}`` with the documented keys of each command.

A table on a terminal (or with ``COLUMNS`` set) fits its width: rich wraps the long cells at
words and never wraps a column without spaces (ids, statuses, dates), so nothing is cut. A
table piped elsewhere keeps every value whole on one line, and is drawn without rich (its
import is 30-60 ms that a script reading the output does not need).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from cli.choices import Choice
from kg.atomic import check_output, write_files

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
        obj = click.get_current_context().find_root().obj or {}
        check_output(Path(str(obj.get("root", "."))), output, example=output.name)
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
        write_files(output.absolute().parent, {output.name: data})


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


def columns_for(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str],
                optional: Sequence[str] = ("attested", "reading")) -> list[str]:
    """The table's columns without the ``optional`` ones no row fills (CSV keeps every column).

    >>> columns_for([{"a": 1, "reading": ""}], "table", ["a", "reading"]), columns_for([], "csv", ["a", "reading"])
    (['a'], ['a', 'reading'])
    """
    if fmt != "table":
        return list(columns)
    return [c for c in columns if c not in optional or any(row.get(c) for row in rows)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def width(text: str) -> int:
    """Display width: combining marks take no room."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def terminal_width() -> int | None:
    """The width to fit a table to: ``COLUMNS`` if set, else the terminal's; ``None`` when piped."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def table(cells: list[list[str]], header: list[str], fit: int | None = None) -> str:
    """An aligned text table; with ``fit``, wrapped to that many columns (:func:`fitted`)."""
    if fit is None:
        fit = terminal_width()
    if fit is not None:
        return fitted(cells, header, fit)
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *map(line, cells)])


def fitted(cells: list[list[str]], header: list[str], fit: int) -> str:
    """The table drawn by rich within ``fit`` columns: long cells wrap, none is cut.

    A column without spaces (ids, statuses, dates) is never wrapped; the others wrap at
    words. When even that cannot fit, each row is printed as a record, one field a line
    (:func:`records`).

    >>> print(fitted([["isis-k", "a long note that wraps"]], ["id", "note"], 20))
    id      note
    ------- -----------
    isis-k  a long note
            that wraps
    """
    whole = [not any(" " in row[i] for row in cells) for i in range(len(header))]
    least = [max([width(name)] + [width(word) for row in cells
                                  for word in ([row[i]] if whole[i] else row[i].split())])
             for i, name in enumerate(header)]
    least = [w if keep else min(w, WORD_FOLD) for w, keep in zip(least, whole, strict=True)]
    if sum(least) + 2 * len(header) > fit:
        return records(cells, header, fit)
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rule_under_header = Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
    grid = Table(box=rule_under_header, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                 header_style="", highlight=False)
    for name, keep, narrowest in zip(header, whole, least, strict=True):
        grid.add_column(name, no_wrap=keep, overflow="fold", min_width=narrowest)
    for row in cells:
        grid.add_row(*(Text(cell) for cell in row))
    out = io.StringIO()
    # drawn within fit - 1 on a wider console: without edge padding rich gives one column more, and
    # a console crops what passes its edge, silently
    Console(file=out, width=fit + 1000, color_system=None, force_terminal=False, highlight=False, markup=False,
            emoji=False, legacy_windows=False).print(grid, width=fit - 1)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    if max(map(width, lines), default=0) > fit:
        return records(cells, header, fit)
    return "\n".join(lines)


WORD_FOLD = 24
"""A word longer than this may be broken across lines of its cell, rather than widen its column."""


def records(cells: list[list[str]], header: list[str], fit: int) -> str:
    """Rows too wide for the terminal, one field a line, values wrapped under themselves.

    >>> print(records([["isis-k", "a long note that wraps around"]], ["id", "note"], 24))
    id    isis-k
    note  a long note that
          wraps around
    """
    label = max(map(width, header))
    indent = " " * (label + 2)
    blocks = []
    for row in cells:
        lines = []
        for name, value in zip(header, row, strict=True):
            if not value:
                continue
            wrapped = textwrap.wrap(value, max(fit - len(indent), 20), break_long_words=False,
                                    break_on_hyphens=False) or [""]
            lines.append(name + " " * (label - width(name) + 2) + wrapped[0])
            lines += [indent + more for more in wrapped[1:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
