"""The ``kg`` group: every command is registered here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli import (
    build_commands,
    curation_commands,
    export_commands,
    import_commands,
    network_commands,
    push_commands,
    query_commands,
    serve_commands,
    sparql_commands,
)
from cli.errors import KgGroup
from kg import __version__


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--project", "-C", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project folder holding sources/, facts/ and exports/.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on internal errors.")
@click.pass_context
def cli(ctx: click.Context, project: Path, debug: bool) -> None:
    """A temporal knowledge graph of militant organizations and attacks.

    Exit codes: 0 ok, 1 the data does not conform or a check failed, 2 usage or input error.
    """
    ctx.obj = {"root": project, "debug": debug}


for module in (build_commands, query_commands, network_commands, export_commands, sparql_commands,
               curation_commands, serve_commands, import_commands, push_commands):
    for command in module.COMMANDS:
        cli.add_command(command)


def main(*args: Any) -> None:
    """Console-script entry point."""
    cli(*args)
