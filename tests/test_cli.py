"""The query commands through click's CliRunner, on the curated graph, plus a docs check."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO


def kg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(REPO), *args])
    return result.exit_code, result.stdout, result.stderr


def commands() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `kg ([a-z-]+)", readme, flags=re.M))
    assert documented == set(commands()), sorted(set(commands()) ^ documented)


def test_the_lazy_registry_names_every_command_of_every_module() -> None:
    registered = {command for command in commands().values()}
    for path in sorted((REPO / "cli").glob("*_commands.py")):
        module = importlib.import_module(f"cli.{path.stem}")
        for command in module.COMMANDS:
            assert command in registered, f"{path.name}: {command.name} is not in cli.main.COMMANDS"
            assert commands()[command.name] is command


def test_a_query_command_imports_no_other_command_module() -> None:
    code = ("import sys; from cli.main import cli; sys.argv = ['kg', 'affiliations', '--help']\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"  # main() leaves by os._exit
            "print(sorted(m for m in sys.modules if m.startswith('cli.') and m.endswith('_commands')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['cli.network_commands']"


def test_every_command_has_help() -> None:
    for name, command in commands().items():
        assert command.help, name
        code, out, _ = kg(name, "--help")
        assert code == 0 and "Usage:" in out


def test_resolve_json_lists_every_khorasan() -> None:
    code, out, _ = kg("resolve", "خراسان", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["query"]["ambiguous"] is True
    ids = [row["id"] for row in data["results"]]
    assert {"isis-k", "khorasan-group", "khorasani-militia"} <= set(ids)
    assert set(data["results"][0]) >= {"id", "type", "label_en", "label_ar", "note", "active", "score"}


def test_ambiguous_name_is_refused_with_the_candidates() -> None:
    code, out, err = kg("affiliations", "Khorasan", "--at", "2015")
    assert code == 2
    assert out == ""
    line = err.strip()
    assert line.startswith("error: Khorasan: ambiguous name: ")
    # the names the sources give "Khorasan" alone: ISIS-K («خرسان»), the Khorasan Group and the region
    # (the Khorasani militia is "Iran's Khorasan", a close candidate of kg resolve)
    assert "isis-k (Organization" in line and "khorasan-group (Organization" in line
    assert line.endswith("(hint: pass one of these ids instead)")


def test_bad_date_is_a_usage_error() -> None:
    code, _, err = kg("affiliations", "isis-k", "--at", "October 2015")
    assert code == 2
    assert "error: --at: 'October 2015' is not a valid EDTF date" in err


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_attacks_by_group_in_every_format(fmt: str) -> None:
    code, out, _ = kg("attacks", "--by", "ISIS-K", "--in", "Iran", "-f", fmt)
    assert code == 0
    assert "kerman-bombings-2024" in out
    if fmt == "json":
        row = json.loads(out)["results"][0]
        assert row["claimed_by"] and row["attributed_to"]
        assert {f["source"] for f in row["figures"]} >= {"src-0a9c83c6", "src-af99d46a"}


def test_attacks_in_a_country_follow_the_location_hierarchy() -> None:
    code, out, _ = kg("attacks", "--in", "روسيا", "-f", "json")
    assert code == 0
    ids = {row["id"] for row in json.loads(out)["results"]}
    assert {"crocus-city-hall-attack-2024", "kaluga-synagogue-plot-2024"} <= ids


def test_timeline_sorts_partial_dates_by_their_earliest_day() -> None:
    code, out, _ = kg("timeline", "abdul-rahim-muslim-dost", "-f", "json")
    assert code == 0
    rows = json.loads(out)["results"]
    assert rows and [r["earliest"] for r in rows] == sorted(r["earliest"] for r in rows)
    assert any(r["date"] == "2015-10-21/2015-10-31" and r["precision"] == "range" for r in rows)


def test_lineage_diagrams() -> None:
    code, dot, _ = kg("lineage", "isis-k", "--direction", "up", "-f", "dot")
    assert code == 0 and dot.startswith("digraph lineage {") and '"isis-k" -> "isis"' in dot
    code, mermaid, _ = kg("lineage", "isis-k", "-f", "mermaid")
    assert code == 0 and mermaid.startswith("flowchart BT")


def test_connections_report_windows() -> None:
    code, out, _ = kg("connections", "hafiz-saeed-khan", "taliban", "--max-hops", "2", "-f", "json")
    assert code == 0
    paths = json.loads(out)["results"]
    assert paths and all(len(p["hops"]) <= 2 for p in paths)
    assert all(p["holds"] in ("certain", "possible") for p in paths)


def test_output_file(tmp_path: pytest.TempPathFactory) -> None:
    target = tmp_path / "out.csv"  # type: ignore[operator]
    code, out, _ = kg("conflicts", "-f", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("topic,subject,value,as_of,source,fact,quote")
