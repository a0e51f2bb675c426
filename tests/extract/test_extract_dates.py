"""Dates in Arabic text: month names of every region, Arabic-Indic digits, years, and relative
expressions resolved against a publication date that may itself be uncertain."""

from __future__ import annotations

import pytest

from kg.dates import parse
from kg.extract.text import Folded
from kg.extract.timex import DateFound, find_dates
from tests.extract_world import rules


def dates(text: str, published: str | None = "2024-03-25") -> list[DateFound]:
    found = find_dates(Folded(text), rules(), parse(published) if published else None)
    for d in found:
        assert text[d.start:d.end].strip() and d.start < d.end, d  # a grounded, non-empty span
    return found


def edtfs(text: str, published: str | None = "2024-03-25") -> list[str | None]:
    return [d.edtf for d in dates(text, published)]


@pytest.mark.parametrize(("text", "expected"), [
    ("في 3 كانون الثاني 2016", "2016-01-03"),  # Levantine
    ("في 3 يناير 2016", "2016-01-03"),  # Egyptian / Gulf
    ("في الثالث من كانون الثاني عام 2016", "2016-01-03"),  # ordinal day
    ("خلال أيلول 2014", "2014-09"),
    ("في تشرين الأول 2015", "2015-10"),
    ("منتصف تموز 2017", "2017-07-11/2017-07-20"),
    ("في أيلول/سبتمبر 2014", "2014-09"),  # both names, as newspapers print them
    ("في شباط (فبراير) 2019", "2019-02"),
    ("في جانفي 2020", "2020-01"),  # Maghrebi
    ("في ٣ يناير ٢٠٢٤", "2024-01-03"),  # Arabic-Indic digits
    ("سنة ۲۰۱۵", "2015"),  # Persian digits
    ("في عام 2015", "2015"),
    ("أواخر عام 2014", "2014-09/2014-12"),
    ("أواخر أكتوبر عام 2015", "2015-10-21/2015-10-31"),
    ("حوالي عام 2018", "2018~"),
])
def test_explicit_dates(text: str, expected: str) -> None:
    assert edtfs(text) == [expected]


def test_a_day_and_month_name_that_is_an_event_name_is_not_a_date() -> None:
    assert edtfs("منذ هجمات 11 سبتمبر") == []
    assert edtfs("تقرير: التنظيم يذكر بالقاعدة قبل 11 سبتمبر") == []


def test_a_lone_month_name_with_another_meaning_is_not_a_date() -> None:
    assert edtfs("قال إن آب العائلة مارس الضغط") == []


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("الغارات التي وقعت الشهر الماضي", "2024-03-25", "2024-02"),
    ("الغارات التي وقعت الشهر الماضي", "2024-01-10", "2023-12"),  # across a year
    ("في العام الماضي", "2024-03-25", "2023"),
    ("في السنة الماضية", "2024-03-25", "2023"),
    ("مساء أمس الجمعة", "2024-03-23", "2024-03-22"),
    ("أمس", "2024-03-01", "2024-02-29"),
    ("في 22 سبتمبر الماضي", "2014-10-02", "2014-09-22"),
    ("في الثاني والعشرين من أيلول -سبتمبر الماضي", "2014-10", "2014-09-22"),
    ("في نوفمبر الماضي", "2014-10-02", "2013-11"),  # the latest November before October 2014
    ("في 7 مارس الحالي", "2024-03-25", "2024-03-07"),
    ("في وقت سابق من هذا الشهر", "2024-03-23", "2024-03-01/2024-03-22"),
])
def test_relative_dates_resolve_against_a_certain_publication_date(text: str, published: str,
                                                                   expected: str) -> None:
    assert edtfs(text, published)[0] == expected


@pytest.mark.parametrize(("text", "published", "expected"), [
    # the article appeared some time from November 2015 to December 2016
    ("في العام الماضي", "2015-11/2016-12", "2014/2015"),
    ("الشهر الماضي", "2015-11/2016-12", "2015-10/2016-11"),
    # the article appeared some day of October 2014: "last month" is still certainly September
    ("الشهر الماضي", "2014-10", "2014-09"),
    ("أمس", "2024-03", "2024-02-29/2024-03-30"),
    # Fridays before a publication some day from 20 to 31 March 2024
    ("مساء أمس الجمعة", "2024-03-20/2024-03-31", "2024-03-22/2024-03-29"),
])
def test_relative_dates_keep_the_uncertainty_of_the_publication_date(text: str, published: str,
                                                                      expected: str) -> None:
    found = edtfs(text, published)[0]
    assert found == expected
    span, pub = parse(found), parse(published)
    assert span.earliest < pub.latest  # a past event, and a valid EDTF interval


def test_without_a_publication_date_relative_dates_stay_unresolved() -> None:
    [found] = dates("وقع الهجوم الشهر الماضي", None)
    assert found.edtf is None and found.relative and "publication" in found.note


def test_a_weekday_is_the_latest_before_publication_unless_the_sentence_names_the_year() -> None:
    assert edtfs("وقال المرصد، السبت، إن الهجوم فشل", "2024-03-25") == ["2024-03-23"]
    said = dates("أكد المرصد، السبت، أن التنظيم نفذ 50 عملية منذ بداية العام الحالي", "2024-03-22/2024-12-31")
    by_rule = {d.rule: d.edtf for d in said}
    assert by_rule["weekday"] == "2024-01-06/2024-12-28"  # any Saturday of 2024 up to publication
    assert by_rule["since"] == "2024-01-01/2024-12-28"  # from the start of the year to that Saturday


def test_so_far_also_reads_from_the_last_date_named_to_publication() -> None:
    said = dates("وقع الهجوم مساء 22 مارس 2024. وبلغ عدد القتلى حتى الآن 40", "2024-03-23")
    assert [d.edtf for d in said] == ["2024-03-22", "2024-03-23", "2024-03-22/2024-03-23"]


def test_now_and_a_news_channel_called_now() -> None:
    assert edtfs("يبلغ عدد مقاتليه الآن 2500", "2024-03-25") == ["2024-03-25", "2024-03"]
    assert edtfs("أخبار الآن | دبي", "2024-03-25") == []


def test_days_after_an_earlier_date() -> None:
    assert edtfs("انشق في أواخر أكتوبر عام 2015. وبعد ذلك بأيام انشق آخرون", "2016")[-1] \
        == "2015-10-22/2015-11-15"
