"""``kg import gtd``: load a Global Terrorism Database CSV (or a file shaped like it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group("import")
def import_group() -> None:
    """Import event datasets next to the curated facts (into imports/).

    \b
    Example:
      kg import gtd globalterrorismdb.csv --encoding latin-1
    """


@import_group.command("gtd")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-id", help="Id of the dataset (default: gtd- and 8 hex digits of the file's SHA-256).")
@click.option("--strict", is_flag=True, help="Fail on the first bad row, writing nothing (default: skip and report).")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the file (GTD's: latin-1).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.pass_obj
def gtd_command(obj: dict[str, object], file: Path, source_id: str | None, strict: bool, encoding: str,
                progress: bool | None) -> None:
    """Turn each row into attacks, claims, casualty reports, places and groups, linked to curated entities.

    Bad rows are reported with their line and skipped (exit 0 with a count); --strict fails instead.

    \b
    Example:
      kg import gtd globalterrorismdb.csv --encoding latin-1
    """
    from tqdm import tqdm

    from kg.gtd.importer import import_gtd
    from kg.gtd.link import curated_resolver

    root = Path(str(obj["root"]))
    resolver = curated_resolver(root)
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(desc="rows", unit=" rows", disable=not show, file=sys.stderr) as bar:
        result = import_gtd(root, file, source_id=source_id, strict=strict, encoding=encoding, resolver=resolver,
                            progress=lambda rows: bar.update(rows - bar.n))
    for problem in result.skipped:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"imported {result.id}: {result.imported} of {result.rows} rows, {result.triples} triples; "
               f"skipped {len(result.skipped)} bad rows; wrote {', '.join(result.files)}")
    if resolver is None:
        click.echo("note: no built graph, so no group was linked to a curated entity (run kg build first)", err=True)


COMMANDS = [import_group]
