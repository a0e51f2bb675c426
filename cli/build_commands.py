"""``kg build`` and ``kg validate``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cli.choices import Choice
from cli.output import emit, format_options, render


@click.command("build")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if exports/ is stale.")
@click.pass_obj
def build_command(obj: dict[str, object], check: bool) -> None:
    """Compile facts/ to RDF, validate it with SHACL, then write exports/.

    Nothing is written unless the whole graph conforms.

    \b
    Example:
      kg build --check
    """
    from kg.build import build  # heavy (SHACL, every exporter): loaded only by the commands that build

    root = Path(str(obj["root"]))
    result = build(root, check=check)
    counts = f"{len(result.corpus.entities)} entities, {len(result.corpus.facts)} facts, " \
             f"{len(result.corpus.sources)} sources, {result.triples} triples"
    if result.corpus.candidates:
        bad = f"; {result.corpus.bad_spans} spans do not match their source text (kg drafts)" \
            if result.corpus.bad_spans else ""
        click.echo(f"{result.corpus.candidates} draft candidates wait for review in facts/drafts/ "
                   f"(not built{bad})", err=True)
    if check:
        if result.stale:
            click.echo(f"error: exports/ is stale: {', '.join(result.stale)} "
                       "(hint: run kg build and commit exports/)", err=True)
            raise SystemExit(1)
        click.echo(f"exports/ is fresh ({counts})")
        return
    written = ", ".join(result.written) if result.written else "nothing changed"
    click.echo(f"built {counts}; conforms to SHACL; wrote {written}")


@click.command("validate")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "-f", "fmt", type=Choice(["table", "json"]), default="table",
              show_default=True, help="Output format: one line per result, or JSON.")
def validate_command(paths: tuple[Path, ...], fmt: str) -> None:
    """Validate RDF files or folders (Turtle, N-Triples, JSON-LD, TriG, RDF/XML) against shapes/.

    \b
    Example:
      kg validate exports/graph.ttl
    """
    from kg.graph.rdfinput import validate_paths

    report = validate_paths(list(paths))
    if fmt == "json":
        click.echo(json.dumps({"conforms": report.conforms, "violations": [
            v.__dict__ for v in report.violations]}, ensure_ascii=False, indent=2))
    else:
        for v in report.violations:
            path = f" [{v.path}]" if v.path else ""
            click.echo(f"{v.severity}: {v.focus}: {v.message}{path}")
        click.echo("conforms" if report.conforms else f"does not conform: {len(report.violations)} results")
    raise SystemExit(0 if report.conforms else 1)



@click.command("coverage")
@format_options("markdown")
@click.pass_obj
def coverage_command(obj: dict[str, object], fmt: str, output: Path | None) -> None:
    """Curated records by type for each source (-f markdown: the table docs/coverage.md embeds).

    \b
    Example:
      kg coverage -f markdown
    """
    from kg.curate.corpus import load
    from kg.curate.coverage import COLUMNS, counts, markdown

    corpus = load(Path(str(obj["root"])))
    if fmt == "markdown":
        emit(markdown(corpus), output)
        return
    rows = [{"source": sid, **{c: row[c] for c in COLUMNS}, "total": sum(row.values())}
            for sid, row in sorted(counts(corpus).items())]
    emit(render(rows, fmt, ["source", *COLUMNS, "total"]), output)


COMMANDS = [build_command, validate_command, coverage_command]
