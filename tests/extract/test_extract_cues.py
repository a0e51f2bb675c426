"""Relation cues: each drafts a claim, split, allegiance, designation or affiliation, linked to
the entities of its sentence and naming the cue that fired. The rules are data: a new one
in a rules folder works without code."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kg.dates import parse
from kg.extract.pipeline import extract_text
from kg.extract.rules import load_rules
from kg.resources import resource_dir
from tests.extract_world import extract, index


def relations(text: str) -> list[tuple[str, dict[str, Any]]]:
    found = extract(text)
    for r in found.relations:
        assert found.text[r.start:r.end].strip()
    return [(r.rule.id, r.fields) for r in found.relations]


def only(text: str, cue: str) -> dict[str, Any]:
    fired = [fields for rule, fields in relations(text) if rule == cue]
    assert len(fired) == 1, relations(text)
    return fired[0]


def test_a_claim_of_responsibility() -> None:
    fields = only("أعلنت ولاية خراسان مسؤوليتها عن تفجير سوق مدينة الاختبار", "claim-responsibility")
    assert fields == {"type": "Responsibility", "agent": "wilayat-khorasan", "by": "wilayat-khorasan",
                      "attack": "market-bombing-2020", "channel": None}


def test_a_claim_with_the_group_after_the_verb_and_a_hamza_spelling() -> None:
    fields = only("وتبنت جماعة الاختبار المسئولية عن هجوم مدينة الميناء", "claim-responsibility")
    assert (fields["agent"], fields["attack"]) == ("test-group", "port-attack-2021")


def test_a_split() -> None:
    fields = only("وانشق أبو موسى الشامي عن جماعة الاختبار", "split")
    assert fields["from"] == ["test-group"] and fields["agents"] == ["abu-musa"]


def test_an_allegiance() -> None:
    fields = only("وقد بايعت الجبهة الشامية ولاية خراسان", "allegiance")
    assert (fields["member"], fields["organization"], fields["role"]) == ("levant-front", "wilayat-khorasan",
                                                                          "allegiance")


def test_a_designation_with_its_date() -> None:
    found = extract("وصنفت الحكومة الاختبارية جماعة الاختبار منظمة إرهابية أجنبية في 3 يناير 2021")
    [designation] = [r for r in found.relations if r.rule.id == "designation"]
    assert designation.fields["authority"] == "test-government"
    assert designation.fields["organization"] == "test-group"
    assert designation.fields["designation_type"] == "fto"  # chosen by the rule's variant
    assert designation.date == "2021-01-03"


def test_a_designation_needs_the_words_terrorist_organization() -> None:
    assert "designation" not in dict(relations("وصنفت الحكومة الاختبارية جماعة الاختبار ضمن الجماعات الكبرى"))


@pytest.mark.parametrize(("text", "cue", "member", "organization"), [
    ("قاتلت الجبهة الشامية التابعة لجماعة الاختبار", "subordinate-to", "levant-front", "test-group"),
    ("قاتلت الجبهة الشامية الموالية لولاية خراسان", "loyal-to", "levant-front", "wilayat-khorasan"),
])
def test_affiliation_cues(text: str, cue: str, member: str, organization: str) -> None:
    fields = only(text, cue)
    assert (fields["member"], fields["organization"]) == (member, organization)


def test_a_cue_without_the_entities_it_needs_drafts_nothing() -> None:
    assert relations("أعلن مسؤوليته") == []


def test_a_new_rule_in_a_rules_folder_works_without_code(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(resource_dir("rules"), folder)
    with (folder / "relations.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n  - id: founded-by\n    match: 'أسس\\w*'\n"
                     "    fact: {type: Affiliation, role: founder}\n    fields:\n"
                     "      member: {where: [after], types: [Person], required: true}\n"
                     "      organization: {where: [after], types: [Organization], required: true}\n")
    found = extract_text("أسس أبو موسى الشامي جماعة الاختبار", source="src-test", published=parse("2021"),
                         index=index(), rules=load_rules(folder))
    assert [(r.rule.id, r.fields["member"], r.fields["organization"]) for r in found.relations] == [
        ("founded-by", "abu-musa", "test-group")]
