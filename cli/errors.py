"""How the CLI reports failures: one line per problem, never a traceback unless --debug."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Any

import click

from kg.errors import KgError


class KgGroup(click.Group):
    """A group that turns library errors into one-line messages and documented exit codes.

    ``lazy`` maps command names to ``module:attribute`` in the ``cli`` package; a command's
    module is imported the first time the command is looked up.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(f"cli.{module}"), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(2)
        except Exception as exc:  # the last line of defence: no traceback for users
            if (ctx.obj or {}).get("debug") or "--debug" in sys.argv:
                raise
            click.echo(f"error: internal error: {type(exc).__name__}: {exc} "
                       "(hint: rerun with --debug and report it)", err=True)
            ctx.exit(2)
