"""Casualty figures with their qualifiers, attached to the nearest attack mention."""

from __future__ import annotations

import pytest

from kg.extract.figures import find_figures
from kg.extract.text import Folded
from tests.extract_world import extract, rules


def figures(text: str) -> list[tuple[str, int | None, str]]:
    found = find_figures(Folded(text), rules(), [])
    return [(f.measure, f.value, f.qualifier) for f in found]


@pytest.mark.parametrize(("text", "expected"), [
    ("الهجوم الذي أوقع أكثر من 130 قتيلاً", [("killed", 130, "more-than")]),
    ("أسفر عن مقتل ما يقرب من 100 شخص", [("killed", 100, "nearly")]),
    ("أسفر عن مقتل 60 شخصاً وإصابة أكثر من 100", [("killed", 60, "exact"), ("injured", 100, "more-than")]),
    ("قتل ما لا يقل عن ١٣٣ شخصا", [("killed", 133, "at-least")]),  # Arabic-Indic digits
    ("راح ضحيته نحو 40 شخصا على الأقل", [("killed", 40, "at-least")]),  # the later qualifier wins
    ("سقط نحو 62 قتيلا", [("killed", 62, "about")]),
    ("وأصيب أكثر من مائة آخرين", [("injured", 100, "more-than")]),  # a number word
    ("ومقتل عشرات المدنيين", [("killed", None, "dozens")]),  # a vague quantity
    ("يبلغ عدد مقاتليه أكثر من 10 آلاف مقاتل", [("fighters", 10000, "more-than")]),
    ("اعتقلت الشرطة 7 أشخاص", [("arrested", 7, "exact")]),
])
def test_figures_with_their_qualifiers(text: str, expected: list[tuple[str, int | None, str]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "نفذ التنظيم 50 عملية",  # operations, not people
    "منذ 3 سنوات",
    "قال 3 مسؤولين",  # no measure of casualties
    "الساعة 11:52",
])
def test_numbers_that_count_no_casualties_are_not_figures(text: str) -> None:
    assert figures(text) == []


def test_a_number_inside_a_date_is_not_a_figure() -> None:
    found = extract("قتل 5 أشخاص في 3 يناير 2024")
    assert [(f.figure.value, f.figure.measure) for f in found.figures] == [(5, "killed")]


def test_a_figure_quotes_its_number_and_its_qualifier() -> None:
    text = "أسفر الهجوم عن مقتل ما يقرب من 100 شخص"
    [link] = extract(text).figures
    assert text[link.figure.start:link.figure.end] == "مقتل ما يقرب من 100"


def test_each_figure_goes_to_the_attack_of_its_sentence() -> None:
    found = extract("أدى تفجير سوق مدينة الاختبار إلى مقتل 12 شخصا. "
                    "أما هجوم مدينة الميناء فقد أسفر عن مقتل 60 شخصاً وإصابة أكثر من 100.")
    links = [(f.figure.value, f.figure.measure, f.attack) for f in found.figures]
    assert links == [(12, "killed", "market-bombing-2020"), (60, "killed", "port-attack-2021"),
                     (100, "injured", "port-attack-2021")]


def test_with_two_attacks_in_one_sentence_a_figure_goes_to_the_nearest() -> None:
    found = extract("بعد تفجير سوق مدينة الاختبار الذي أوقع 12 قتيلا، جاء هجوم مدينة الميناء الذي أوقع 30 قتيلا")
    assert [(f.figure.value, f.attack) for f in found.figures] == [
        (12, "market-bombing-2020"), (30, "port-attack-2021")]


def test_an_attack_described_by_place_and_date_is_linked() -> None:
    # the attack is not named, but its sentence gives an attack word, its city and its date
    found = extract("وفي 14 يوليو 2021 قتل مسلحون 9 أشخاص في هجوم على مدينة الميناء")
    assert [(f.figure.value, f.attack) for f in found.figures] == [(9, "port-attack-2021")]
    assert "port-attack-2021" in found.entity_ids()


def test_a_figure_with_no_attack_says_so() -> None:
    [link] = extract("قتل 4 أشخاص.").figures
    assert link.attack is None and link.note
