"""Accepting drafted candidates without a browser: the rewrite of both files, the ids, the undo journal."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kg.curate.accept import Change, DraftItem, accepted, apply, canonical, draft_items, next_fact_id
from kg.curate.corpus import load as load_corpus
from kg.curate.journal import Journal, write_texts
from kg.curate.roundtrip import dump, load
from kg.errors import KgError
from tests.conftest import DATA, REPO

DRAFT = DATA / "review" / "facts" / "drafts" / "src-07f3032a.yaml"


@pytest.mark.parametrize("path", sorted((REPO / "facts").glob("*.yaml")), ids=lambda p: p.name)
def test_every_curated_file_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump(load(text)) == text


def test_an_accept_changes_only_the_lines_it_moves() -> None:
    facts = (REPO / "facts" / "src-aa238b89.yaml").read_text(encoding="utf-8")
    draft = DRAFT.read_text(encoding="utf-8")
    items = draft_items(load(draft))
    mention = next(i for i in items if i.data.get("entity") == "amaq")
    fact = next(i for i in items if i.data.get("id") == "f-07f3032a-c02")
    record = {**accepted(fact), "id": "f-aa238b89-99"}
    new_facts, new_draft = apply(Change("accept", add=[("mentions", accepted(mention)), ("facts", record)],
                                        remove=[mention, fact]), facts, draft, "src-aa238b89")
    assert new_facts is not None
    added = [line for line in difflib.ndiff(facts.splitlines(), new_facts.splitlines()) if line[:2] in ("+ ", "- ")]
    assert added[0] == '+   - {entity: amaq, quote: "وكالة أعماق"}'
    assert added[1:] == ["+   - id: f-aa238b89-99", "+     type: CasualtyReport", "+     attack: kerman-bombings-2024",
                         "+     measure: killed", "+     value: 95", "+     qualifier: at-least",
                         "+     according_to: new-07f3032a-01", '+     according_to_text: "السلطات الإيرانية"',
                         '+     quote: "مقتل 95 شخصا على الأقل"', "+     status: attributed"]  # the suggested status
    removed = [line for line in difflib.ndiff(draft.splitlines(), new_draft.splitlines()) if line[:2] in ("+ ", "- ")]
    assert len(removed) == 1 + 14 and all(line.startswith("- ") for line in removed)  # the mention, the fact
    assert new_draft.startswith("# Draft candidates for src-07f3032a")  # the header comments stay


def test_keys_stay_while_other_candidates_leave() -> None:
    draft = DRAFT.read_text(encoding="utf-8")
    before = {i.key: i.data for i in draft_items(load(draft))}
    first = draft_items(load(draft))[0]
    _, rest = apply(Change("drop", remove=[first]), None, draft, "src-07f3032a")
    after = {i.key: i.data for i in draft_items(load(rest))}
    assert after == {k: v for k, v in before.items() if k != first.key}


def test_identical_candidates_get_distinct_keys() -> None:
    doc = load("mentions:\n  - {entity: x, quote: a, status: candidate}\n  - {entity: x, quote: a, status: candidate}\n"
               "  - {entity: x, quote: a, status: candidate}\n")
    keys = [i.key for i in draft_items(doc)]
    assert len(set(keys)) == 3 and keys[1] == keys[0] + "-2" and keys[2] == keys[0] + "-3"


def test_next_fact_id_skips_every_id_in_use() -> None:
    ids = [line.split("id: ")[1] for p in (REPO / "facts").glob("*.yaml")
           for line in p.read_text(encoding="utf-8").splitlines() if "id: f-aa238b89-" in line]
    taken = max(int(i.rsplit("-", 1)[1]) for i in ids if i.rsplit("-", 1)[1].isdigit())
    assert next_fact_id(ids, "src-aa238b89") == f"f-aa238b89-{taken + 1:02d}"
    assert next_fact_id([], "src-07f3032a") == "f-07f3032a-01"


def test_a_new_section_goes_in_its_place_and_extra_fields_stay() -> None:
    item = DraftItem("facts", 0, {"id": "f-1-c01", "type": "Strength", "quote": "q", "claimed": {"value": 3},
                                  "status": "candidate", "cue": "x", "note": "n"}, "f1")
    record = canonical(accepted(item), "Strength")
    assert record == {"id": "f-1-c01", "type": "Strength", "quote": "q", "claimed": {"value": 3}}
    facts, _ = apply(Change("accept", add=[("facts", record)]), "source: src-1\nmentions: []\n",
                     "source: src-1\nfacts: []\n", "src-1")
    assert facts == ("source: src-1\nmentions: []\nfacts:\n  - id: f-1-c01\n    type: Strength\n    quote: q\n"
                     "    claimed: {value: 3}\n")


def test_the_checks_read_a_change_before_it_is_written(kitchen: Path) -> None:
    path = kitchen / "facts" / "kitchen.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("measure: killed", "measure: kiled")
    with pytest.raises(KgError, match="measure 'kiled' is not in the Measure vocabulary"):
        load_corpus(kitchen, replaced={"facts/kitchen.yaml": broken})
    assert path.read_text(encoding="utf-8") == text
    assert len(load_corpus(kitchen).facts) == len(load_corpus(DATA / "kitchen").facts) == 9


def test_undo_restores_both_files_and_refuses_after_a_hand_edit(tmp_path: Path) -> None:
    write_texts(tmp_path, {"facts/drafts/src-1.yaml": "d0\n"})
    journal = Journal(tmp_path, "src-1")
    for n in (1, 2):
        before = {"facts/src-1.yaml": None if n == 1 else "f1\n", "facts/drafts/src-1.yaml": f"d{n - 1}\n"}
        after = {"facts/src-1.yaml": f"f{n}\n", "facts/drafts/src-1.yaml": f"d{n}\n"}
        write_texts(tmp_path, after)
        journal.record("accept", f"accept {n}", before, after, 1)
    assert journal.counts() == {"accepted": 2, "dropped": 0} and journal.last() == "accept 2"
    label, files = journal.undo_files(tmp_path)
    write_texts(tmp_path, files)
    journal.pop()
    assert label == "accept 2" and (tmp_path / "facts" / "src-1.yaml").read_text() == "f1\n"
    (tmp_path / "facts" / "src-1.yaml").write_text("f1 edited by hand\n")
    with pytest.raises(KgError, match="changed since 'accept 1': undo would overwrite that edit"):
        journal.undo_files(tmp_path)


def test_files_outside_facts_are_never_written(tmp_path: Path) -> None:
    for name in ("sources/src-1.txt", "facts/../x.yaml", "/etc/x.yaml", "facts/x.txt"):
        with pytest.raises(ValueError, match="not a curated file under facts/"):
            write_texts(tmp_path, {name: "x"})
    assert not any(tmp_path.rglob("*"))
