"""The normalizer behind extraction, and mentions of known entities written every which way."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_known
from kg.extract.text import Folded, fold, name_key, word_variants
from tests.extract_world import extract, index, rules


@pytest.mark.parametrize(("written", "plain"), [
    ("أحمد", "احمد"), ("إسلام", "اسلام"), ("آمن", "امن"), ("ٱلله", "الله"),  # hamza and alef forms
    ("جماعة", "جماعه"),  # taa marbuta
    ("موسى", "موسي"),  # alef maqsura
    ("خُرَاسَانُ", "خراسان"), ("مَسْؤُولِيَّتَهَا", "مسءوليتها"),  # diacritics (and hamza on waw)
    ("خـــراســان", "خراسان"),  # tatweel
    ("٢٠١٥", "2015"), ("۱۳۹۴", "1394"),  # Arabic-Indic and Persian digits
    ("«الدولة»", '"الدوله"'),  # guillemets fold to plain quotes
])
def test_fold_gives_one_spelling(written: str, plain: str) -> None:
    assert fold(written) == plain


def test_name_key_drops_the_definite_article_word_by_word() -> None:
    assert name_key("الجبهة الشامية") == name_key("جبهة شامية") == "جبهه شاميه"
    assert name_key("الى") == "الي"  # too short to be the article and a word: kept


@pytest.mark.parametrize(("word", "expected"), [
    ("بخراسان", "خراسان"), ("لخراسان", "خراسان"), ("وخراسان", "خراسان"),
    ("وبالقاعده", "قاعده"), ("للقاعده", "قاعده"), ("فالقاعده", "قاعده"),
])
def test_attached_prepositions_and_the_article_are_stripped(word: str, expected: str) -> None:
    assert expected in word_variants(word, rules().clitics, rules().variants)


def test_a_misspelling_seen_in_real_text_is_corrected() -> None:
    assert "خراسان" in word_variants("خرسان", rules().clitics, rules().variants)
    assert "خراسان" in word_variants("بخرسان", rules().clitics, rules().variants)


def test_folded_offsets_map_back_to_the_exact_original() -> None:
    text = "قالت «وِلايَةُ خـراسان» إنها"
    doc = Folded(text)
    at = doc.folded.index("ولايه")
    start, end = doc.span(at, at + len("ولايه خراسان"))
    assert text[start:end] == "وِلايَةُ خـراسان"


def _mentioned(text: str) -> dict[str, str]:
    doc = Folded(text)
    return {h.entity: text[h.start:h.end] for h in find_known(doc, index(), rules()) if not h.ambiguous}


@pytest.mark.parametrize(("text", "entity", "quote"), [
    ("أعلنت ولاية خراسان مسؤوليتها", "wilayat-khorasan", "ولاية خراسان"),
    ("أعلنت ولايه خرسان مسؤوليتها", "wilayat-khorasan", "ولايه خرسان"),  # taa marbuta as haa, misspelt
    ("قاتل مقاتلو وِلايَة خُراسان", "wilayat-khorasan", "وِلايَة خُراسان"),  # diacritics
    ("بيان لولاية خـراسان", "wilayat-khorasan", "لولاية خـراسان"),  # ل attached, tatweel
    ("ارتبط بالقاعدة منذ سنوات", "the-base", "بالقاعدة"),
    ("ارتبط وبالقاعدة", "the-base", "وبالقاعدة"),
    ("قتل ابو موسي الشامي", "abu-musa", "ابو موسي الشامي"),  # hamza dropped, alef maqsura as yaa
    ("مقاتلو جبهة شامية", "levant-front", "جبهة شامية"),  # no article
    ("مقاتلو الجبهه الشاميه", "levant-front", "الجبهه الشاميه"),
    ("a statement by TG on Friday", "test-group", "TG"),
])
def test_known_entities_are_found_however_they_are_written(text: str, entity: str, quote: str) -> None:
    assert _mentioned(text).get(entity) == quote


def test_a_name_that_needs_the_article_is_not_matched_without_it() -> None:
    # "القاعدة" (the group) is always written with the article; "قاعدة عسكرية" is "a military base"
    assert "the-base" not in _mentioned("قصفت قاعدة عسكرية")
    assert "the-base" in _mentioned("قصفت القاعدة")


def test_an_acronym_matches_only_in_capitals() -> None:
    assert "test-group" not in _mentioned("the tg line")


def test_unknown_quoted_and_capitalised_names_become_new_entity_candidates() -> None:
    found = extract('قالت مجلة "النبأ الأسبوعية" إن Omar Hamdan Group وراء الهجوم')
    names = {name.text: name for _, name in found.new}
    assert set(names) == {"النبأ الأسبوعية", "Omar Hamdan Group"}
    assert (names["النبأ الأسبوعية"].type, names["النبأ الأسبوعية"].kind) == ("Organization", "newspaper")
    assert all(found.text[n.start:n.end] == n.text for n in names.values())
