"""``kg push``: the build into a SPARQL 1.1 store (Graph Store HTTP Protocol)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from requests.auth import HTTPDigestAuth

from kg.errors import fail
from kg.store.push import DEFAULT_CHUNK, DEFAULT_GRAPH, push

PASSWORD_ENV = "KG_PUSH_PASSWORD"


def credentials(user: str | None) -> tuple[str, str] | None:
    """``(user, password)`` for HTTP Basic, the password read from ``KG_PUSH_PASSWORD``."""
    if user is None:
        return None
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        raise fail("--user", f"{PASSWORD_ENV} is not set", hint=f"export {PASSWORD_ENV}=... (never on the "
                   "command line)", exit_code=2)
    return user, password


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store (see docs/push.md).")
@click.option("--graph", default=DEFAULT_GRAPH, show_default=True, metavar="IRI",
              help="The named graph to replace.")
@click.option("--chunk-triples", "chunk", default=DEFAULT_CHUNK, show_default=True, type=click.IntRange(1),
              help="Triples per request: the first is PUT (replaces the graph), the next POST (append).")
@click.option("--user", help=f"HTTP Basic user; the password is read from ${PASSWORD_ENV}.")
@click.option("--digest", is_flag=True, help="HTTP Digest instead of Basic (Virtuoso's /sparql-graph-crud-auth).")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for each request (0: no limit).")
@click.option("--source-graphs/--no-source-graphs", default=True, show_default=True,
              help="Also replace each source's named graph (as in exports/graph.trig), as kg serve has them.")
@click.pass_obj
def push_command(obj: dict[str, object], endpoint: str, graph: str, chunk: int, user: str | None, digest: bool,
                 timeout: float, source_graphs: bool) -> None:
    """Replace a named graph in a SPARQL 1.1 store with the build (exports/graph.nt), then each source's graph.

    Idempotent: pushing twice leaves the same triples. Progress goes to standard error.

    \b
    Example:
      kg push --endpoint http://localhost:7878/store
    """
    auth = credentials(user)
    report = push(Path(str(obj["root"])), endpoint, graph=graph, chunk=chunk,
                  auth=HTTPDigestAuth(*auth) if digest and auth else auth, per_source=source_graphs,
                  timeout=timeout or None, progress=lambda message: click.echo(message, err=True))
    sources = (f", and {report.source_graphs} source graph(s) ({report.source_triples} triples)"
               if report.source_graphs else "")
    click.echo(f"pushed {report.triples} triples to <{report.graph}> in {report.requests - report.source_graphs} "
               f"request(s){sources}, {report.seconds:.2f} s", err=True)


COMMANDS = [push_command]
