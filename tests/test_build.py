"""kg build: compile, validate, write atomically; errors name the file, line and fact."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_build_writes_conforming_exports(kitchen: Path) -> None:
    code, out, err = run(kitchen, "build")
    assert code == 0, err
    assert "conforms to SHACL" in out
    assert sorted(p.name for p in (kitchen / "exports").iterdir()) == [
        "context.jsonld", "csv", "graph.gexf", "graph.graphml", "graph.jsonld", "graph.nt", "graph.trig",
        "graph.ttl", "organizations.jsonld", "stix-bundle.json"]
    assert not list((kitchen / "exports").glob(".*"))


def test_second_build_is_byte_identical(kitchen: Path) -> None:
    run(kitchen, "build")
    first = snapshot(kitchen / "exports")
    code, out, _ = run(kitchen, "build")
    assert code == 0 and "nothing changed" in out
    assert snapshot(kitchen / "exports") == first


def test_check_reports_stale_exports(kitchen: Path) -> None:
    run(kitchen, "build")
    assert run(kitchen, "build", "--check")[0] == 0
    edit(kitchen / "facts" / "kitchen.yaml", "A fixture organization.", "A changed note.")
    code, _, err = run(kitchen, "build", "--check")
    assert code == 1
    stale = "csv/entities.csv, graph.jsonld, graph.nt, graph.trig, graph.ttl, organizations.jsonld"
    assert f"exports/ is stale: {stale}" in err


FAILURES = [
    pytest.param("وزعم الكاتب أن الجماعة تتلقى دعما خارجيا", "وزعم الكاتب أن الجماعة تتلقى دعما كبيرا",
                 "f-fixture-07", "quote not found in src-fixture", id="quote-not-in-source"),
    pytest.param('end: "2019-10"', 'end: "2017-10"', "f-fixture-03",
                 "ends (2017-10) before it starts (2018)", id="end-before-start"),
    pytest.param("to: [branch-group]", "to: [test-group]", "f-fixture-04",
                 "has test-group splitting from itself", id="self-split"),
]


@pytest.mark.parametrize(("old", "new", "fact", "message"), FAILURES)
def test_bad_fact_fails_with_one_line_and_writes_nothing(
        kitchen: Path, old: str, new: str, fact: str, message: str) -> None:
    run(kitchen, "build")
    before = snapshot(kitchen / "exports")
    facts = kitchen / "facts" / "kitchen.yaml"
    edit(facts, old, new)
    code, out, err = run(kitchen, "build")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    line = line_of(facts, f"id: {fact}")
    assert lines[0].startswith(f"error: facts/kitchen.yaml:{line}: {fact}: {message}")
    assert "(hint:" in lines[0]
    assert "Traceback" not in out + err
    assert snapshot(kitchen / "exports") == before


def test_unknown_field_suggests_the_right_one(kitchen: Path) -> None:
    edit(kitchen / "facts" / "kitchen.yaml", "    measure: killed", "    measur: killed")
    code, _, err = run(kitchen, "build")
    assert code == 1
    assert "unknown field 'measur' (hint: did you mean 'measure'?)" in err


def test_validate_command_on_exports(kitchen: Path) -> None:
    run(kitchen, "build")
    for name in ("graph.ttl", "graph.jsonld", "graph.nt"):
        code, out, _ = run(kitchen, "validate", str(kitchen / "exports" / name))
        assert code == 0 and out.strip().endswith("conforms"), out


def test_validate_command_reports_violations(kitchen: Path, tmp_path: Path) -> None:
    run(kitchen, "build")
    text = (kitchen / "exports" / "graph.nt").read_text(encoding="utf-8")
    stripped = "\n".join(line for line in text.splitlines() if "#prefLabel>" not in line)
    bad = tmp_path / "bad.nt"
    bad.write_text(stripped, encoding="utf-8")
    code, out, _ = run(kitchen, "validate", str(bad))
    assert code == 1
    assert "needs one English and one Arabic label" in out
