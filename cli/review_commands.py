"""``kg review``: the review workspace in the browser, on loopback only."""

from __future__ import annotations

from pathlib import Path

import click

from cli.choices import Choice
from cli.serve_commands import check_port
from kg.errors import fail

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("review")
@click.argument("source", required=False)
@click.option("--host", default="127.0.0.1", show_default=True, type=Choice(LOOPBACK),
              help="Loopback address to listen on (the workspace writes files: it never listens on the network).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (a busy one is refused with exit 2).")
@click.pass_obj
def review_command(obj: dict[str, object], source: str | None, host: str, port: int) -> None:
    """Review drafted candidates in the browser: accept, edit or drop each, add what was missed.

    Opens the queue of drafts in facts/drafts/, or the given source's page. Every change is
    checked as kg build checks it before facts/SOURCE.yaml and the draft are rewritten.

    \b
    Example:
      kg review src-aa238b89
    """
    check_port(host, port)
    import uvicorn  # the web stack loads only for this command

    from kg.serve.review.app import create_review_app
    from kg.serve.review.project import SOURCE_ID, drafted_sources

    root = Path(str(obj["root"]))
    if source is not None and (not SOURCE_ID.fullmatch(source) or source not in drafted_sources(root)):
        raise fail(source, f"no draft of this source in {root / 'facts' / 'drafts'}",
                   hint=f"draft it first: kg extract {source}", exit_code=2)
    app = create_review_app(root, source=source)
    shown = f"[{host}]" if ":" in host else host
    path = f"/review/{source}" if source else "/review/"
    click.echo(f"review workspace at http://{shown}:{port}{path} (facts: {root / 'facts'}); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [review_command]
