"""A value not among the valid ones: every valid one listed, and the one probably meant."""

from __future__ import annotations

import difflib
from typing import Any

import click

from kg.errors import KgError, fail


def did_you_mean(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing.

    >>> did_you_mean("leeder", ["leader", "member"])
    " (did you mean 'leader'?)"
    """
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown(option: str, what: str, value: str, choices: list[str] | tuple[str, ...]) -> KgError:
    """A one-line usage error for a value not among ``choices``: every valid one, and the closest."""
    return fail(option, f"unknown {what} {value!r}{did_you_mean(value, choices)}",
                hint=f"one of: {', '.join(choices)}", exit_code=2)


class Choice(click.Choice):  # type: ignore[type-arg]
    """click's ``Choice`` whose error also says which choice was probably meant."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return super().get_invalid_choice_message(value, ctx) + did_you_mean(str(value), list(self.choices))
