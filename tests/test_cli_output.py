"""What people see (issue 19): tables that fit the terminal, grouped connections, full help,
documented exit codes, one-line errors that say what is wrong."""

from __future__ import annotations

import csv
import io
import json
import socket
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO, free_port
from tests.test_cli import commands


def kg(*args: str, columns: int | None = None) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns) if columns else ""}
    result = CliRunner().invoke(cli, ["-C", str(REPO), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True, scope="module")
def store_built() -> None:
    """The store made before the first test: in a fresh clone that command says so on stderr."""
    CliRunner().invoke(cli, ["-C", str(REPO), "prefixes"])
    CliRunner().invoke(cli, ["-C", str(REPO), "resolve", "isis-k"])


# --- tables ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "columns"), [
    (["resolve", "Khorasan"], 140), (["connections", "isis-k", "taliban"], 100),
    (["timeline", "isis-k", "--to", "2015"], 140)])
def test_a_table_fits_the_terminal_and_cuts_nothing(args: list[str], columns: int) -> None:
    code, wide, _ = kg(*args)
    code, narrow, _ = kg(*args, columns=columns)
    assert code == 0
    assert all(len(line) <= columns for line in narrow.splitlines()), narrow
    assert "…" not in narrow and "…" not in wide
    # every character of the full table is still there, wrapped rather than cut
    assert letters(wide) == letters(narrow)


def letters(table: str) -> list[str]:
    """The table's characters but spaces and its rule under the header."""
    lines = table.splitlines()
    rule = next(i for i, line in enumerate(lines) if line and not set(line) - {"-", " "})
    return sorted("".join("".join(line.split()) for line in lines[:rule] + lines[rule + 1:]))


def test_a_table_too_wide_for_the_terminal_becomes_records() -> None:
    code, out, _ = kg("attacks", "--by", "isis-k", columns=80)
    assert code == 0 and all(len(line) <= 80 for line in out.splitlines())
    _, data, _ = kg("attacks", "--by", "isis-k", "-f", "json")
    rows = json.loads(data)["results"]
    blocks = out.split("\n\n")
    assert len(blocks) == len(rows)
    for block, row in zip(blocks, rows, strict=True):
        assert block.splitlines()[0].split() == ["id", row["id"]]
        assert " ".join(block.split()).count(row["label_en"]) == 1


def test_a_piped_table_keeps_every_value_whole_on_its_line() -> None:
    code, out, _ = kg("attacks", "--by", "isis-k", "--limit", "0")
    assert code == 0
    label = "ISIS-Khorasan's military operations against 'apostates and Sahwat' in Central Asia"
    _, data, _ = kg("attacks", "--by", "isis-k", "--limit", "0", "-f", "json")
    labels = {row["label_en"] for row in json.loads(data)["results"]}
    long_labels = [text for text in labels if len(text) > 60]
    assert long_labels, "the curated graph has long labels"
    lines = out.splitlines()
    for text in long_labels:
        assert any(text in line for line in lines), text
    assert label in labels or long_labels


def test_ids_and_statuses_are_never_wrapped() -> None:
    code, out, _ = kg("affiliations", "isis-k", "--at", "2015-10", columns=90)
    assert code == 0
    _, data, _ = kg("affiliations", "isis-k", "--at", "2015-10", "-f", "json")
    for row in json.loads(data)["results"]:
        assert row["subject"] in out and row["holds"] in out


# --- connections, timeline, conflicts, coverage ---------------------------------------------

