"""How the CLI reports failures: one line per problem, never a traceback unless --debug."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from kg.errors import KgError


class OneLineUsageError(click.UsageError):
    """A usage error shown as every other error is: one line, with a hint."""

    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx is not None else "kg"
        click.echo(f"error: {self.format_message()} (hint: {command} --help)", err=True)


def _full_summaries(command: click.Command) -> None:
    """Give a command (and a group's subcommands) its whole first paragraph as the summary
    ``kg --help`` lists: click cuts it at about 45 characters otherwise."""
    if command.short_help is None and command.help:
        command.short_help = " ".join(command.help.split("\n\n", 1)[0].split())
    for sub in getattr(command, "commands", {}).values():
        _full_summaries(sub)


class KgGroup(click.Group):
    """A group that turns library errors into one-line messages and documented exit codes.

    ``lazy`` maps command names to ``module:attribute`` in the ``cli`` package; a command's
    module is imported the first time the command is looked up.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``--debug`` anywhere before a ``--`` counts, after the subcommand too (``kg connections a b --debug``)."""
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            args = ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(f"cli.{module}"), attribute)
            _full_summaries(command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:  # a subcommand's bad option or value: one line too
            if isinstance(exc, OneLineUsageError):
                raise
            raise OneLineUsageError(exc.format_message(), exc.ctx) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(2)
        except Exception as exc:  # the last line of defence: no traceback for users
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"error: internal error: {type(exc).__name__}: {exc} "
                       "(hint: rerun with --debug and report it)", err=True)
            ctx.exit(2)
