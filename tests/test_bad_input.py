"""The bad-input catalogue: each case gets one clear line naming file, line and fact,
exits non-zero, and leaves exports/ byte-for-byte untouched with no temporary files."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_build import edit, line_of, run, snapshot

FACTS = "facts/kitchen.yaml"


def build_then_break(kitchen: Path) -> dict[str, str]:
    assert run(kitchen, "build")[0] == 0
    return snapshot(kitchen / "exports")


def assert_refused(kitchen: Path, before: dict[str, str], expected: str, code: int = 1) -> str:
    status, out, err = run(kitchen, "build")
    assert status == code, (out, err)
    assert "Traceback" not in out + err
    assert expected in err, err
    assert all(line.startswith("error: ") and "(hint:" in line for line in err.strip().splitlines())
    assert snapshot(kitchen / "exports") == before
    leftovers = [p for p in kitchen.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    return err


def test_malformed_yaml(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "broken.yaml").write_text("facts:\n  - id: x\n    type: [unclosed\n", "utf-8")
    assert_refused(kitchen, before, "error: facts/broken.yaml:4: malformed YAML", code=2)


def test_not_utf8(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "latin1.yaml").write_bytes("facts:\n  - note: caf\xe9\n".encode("latin-1"))
    assert_refused(kitchen, before, "error: facts/latin1.yaml:2: not UTF-8 (byte 20)", code=2)


def test_empty_file(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "empty.yaml").write_text("", "utf-8")
    assert_refused(kitchen, before, "error: facts/empty.yaml: file is empty", code=2)


def test_huge_file_is_refused_without_reading_it(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    with open(kitchen / "facts" / "huge.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert_refused(kitchen, before, "error: facts/huge.yaml: file is 50 MB, over the 5 MB limit", code=2)


def test_unknown_field_with_did_you_mean(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    qualifier: about", "    qualifer: about")
    line = line_of(kitchen / FACTS, "id: f-fixture-06")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-06: unknown field 'qualifer' "
                   "(hint: did you mean 'qualifier'?)")


def test_missing_required_field(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    role: leader\n", "")
    line = line_of(kitchen / FACTS, "id: f-fixture-03")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-03: missing required field 'role'")


def test_duplicate_id_across_files(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "more.yaml").write_text(
        "entities:\n  - id: test-group\n    type: Person\n    label: {en: Dup, ar: مكرر}\n", "utf-8")
    assert_refused(kitchen, before, "error: facts/more.yaml:2: test-group: duplicate id "
                   "(hint: already defined at facts/kitchen.yaml:4)")


def test_unknown_entity_reference(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    agent: test-group", "    agent: test-grup")
    line = line_of(kitchen / FACTS, "id: f-fixture-01")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-01: agent refers to unknown "
                   "entity 'test-grup' (hint: did you mean 'test-group'?)")


def test_quote_not_in_source(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "ويقدر عدد مقاتلي الجماعة بنحو 500 مقاتل", "ويقدر عدد مقاتلي الجماعة بنحو 900 مقاتل")
    line = line_of(kitchen / FACTS, "id: f-fixture-06")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-06: quote not found in src-fixture")


def test_unknown_source_id(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "  - id: f-fixture-02\n", "  - id: f-fixture-02\n    source: src-nowhere\n")
    line = line_of(kitchen / FACTS, "id: f-fixture-02")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-02: unknown source 'src-nowhere' "
                   "(hint: known sources: src-fixture)")


@pytest.mark.parametrize(("bad", "message"), [
    ("2019-13", "start: '2019-13' is not a valid EDTF date"),
    ("2015-02-30", "start: '2015-02-30' is not a valid EDTF date"),
    ("last year", "start: 'last year' is not a valid EDTF date"),
])
def test_invalid_dates(kitchen: Path, bad: str, message: str) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, 'start: "2018"', f'start: "{bad}"')
    line = line_of(kitchen / FACTS, "id: f-fixture-03")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-03: {message}")


def test_end_before_start(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, 'end: "2019-10"', 'end: "2016"')
    line = line_of(kitchen / FACTS, "id: f-fixture-03")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-03: ends (2016) before it starts (2018)")


def test_event_after_source_publication(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, 'date: "2021-01-01"', 'date: "2021-06-01"')
    line = line_of(kitchen / FACTS, "id: f-fixture-05")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-05: is dated 2021-06-01, after its "
                   "source src-fixture was published (at the latest 2021-02-28)")


def test_lineage_cycle_through_several_hops(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    with open(kitchen / FACTS, "a", encoding="utf-8") as handle:
        handle.write(
            "  - id: f-fixture-99\n    type: Split\n    kind: split\n    from: [branch-group]\n"
            "    to: [test-agency]\n    quote: \"انشقت جماعة الفرع\"\n"
            "  - id: f-fixture-98\n    type: Split\n    kind: split\n    from: [test-agency]\n"
            "    to: [test-group]\n    quote: \"وكالة الاختبار\"\n")
    err = assert_refused(kitchen, before, "is its own ancestor: its lineage (splits and formations) forms a cycle")
    assert f"error: {FACTS}:4: test-group: is its own ancestor" in err


def test_self_affiliation(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    member: ahmad-test", "    member: test-group")
    edit(kitchen / FACTS, "    role: leader", "    role: ally")
    line = line_of(kitchen / FACTS, "id: f-fixture-03")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-03: affiliates test-group with itself")


def test_mixed_script_label_with_wrong_tag(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, 'label: {en: "Branch Group"', 'label: {en: "Branch جماعة"')
    line = line_of(kitchen / FACTS, "id: branch-group")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: branch-group: label 'Branch جماعة' is tagged "
                   "en but contains Arabic letters (hint: tag it ar)")


def test_bidi_control_characters_are_rejected(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, 'ar: "جماعة الفرع"', 'ar: "\u202eجماعة الفرع"')
    line = line_of(kitchen / FACTS, "id: branch-group")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: branch-group: label contains invisible bidi "
                   "control characters (hint: delete them)")


def test_yaml_object_construction_is_refused(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "evil.yaml").write_text(
        "facts: !!python/object/apply:os.system ['touch pwned']\n", "utf-8")
    assert_refused(kitchen, before, "error: facts/evil.yaml:1: malformed YAML", code=2)
    assert not (kitchen / "pwned").exists()


def test_alias_bomb_is_refused(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    (kitchen / "facts" / "bomb.yaml").write_text(bomb, "utf-8")
    assert_refused(kitchen, before, "error: facts/bomb.yaml:1: malformed YAML: anchors are not allowed", code=2)


def test_rdf_xml_entity_declarations_are_refused_before_parsing(tmp_path: Path) -> None:
    from tests.test_build import run as run_kg

    levels = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 10))
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf [<!ENTITY e0 "lol">{levels}]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', "utf-8")
    code, out, err = run_kg(tmp_path, "validate", str(bomb))
    assert code == 2
    assert err.strip() == (f"error: {bomb}:2: RDF/XML with a DOCTYPE or ENTITY declaration is refused "
                           "(hint: remove the declarations; entities can fetch files or expand without bound)")


def test_remote_json_ld_context_is_never_fetched(tmp_path: Path) -> None:
    from tests.test_build import run as run_kg

    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "http://example.invalid/context.jsonld", "@id": "urn:x", "name": "y"}', "utf-8")
    code, _, err = run_kg(tmp_path, "validate", str(doc))
    assert code == 2
    assert "refusing to load remote document http://example.invalid/context.jsonld" in err


# --- issue 21: duplicate keys, nesting, role scope ------------------------------------------

def test_duplicate_key_names_both_lines(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    role: leader\n", "    role: leader\n    role: ally\n")
    first = line_of(kitchen / FACTS, "role: leader")
    assert_refused(kitchen, before, f"error: {FACTS}:{first + 1}: f-fixture-03: duplicate key 'role' on lines "
                   f"{first} and {first + 1} (hint: keep one: YAML would silently take the last)", code=2)


def test_duplicate_top_level_section_names_both_lines(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "twice.yaml").write_text("source: src-fixture\nfacts: []\nsource: src-other\n", "utf-8")
    assert_refused(kitchen, before, "error: facts/twice.yaml:3: duplicate key 'source' on lines 1 and 3", code=2)


def test_deeply_nested_list_names_the_file(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "facts" / "deep.yaml").write_text("facts: " + "[" * 20_000 + "]" * 20_000 + "\n", "utf-8")
    assert_refused(kitchen, before, "error: facts/deep.yaml:1: malformed YAML: nested more than 50 levels deep",
                   code=2)


def test_person_role_on_an_organization(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / FACTS, "    member: ahmad-test", "    member: branch-group")
    line = line_of(kitchen / FACTS, "id: f-fixture-03")
    assert_refused(kitchen, before, f"error: {FACTS}:{line}: f-fixture-03: gives organization branch-group the "
                   "person-only role leader (SHACL PersonRoleScopeShape)")


# --- issue 21: what kg export -o may replace ------------------------------------------------

def export(kitchen: Path, *args: str) -> tuple[int, str, str]:
    assert run(kitchen, "build")[0] == 0
    return run(kitchen, "export", "-f", "turtle", *args)


def one_error(err: str, expected: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.strip() == expected, err


@pytest.mark.parametrize("target", ["facts/kitchen.yaml", "facts/new.yaml", "sources/src-fixture.txt",
                                    "imports/x.nt", "shapes/core.ttl"])
def test_export_never_writes_into_the_inputs(kitchen: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(kitchen)
    (kitchen / target).parent.mkdir(exist_ok=True)
    before = snapshot(kitchen / target.split("/")[0])
    code, _, err = export(kitchen, "-o", target)
    assert code == 2
    folder = target.split("/")[0]
    one_error(err, f"error: {target}: refusing to write into {folder}/, which holds the project's input "
              "(hint: write it elsewhere, e.g. -o out/graph.ttl)")
    assert snapshot(kitchen / folder) == before


def test_export_never_replaces_a_fifo(kitchen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kitchen)
    os.mkfifo(kitchen / "pipe")
    code, _, err = export(kitchen, "-o", "pipe", "--force")
    assert code == 2 and stat.S_ISFIFO(os.lstat(kitchen / "pipe").st_mode)
    one_error(err, "error: pipe: is a FIFO, not a regular file: it is not replaced (hint: give the path of a file)")


def test_export_never_replaces_a_symlink(kitchen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kitchen)
    (kitchen / "elsewhere.ttl").write_text("kept\n", "utf-8")
    (kitchen / "link.ttl").symlink_to("elsewhere.ttl")
    code, _, err = export(kitchen, "-o", "link.ttl")
    assert code == 2 and (kitchen / "link.ttl").is_symlink()
    assert (kitchen / "elsewhere.ttl").read_text("utf-8") == "kept\n"
    one_error(err, "error: link.ttl: is a symbolic link, not a regular file: it is not replaced "
              "(hint: give the path of a file)")


def test_export_to_a_directory_names_it(kitchen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kitchen)
    (kitchen / "out").mkdir()
    code, _, err = export(kitchen, "-o", "out")
    assert code == 2
    one_error(err, "error: out: is a directory (hint: give a file name, e.g. -o out/graph.ttl)")


def test_query_output_never_writes_into_the_inputs(kitchen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(kitchen)
    assert run(kitchen, "build")[0] == 0
    before = snapshot(kitchen / "facts")
    code, _, err = run(kitchen, "query", "ASK {}", "-o", "facts/kitchen.yaml")
    assert code == 2 and snapshot(kitchen / "facts") == before
    assert "refusing to write into facts/" in err


# --- issue 21: special files in facts/ and sources/ -----------------------------------------

def build_in_a_process(kitchen: Path) -> tuple[int, str]:
    """``kg build`` as a process with 1 GB of memory and 60 s: a file that never ends must not matter."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    try:
        done = subprocess.run([sys.executable, "-m", "cli", "-C", str(kitchen), "build"], cwd=REPO, text=True,
                              capture_output=True, timeout=60, preexec_fn=limit, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("kg build hung")
    return done.returncode, done.stderr


@pytest.mark.parametrize(("make", "kind"), [
    (lambda path: path.symlink_to("/dev/zero"), "a character device"),
    (os.mkfifo, "a FIFO"),
], ids=["symlink-to-dev-zero", "fifo"])
def test_special_file_in_facts_is_refused(kitchen: Path, make: Any, kind: str) -> None:
    before = build_then_break(kitchen)
    make(kitchen / "facts" / "special.yaml")
    code, err = build_in_a_process(kitchen)
    assert code == 2, err
    assert err.strip() == (f"error: facts/special.yaml: is {kind}, not a regular file "
                           "(hint: curated files are plain files: replace it with the file itself)")
    assert snapshot(kitchen / "exports") == before


def test_source_text_that_is_a_device_is_refused(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    text = kitchen / "sources" / "fixture-text.txt"
    text.unlink()
    text.symlink_to("/dev/zero")
    code, err = build_in_a_process(kitchen)
    assert code == 2, err
    assert "error: sources/fixture-text.txt: is a character device, not a regular file" in err
    assert snapshot(kitchen / "exports") == before


def test_source_text_outside_sources_is_refused(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    edit(kitchen / "sources" / "src-fixture.yaml", "file: fixture-text.txt", "file: ../facts/kitchen.yaml")
    assert_refused(kitchen, before, "error: sources/src-fixture.yaml:1: src-fixture: file '../facts/kitchen.yaml' "
                   "is not a file name in sources/ "
                   "(hint: the text sits next to its record, e.g. file: src-fixture.txt)")


# --- issue 21: messages that say what is wrong ----------------------------------------------

def test_a_deleted_source_record_is_one_line(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    (kitchen / "sources" / "src-fixture.yaml").unlink()
    line = line_of(kitchen / FACTS, "id: test-bombing-2020")
    err = assert_refused(kitchen, before, f"error: facts/kitchen.yaml:{line}: test-bombing-2020: unknown source "
                         "'src-fixture', cited by 20 records: there is no sources/src-fixture.yaml "
                         "(hint: restore the record, e.g. git checkout -- sources/src-fixture.yaml, "
                         "or add the source with kg add-source)")
    assert len(err.strip().splitlines()) == 1


def test_a_lineage_cycle_names_its_facts(kitchen: Path) -> None:
    before = build_then_break(kitchen)
    with open(kitchen / FACTS, "a", encoding="utf-8") as handle:
        handle.write(
            "  - id: f-fixture-99\n    type: Split\n    kind: split\n    from: [branch-group]\n"
            "    to: [test-agency]\n    quote: \"انشقت جماعة الفرع\"\n"
            "  - id: f-fixture-98\n    type: Split\n    kind: split\n    from: [test-agency]\n"
            "    to: [test-group]\n    quote: \"وكالة الاختبار\"\n")
    closing = line_of(kitchen / FACTS, "id: f-fixture-98")
    assert_refused(kitchen, before, f"error: {FACTS}:4: test-group: is its own ancestor: its lineage (splits and "
                   "formations) forms a cycle: test-group → branch-group (f-fixture-04) → test-agency (f-fixture-99) "
                   f"→ test-group (f-fixture-98, {FACTS}:{closing}, closes it) (SHACL NoLineageCycleShape) "
                   "(hint: check from: and to: in these facts)")


def test_a_truncated_import_names_its_line(kitchen: Path) -> None:
    assert run(kitchen, "build")[0] == 0
    (kitchen / "imports").mkdir()
    whole = (kitchen / "exports" / "graph.nt").read_bytes()
    (kitchen / "imports" / "cut.nt").write_bytes(whole[: whole.index(b"\n", 2000) + 40])
    line = whole[:2000].count(b"\n") + 2
    code, _, err = run(kitchen, "build")
    assert code == 2
    assert err.startswith(f"error: {kitchen}/imports/cut.nt:{line}: not valid N-Triples: "), err
    assert "(hint: the file is cut short or damaged: import its dataset again)" in err


def test_validate_names_the_line_of_truncated_ntriples(tmp_path: Path) -> None:
    whole = (REPO / "exports" / "graph.nt").read_bytes()
    cut = tmp_path / "cut.nt"
    cut.write_bytes(whole[: whole.index(b"\n", 2000) + 40])
    line = whole[:2000].count(b"\n") + 2
    code, _, err = run(tmp_path, "validate", str(cut))
    assert code == 2
    assert err.startswith(f"error: {cut}:{line}: cannot parse as nt: "), err


def test_a_nul_filled_text_is_not_a_source(tmp_path: Path) -> None:
    text = tmp_path / "zeros.txt"
    text.write_bytes(b"\0" * 4096)
    code, _, err = run(tmp_path, "add-source", str(text))
    assert code == 2 and not (tmp_path / "sources").exists()
    assert err.strip() == (f"error: {text}: the text holds NUL bytes (4096 of 4096), so it is not text "
                           "(hint: give the article's text, saved as UTF-8)")


@pytest.mark.parametrize("source", ["../sources/src-fixture", "sources/src-fixture.yaml", "/etc/passwd"])
def test_extract_takes_a_source_id_not_a_path(kitchen: Path, source: str) -> None:
    assert run(kitchen, "build")[0] == 0
    code, _, err = run(kitchen, "extract", source)
    assert code == 2
    hint = "did you mean src-fixture?" if "src-fixture" in source else "known sources: src-fixture"
    assert err.strip() == f"error: {source}: is not a source id (hint: {hint})"
    assert sorted(p.relative_to(kitchen).as_posix() for p in kitchen.rglob("*.yaml")) == [
        "facts/kitchen.yaml", "sources/src-fixture.yaml"]


@pytest.mark.parametrize("output", ["facts/kitchen.yaml", "sources/src-fixture.yaml", "shapes/mine.yaml"])
def test_extract_never_writes_its_draft_over_the_projects_input(kitchen: Path, output: str) -> None:
    assert run(kitchen, "build")[0] == 0
    before = {p: p.read_bytes() for p in kitchen.rglob("*") if p.is_file() and ".kg" not in p.parts}
    code, _, err = run(kitchen, "extract", "src-fixture", "-o", str(kitchen / output), "--force")
    assert code == 2
    folder = output.split("/")[0]
    assert err.strip() == (f"error: {kitchen / output}: refusing to write into {folder}/, which holds the "
                           "project's input (hint: write it elsewhere, e.g. -o out/src-fixture.yaml)")
    assert {p: p.read_bytes() for p in kitchen.rglob("*") if p.is_file() and ".kg" not in p.parts} == before


def test_extract_writes_its_draft_into_facts_drafts(kitchen: Path) -> None:
    assert run(kitchen, "build")[0] == 0
    code, out, err = run(kitchen, "extract", "src-fixture", "-o", str(kitchen / "facts" / "drafts" / "mine.yaml"))
    assert code == 0, err
    assert (kitchen / "facts" / "drafts" / "mine.yaml").is_file()
