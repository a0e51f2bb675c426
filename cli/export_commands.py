"""``kg export``: one export format on demand."""

from __future__ import annotations

from pathlib import Path

import click

from cli.choices import Choice
from kg.atomic import check_output, write_files
from kg.errors import fail
from kg.export.exports import by_name, default_exports
from kg.store.store import open_graph

FORMATS = [e.name for e in default_exports().exporters]
UTF8_BOM = b"\xef\xbb\xbf"


@click.command("export")
@click.option("--format", "-f", "fmt", type=Choice(FORMATS), required=True, help="Export format.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File (or folder, for csv) to write; standard output if omitted.")
@click.option("--force", is_flag=True, help="Allow writing outside the current directory.")
@click.option("--bom", is_flag=True, help="csv: start each file with a UTF-8 byte order mark, so that Excel "
              "reads the Arabic as UTF-8 (other tools may show it as a stray character).")
@click.pass_obj
def export_command(obj: dict[str, object], fmt: str, output: Path | None, force: bool, bom: bool) -> None:
    """Write one export format of the built graph to a file or standard output.

    \b
    Example:
      kg export -f stix -o stix-bundle.json
    """
    if bom and fmt != "csv":
        raise fail("--bom", f"only csv files take a byte order mark, not {fmt}", hint="drop --bom", exit_code=2)
    root = Path(str(obj["root"]))
    exporter = by_name(fmt, root / "exports")
    graph = open_graph(root)
    if output is None:
        if fmt == "csv":
            raise fail("-o", "csv writes several files", hint="give -o DIR", exit_code=2)
        click.echo(exporter.render(graph).decode("utf-8"), nl=False)
        return
    target = output.absolute()
    if not force and not target.resolve().is_relative_to(Path.cwd().resolve()):
        raise fail(str(output), "refusing to write outside the current directory",
                   hint="pass --force if you mean it", exit_code=2)
    check_output(root, output, folder=fmt == "csv", example=exporter.filename)
    if fmt == "csv":
        files = {name.removeprefix("csv/"): (UTF8_BOM if bom else b"") + data
                 for name, data in exporter.files(graph).items()}
        written = write_files(target, files)
    else:
        written = write_files(target.parent, {target.name: exporter.render(graph)})
    click.echo(f"wrote {', '.join(written) or 'nothing changed'}", err=True)


COMMANDS = [export_command]
