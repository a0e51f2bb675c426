"""The ``kg`` group: every command is registered here, by name, and imported when it runs.

A command's module is imported only when that command is asked for (click's "lazily
loading subcommands" pattern), so ``kg affiliations`` does not pay for the exporters,
the STIX library or the server: importing every module took 0.5 s of each query.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

import click

from cli.errors import KgGroup
from kg import __version__

COMMANDS = {
    "build": "build_commands:build_command", "validate": "build_commands:validate_command",
    "coverage": "build_commands:coverage_command",
    "resolve": "query_commands:resolve_command", "attacks": "query_commands:attacks_command",
    "conflicts": "query_commands:conflicts_command",
    "affiliations": "network_commands:affiliations_command",
    "connections": "network_commands:connections_command",
    "lineage": "network_commands:lineage_command", "timeline": "network_commands:timeline_command",
    "export": "export_commands:export_command",
    "query": "sparql_commands:query_command", "prefixes": "sparql_commands:prefixes_command",
    "add-source": "curation_commands:add_source_command", "extract": "curation_commands:extract_command",
    "drafts": "curation_commands:drafts_command", "extract-score": "curation_commands:extract_score_command",
    "serve": "serve_commands:serve_command", "review": "review_commands:review_command",
    "import": "import_commands:import_group",
    "push": "push_commands:push_command",
}
"""Each command's name and where it lives: ``module:attribute`` in the ``cli`` package."""


@click.group(cls=KgGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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


QUICK = frozenset({"resolve", "attacks", "conflicts", "affiliations", "connections", "lineage", "timeline",
                   "query", "prefixes", "coverage", "validate"})
"""Commands that answer and exit: short-lived, with no worker process or server to wind down."""


def command_name(argv: list[str]) -> str | None:
    """The subcommand a command line asks for: its first word that is no group option.

    >>> command_name(["-C", "project", "--debug", "affiliations", "isis-k"])
    'affiliations'
    >>> command_name(["--project=x", "build"]), command_name(["--version"])
    ('build', None)
    """
    words = iter(argv)
    for word in words:
        if word in ("-C", "--project"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(*args: Any) -> None:
    """Console-script entry point.

    A query command runs with the garbage collector off and leaves by ``os._exit`` once its
    output is flushed: collecting the import-time objects, then tearing the interpreter
    down, took about 0.1 s of a 0.3 s answer, and such a process frees nothing it needs to.
    """
    if command_name(sys.argv[1:]) not in QUICK:
        cli(*args)
        return
    gc.disable()
    try:
        cli(*args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # kg attacks | head: the reader left; say nothing more
        pass
    os._exit(code)
