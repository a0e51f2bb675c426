"""Reading a GTD-format CSV as a stream, so that what cannot be read is refused early and in little memory.

The file is read once in blocks while it is copied (the copy is what the import keeps
and parses, so the bytes hashed are the bytes read), checking on the way what no GTD
file holds: a NUL byte, a line over :data:`MAX_LINE` bytes, bytes the encoding cannot
decode. A gigabyte of NUL bytes is refused after its first block. Then the copy is
parsed as a stream of lines, with the ``csv`` module's bound on a field's size.

Every line is accounted for: the header, a blank line, or part of a row; a record read
over several lines that swallowed other rows (a stray quote) fails the whole import.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from kg.curate.files import open_regular
from kg.errors import fail
from kg.gtd.columns import COLUMNS, REQUIRED

BLOCK = 1 << 20
MAX_LINE = 1 << 20
"""Bytes in one line: a GTD row is a few kilobytes; a longer line is not a GTD file."""


@dataclass(frozen=True)
class Scanned:
    """What copying the file found: its SHA-256 and its number of lines."""

    sha256: str
    lines: int


def copy_scanned(path: Path, out: BinaryIO, encoding: str) -> Scanned:
    """Copy ``path`` to ``out`` block by block, refusing at once what cannot be a GTD-format CSV."""
    where = str(path)
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise fail(where, f"unknown encoding {encoding!r}", hint="e.g. --encoding latin-1", exit_code=2) from None
    digest, lines, run = hashlib.sha256(), 0, 0  # run: bytes since the last line break
    with open_regular(path, where, hint="give the CSV file itself") as source:
        for block in iter(lambda: source.read(BLOCK), b""):
            nul = block.find(b"\0")
            if nul >= 0:
                raise fail(where, "a NUL byte", line=lines + block.count(b"\n", 0, nul) + 1,
                           hint="a CSV file is text; this looks like a binary or damaged file", exit_code=2)
            _check_lines(where, block, lines, run)
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block.count(b"\n", 0, max(exc.start, 0)) + 1
                raise fail(where, f"not {encoding} text ({exc.reason})", line=line,
                           hint="GTD's own export is often latin-1: pass --encoding latin-1", exit_code=2) from None
            last = block.rfind(b"\n")
            run = run + len(block) if last < 0 else len(block) - last - 1
            lines += block.count(b"\n")
            digest.update(block)
            out.write(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise fail(where, f"the file ends inside a character: not {encoding} text ({exc.reason})",
                   hint="the file may be cut short", exit_code=2) from None
    return Scanned(digest.hexdigest(), lines + (1 if run else 0))


def _check_lines(where: str, block: bytes, lines: int, run: int) -> None:
    """Refuse a line over :data:`MAX_LINE` bytes, counting the part of it read before this block."""
    start, number = 0, lines + 1
    while True:
        end = block.find(b"\n", start)
        length = (len(block) if end < 0 else end) - start + (run if start == 0 else 0)
        if length > MAX_LINE:
            raise fail(where, f"the line is over {MAX_LINE >> 20} MB long, and no GTD row is", line=number,
                       hint="check this is a GTD-format CSV file", exit_code=2)
        if end < 0:
            return
        start, number = end + 1, number + 1


def lines(handle: TextIO) -> Iterator[str]:
    """The file's lines, a byte-order mark dropped from the first."""
    first = True
    for line in handle:
        yield line.removeprefix("\ufeff") if first else line
        first = False


def header(path: Path, fields: list[str] | None) -> list[str]:
    """The header's column names, each one the codebook knows, the required ones all there."""
    fields = [f.strip() for f in fields or []]
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise fail(str(path), f"line 1: missing column(s) {', '.join(missing)}",
                   hint="a GTD export has eventid, iyear, imonth, iday, country_txt, gname", exit_code=2)
    for name in fields:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"did you mean {close[0]}?" if close else "the GTD codebook's 134 columns are in kg/gtd/columns.py"
            raise fail(str(path), f"line 1: unknown column {name!r}", hint=hint, exit_code=2)
    return fields


def records(path: Path, handle: TextIO) -> Iterator[tuple[int, list[str], list[str]]]:
    """Each record after the header: its first line, its fields, and the header's names.

    Raises when the CSV cannot be read, or when a record over several lines swallowed rows.
    """
    reader = csv.reader(lines(handle))
    fields = header(path, next(reader, None))
    while True:
        first = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise fail(str(path), f"line {first}: the CSV cannot be read: {exc}", hint="check quoting",
                       exit_code=2) from None
        _whole_rows(path, fields, values, first, reader.line_num)
        yield first, fields, values


def _whole_rows(path: Path, fields: list[str], values: list[str], first: int, last: int) -> None:
    """Fail when a quoted field running over several lines has eaten other rows (a stray quote).

    A field may hold line breaks (a summary written on two lines), but a record read over
    several lines that has the wrong number of fields, or a field holding a whole row's
    worth of commas, is rows swallowed by a quote: skipping it would lose them in silence.
    """
    if last == first:
        return
    where = f"lines {first}-{last} were read as one row"
    hint = f"a stray \" on line {first}? quote the field whole, or remove the quote; nothing was imported"
    if len(values) != len(fields):
        raise fail(str(path), f"{where} of {len(values)} fields (the header has {len(fields)}): a quoted field "
                   f"opened on line {first} runs to line {last}", line=first, hint=hint, exit_code=2)
    for name, value in zip(fields, values, strict=True):
        if "\n" in value and value.count(",") >= len(fields) - 1:
            raise fail(str(path), f"{where}: its field {name} spans lines and holds a whole row's commas",
                       line=first, hint=hint, exit_code=2)
