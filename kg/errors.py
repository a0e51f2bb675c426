"""Errors that users see: one line naming the file, the line and the fact, plus a hint."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    >>> str(Problem("facts/a.yaml", 12, "f-1", "quote not found in src-1", "copy it verbatim"))
    'facts/a.yaml:12: f-1: quote not found in src-1 (hint: copy it verbatim)'
    """

    file: str
    line: int | None
    fact: str | None
    message: str
    hint: str | None = None
    exit_code: int = 1

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f" {self.fact}:" if self.fact else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{what} {self.message}{hint}"


class KgError(Exception):
    """Raised with every problem found, so a user sees them all at once.

    ``exit_code`` follows the documented codes: 1 when the data does not conform,
    2 when the input cannot be read at all or the usage is wrong. By default it is
    the highest code among the problems.
    """

    def __init__(self, problems: list[Problem], exit_code: int | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.exit_code = exit_code if exit_code is not None else max(p.exit_code for p in problems)


def fail(file: str, message: str, *, line: int | None = None, fact: str | None = None,
         hint: str | None = None, exit_code: int = 1) -> KgError:
    """Build a :class:`KgError` holding a single problem (to ``raise``)."""
    return KgError([Problem(file, line, fact, message, hint, exit_code)])


_AT = re.compile(r"^Parser error at line \d+ (?:between columns (\d+) and \d+|column (\d+)): (.*)$", re.S)


def syntax_error(exc: SyntaxError) -> tuple[int, str]:
    """The line of an Oxigraph syntax error, and what it says (with the column).

    >>> syntax_error(SyntaxError("Parser error at line 3 column 9: Unexpected end", (None, 3, 9, None, 3, 9)))
    (3, 'Unexpected end (column 9)')
    """
    match = _AT.match(str(exc.msg))
    if match is None:
        return exc.lineno or 0, str(exc.msg)
    return exc.lineno or 0, f"{match.group(3).strip()} (column {match.group(1) or match.group(2)})"

