"""``kg serve``: the read-only SPARQL endpoint and the pages, on loopback by default."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from kg.errors import fail
from kg.serve.limits import MAX_QUERY_BYTES


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the graph to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (a busy one is refused with exit 2).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (each holds the store open read-only).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a query may run before its worker is killed (answer: 503, no partial result).")
@click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(0),
              help="Rows (or triples) a result may have (answer: 422).")
@click.option("--queue-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a request waits for a free worker (answer: 503).")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE (federated queries), which makes the server fetch from the network.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Let pages on ORIGIN (e.g. https://yasgui.example; repeatable, or '*') query /sparql from the "
                   "browser. Off by default; credentials are never allowed.")
@click.option("--allow-host", "allow_host", multiple=True, metavar="NAME",
              help="Also answer requests addressed to NAME (the Host header), e.g. the name of a proxy in front; "
                   "repeatable, '*' for any. By default only the --host name and loopback names are answered "
                   "(421 otherwise), which keeps DNS-rebinding pages out.")
@click.option("--max-query-bytes", default=MAX_QUERY_BYTES, show_default=True, type=click.IntRange(1),
              help="Largest request body /sparql reads (a query or a form; answer: 413).")
@click.pass_obj
def serve_command(obj: dict[str, object], host: str, port: int, workers: int, timeout: float,
                  max_results: int, queue_timeout: float, allow_service: bool, cors: tuple[str, ...],
                  allow_host: tuple[str, ...], max_query_bytes: int) -> None:
    """Serve the built graph: a SPARQL 1.1 Protocol endpoint at /sparql, entity pages, search.

    Read-only: updates and LOAD get 403, SERVICE too unless --allow-service.

    \b
    Example:
      kg serve --port 8000
    """
    check_port(host, port)
    import uvicorn  # the web stack loads only for this command: other commands start faster

    from kg.serve.app import Settings, create_app
    from kg.serve.hosts import allowed_hosts
    from kg.serve.pool import Limits

    root = Path(str(obj["root"]))
    settings = Settings(workers=workers, limits=Limits(timeout, max_results, queue_timeout),
                        allow_service=allow_service, cors=cors, hosts=allowed_hosts(host, allow_host),
                        max_query_bytes=max_query_bytes)
    app = create_app(root, settings, on_rebuild=lambda message: click.echo(message, err=True))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who can reach it can query the graph", err=True)
    click.echo(f"serving {root / 'exports'} at http://{host}:{port}/ (SPARQL: /sparql); Ctrl-C stops", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def check_port(host: str, port: int) -> None:
    """Fail in one line, before loading anything, when the address is taken (or not ours to bind)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise fail(f"{host}:{port}", "the port is in use", hint=f"try --port {port + 1 if port else 8001}",
                       exit_code=2) from None
        raise fail(f"{host}:{port}", f"cannot listen there: {exc.strerror or exc}",
                   hint="check --host and --port", exit_code=2) from None


COMMANDS = [serve_command]