def test_connections_list_each_route_once_with_a_summary() -> None:
    code, out, _ = kg("connections", "isis-k", "taliban")
    assert code == 0
    summary, *table = out.splitlines()
    assert summary.startswith("1 direct link; ") and "through isis-k-founding-defectors" in summary
    assert summary.endswith("all only possible")
    _, data, _ = kg("connections", "isis-k", "taliban", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows[0]["hops"] == "1" and [int(row["hops"]) for row in rows] == sorted(int(row["hops"]) for row in rows)
    assert all("[reported]" in row["path"] for row in rows)
    _, data, _ = kg("connections", "isis-k", "taliban", "-f", "json")
    paths = json.loads(data)["results"]
    routes = {("isis-k", *(hop["to"] for hop in path["hops"])) for path in paths}
    assert len(paths) > len(rows) == len(routes), "each route once; JSON keeps every path the analysis finds"


def test_a_disputed_hop_shows_its_status() -> None:
    code, out, _ = kg("connections", "khorasan-group", "isis", "--max-hops", "1", "-f", "csv")
    assert code == 0 and "linked-to [disputed]" in out  # «الملتحقة بـ ... لكنها تحافظ على وضعها التنظيمي» (issue 18)


def test_the_timeline_names_the_other_party() -> None:
    code, out, _ = kg("timeline", "abdul-rahim-muslim-dost", "-f", "json")
    assert code == 0
    rows = json.loads(out)["results"]
    assert rows and all(row["others"] for row in rows if row["type"] in ("affiliation", "split"))
    assert any("isis-k" in row["others"] for row in rows)
    code, table, _ = kg("timeline", "abdul-rahim-muslim-dost")
    assert table.splitlines()[0].split()[:5] == ["date", "precision", "what", "type", "others"]


def test_conflicts_never_show_a_fact_id_as_the_subject() -> None:
    code, out, _ = kg("conflicts", "-f", "json")
    assert code == 0
    found = json.loads(out)["results"]
    assert any(c["topic"] == "disputed" for c in found)
    assert not [c for c in found if c["subject"].startswith("f-")]
    disputed = next(c for c in found if c["topic"] == "disputed")
    assert disputed["subject"] == "khorasan-group" and disputed["versions"][0]["value"] == "linked-to isis"


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_coverage_takes_a_format(fmt: str) -> None:
    code, out, _ = kg("coverage", "-f", fmt)
    assert code == 0 and "src-0a9c83c6" in out
    if fmt == "json":
        rows = json.loads(out)["results"]
        assert {row["source"] for row in rows} >= {"src-0a9c83c6"} and all(row["total"] > 0 for row in rows)


# --- help --------------------------------------------------------------------------------------

def every_command() -> dict[str, click.Command]:
    found = {}
    for name, command in commands().items():
        found[name] = command
        for sub, subcommand in getattr(command, "commands", {}).items():
            found[f"{name} {sub}"] = subcommand
    return found


def test_the_group_help_shows_whole_summaries() -> None:
    code, out, _ = kg("--help")
    listing = out.split("Commands:", 1)[1]
    assert code == 0 and "..." not in listing
    assert "with sources." in out  # the end of the affiliations summary


@pytest.mark.parametrize("name", sorted(every_command()))
def test_every_command_has_an_example_and_every_option_a_description(name: str) -> None:
    command = every_command()[name]
    code, out, _ = kg(*name.split(), "--help")
    assert code == 0
    assert "Example:" in out and f"\n    kg {name}" in out, out
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"kg {name} {param.opts[0]} has no description"
            if param.opts[0] in ("--at", "--from", "--to", "--published"):
                assert param.metavar == "EDTF", f"kg {name} {param.opts[0]}"


QUERY_COMMANDS = ["resolve", "attacks", "conflicts", "affiliations", "connections", "lineage", "timeline",
                  "query", "prefixes", "coverage"]


@pytest.mark.parametrize("name", QUERY_COMMANDS)
def test_the_example_of_each_query_command_runs(name: str) -> None:
    help_text = every_command()[name].help or ""
    example = help_text.split("Example:", 1)[1].split()
    assert example[0] == "kg"
    code, out, err = kg(*[word.strip("'") for word in example[1:]])
    assert code == 0, err
    assert out.strip()


# --- errors and exit codes -------------------------------------------------------------------

def test_debug_after_the_subcommand_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.analysis.answers as answers

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(answers, "connections_of", broken)
    result = CliRunner().invoke(cli, ["-C", str(REPO), "connections", "isis-k", "taliban"])
    assert result.exit_code == 2 and "internal error: RuntimeError: boom" in result.stderr
    result = CliRunner().invoke(cli, ["-C", str(REPO), "connections", "isis-k", "taliban", "--debug"])
    assert isinstance(result.exception, RuntimeError)


def test_a_name_nothing_matches_is_an_input_error() -> None:
    code, out, err = kg("resolve", "xyzzy")
    assert code == 2 and out == ""
    assert err.strip() == "error: xyzzy: no entity matches this name (hint: try a shorter name or another spelling)"


def test_serve_on_a_busy_port_says_so_in_one_line() -> None:
    port = free_port()
    with socket.create_server(("127.0.0.1", port)):
        code, out, err = kg("serve", "--port", str(port))
    assert code == 2 and out == ""
    assert err.strip() == f"error: 127.0.0.1:{port}: the port is in use (hint: try --port {port + 1})"


def test_validate_gives_the_parser_reason_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n')
    code, out, err = kg("validate", str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}:3: cannot parse as turtle: ")
    assert "Unexpected end of file" in err  # the parser's reason, not just "at line 3"


def test_a_query_command_that_leaves_by_os_exit_loses_no_output_and_keeps_its_code() -> None:
    import subprocess
    import sys

    args = ["-C", str(REPO), "attacks", "--limit", "0", "-f", "csv"]
    done = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout == CliRunner().invoke(cli, args).stdout
    done = subprocess.run([sys.executable, "-m", "cli", "-C", str(REPO), "resolve", "xyzzy"], capture_output=True,
                          text=True, cwd=REPO)
    assert done.returncode == 2 and done.stderr.startswith("error: xyzzy: no entity matches")
