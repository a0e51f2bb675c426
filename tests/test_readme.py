"""The README's examples are real output: each ``$ kg ...`` line of its console blocks is run
on the curated graph and its output compared, as sqlite-utils checks its docs.

Commands run as a person would see them in a terminal :data:`COLUMNS` wide. ``kg build``
runs on a copy of the project (it writes); ``| grep WORD`` and ``| head -n N`` work as in a shell.
Blocks that start a server (``kg serve ... &``, then curl) are not run here: tests/serve
checks those answers. After changing what a command prints, refresh the README with
``python -m tests.test_readme`` and read the diff.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO

README = REPO / "README.md"
COLUMNS = 120
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)


def examples(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ kg`` command of the console blocks and the lines printed under it."""
    found: list[tuple[str, list[str]]] = []
    for block in _BLOCK.findall(text):
        if " &\n" in block:
            continue  # a server in the background: not run here
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output.rstrip("\n").split("\n") if output.strip() else []))
    return found


def run(command: str, project: Path) -> list[str]:
    """What the command prints on standard output, as the README shows it."""
    words, _, pipe = command.partition(" | ")
    args = shlex.split(words)
    assert args[0] == "kg", command
    root = project if args[1] == "build" else REPO
    result = CliRunner().invoke(cli, ["-C", str(root), *args[1:]], env={"COLUMNS": str(COLUMNS)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stdout.rstrip("\n").split("\n") if result.stdout.strip() else []
    if pipe.startswith("grep "):
        return [line for line in lines if pipe.removeprefix("grep ") in line]
    if pipe.startswith("head -n "):
        return lines[: int(pipe.removeprefix("head -n "))]
    assert not pipe, f"{command}: only | grep WORD and | head -n N are run here"
    return lines


def copy_of_project(target: Path) -> Path:
    for folder in ("facts", "sources", "exports"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def test_the_readme_has_examples() -> None:
    commands = [command for command, _ in examples(README.read_text(encoding="utf-8"))]
    assert len(commands) >= 5 and "kg build" in commands


@pytest.mark.parametrize(("command", "expected"), examples(README.read_text(encoding="utf-8")),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_a_readme_example_prints_what_the_readme_shows(command: str, expected: list[str], tmp_path: Path) -> None:
    project = copy_of_project(tmp_path / "project") if command.startswith("kg build") else REPO
    assert run(command, project) == expected


def refreshed(text: str, project: Path) -> str:
    """The README with the output under each example replaced by what the command prints now."""
    def block(match: re.Match[str]) -> str:
        body = match.group(1)
        if " &\n" in body:
            return match.group(0)
        out = []
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command = chunk.partition("\n")[0]
            out.append("\n".join([f"$ {command}", *run(command, project)]))
        return "```console\n" + "\n\n".join(out) + "\n```"
    return _BLOCK.sub(block, text)


if __name__ == "__main__":  # python -m tests.test_readme: rewrite the README's example output
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        README.write_text(refreshed(README.read_text(encoding="utf-8"), copy_of_project(Path(scratch))),
                          encoding="utf-8")
    sys.exit(0)
