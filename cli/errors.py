"""How the CLI reports failures: one line per problem, never a traceback unless --debug."""

from __future__ import annotations

import sys
from typing import Any

import click

from kg.errors import KgError


class KgGroup(click.Group):
    """A group that turns library errors into one-line messages and documented exit codes."""

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
