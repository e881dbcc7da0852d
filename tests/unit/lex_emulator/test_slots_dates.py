"""AMAZON.Date: ISO output, relative days, weekdays and month-day phrases in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from lex_emulator.slots import extract_value

TUESDAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2026-11-24"),
        ("Today please", "2026-11-24"),
        ("now", "2026-11-24"),
        ("tomorrow", "2026-11-25"),
        ("the day after tomorrow", "2026-11-26"),
        ("day after tomorrow", "2026-11-26"),
        ("yesterday", "2026-11-23"),
        ("the day before yesterday", "2026-11-22"),
        ("book it for tomorrow", "2026-11-25"),
        ("in 3 days", "2026-11-27"),
        ("in two days", "2026-11-26"),
        ("two days ago", "2026-11-22"),
        ("오늘", "2026-11-24"),
        ("오늘이요", "2026-11-24"),
        ("내일", "2026-11-25"),
        ("내일로 해 주세요", "2026-11-25"),
        ("모레", "2026-11-26"),
        ("내일모레", "2026-11-26"),
        ("글피", "2026-11-27"),
        ("어제", "2026-11-23"),
        ("그제", "2026-11-22"),
        ("3일 후", "2026-11-27"),
        ("2일 뒤에", "2026-11-26"),
        ("5일 전", "2026-11-19"),
    ],
)
def test_relative_days(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Date", text, "en_US", today=TUESDAY)
    assert found is not None
    assert found.interpreted_value == expected
    assert found.resolved_values == (expected,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-25", "2026-12-25"),
        ("2027/01/03", "2027-01-03"),
        ("2027.1.3", "2027-01-03"),
        ("12월 25일", "2026-12-25"),
        ("12월 25일이요", "2026-12-25"),
        ("2027년 1월 3일", "2027-01-03"),
        ("December 25", "2026-12-25"),
        ("december 25th", "2026-12-25"),
        ("Dec 25, 2027", "2027-12-25"),
        ("25 December", "2026-12-25"),
        ("the 3rd of January", "2027-01-03"),
        ("12/25", "2026-12-25"),
        ("25/12", "2026-12-25"),
        ("on June 5 please", "2027-06-05"),  # already past this year → next year
        ("11월 24일", "2026-11-24"),  # today counts as on or after today
        ("11월 23일", "2027-11-23"),
        ("25일", "2026-11-25"),
        ("20일", "2026-12-20"),
        ("christmas", "2026-12-25"),
        ("on Christmas Eve", "2026-12-24"),
        ("new year's day", "2027-01-01"),
        ("크리스마스에 배달해 주세요", "2026-12-25"),
        ("크리스마스 이브", "2026-12-24"),
        ("어린이날", "2027-05-05"),
        ("한글날", "2027-10-09"),
    ],
)
def test_calendar_dates_default_to_on_or_after_today(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Date", text, "ko_KR", today=TUESDAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", "2026-11-27"),
        ("Friday", "2026-11-27"),
        ("on monday", "2026-11-30"),
        ("tuesday", "2026-11-24"),  # today is Tuesday: on or after today
        ("this friday", "2026-11-27"),
        ("next friday", "2026-12-04"),
        ("next tuesday", "2026-12-01"),
        ("last monday", "2026-11-16"),
        ("금요일", "2026-11-27"),
        ("금요일에요", "2026-11-27"),
        ("월요일", "2026-11-30"),
        ("일요일", "2026-11-29"),
        ("다음 주 금요일", "2026-12-04"),
        ("다음주 월요일", "2026-11-30"),
        ("이번 주 월요일", "2026-11-23"),
        ("지난주 수요일", "2026-11-18"),
    ],
)
def test_weekdays(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Date", text, "en_US", today=TUESDAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the Lex V2 guide's own rules for weeks, months and years
        ("next week", "2026-11-29"),
        ("this week", "2026-11-23"),
        ("last week", "2026-11-16"),
        ("next month", "2026-12-31"),
        ("this month", "2026-11-01"),
        ("last month", "2026-10-01"),
        ("next year", "2027-12-31"),
        ("this year", "2026-01-01"),
        ("다음 주", "2026-11-29"),
        ("다음 달에", "2026-12-31"),
        ("이번 달", "2026-11-01"),
        ("내년", "2027-12-31"),
        ("올해", "2026-01-01"),
    ],
)
def test_weeks_months_years_follow_the_lex_guide(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Date", text, "en_US", today=TUESDAY)
    assert found is not None
    assert found.interpreted_value == expected


def test_date_rolls_over_the_year_end() -> None:
    new_years_eve = date(2026, 12, 31)
    assert extract_value("AMAZON.Date", "tomorrow", "en_US", today=new_years_eve) is not None
    found = extract_value("AMAZON.Date", "next month", "en_US", today=new_years_eve)
    assert found is not None and found.interpreted_value == "2027-01-31"
    found = extract_value("AMAZON.Date", "내일", "ko_KR", today=new_years_eve)
    assert found is not None and found.interpreted_value == "2027-01-01"


def test_leap_day_without_year_finds_the_next_leap_year() -> None:
    found = extract_value("AMAZON.Date", "February 29", "en_US", today=TUESDAY)
    assert found is not None
    assert found.interpreted_value == "2028-02-29"


def test_original_value_is_the_date_phrase() -> None:
    found = extract_value("AMAZON.Date", "book it for next friday please", "en_US", today=TUESDAY)
    assert found is not None
    assert found.original_value == "next friday"


@pytest.mark.parametrize(
    "text",
    ["hello", "", "안녕하세요", "내 주문", "2026-13-45", "February 30", "I like pizza", "낼게요"],
)
def test_no_date(text: str) -> None:
    assert extract_value("AMAZON.Date", text, "en_US", today=TUESDAY) is None
