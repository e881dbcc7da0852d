"""AMAZON.Number: digits, English number words, Korean native and Sino-Korean numerals."""

from __future__ import annotations

from datetime import date

import pytest

from lex_emulator.numbers_text import find_number, parse_native, parse_sino
from lex_emulator.slots import extract_value

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", "3"),
        ("42", "42"),
        ("1,000", "1000"),
        ("2.5", "2.5"),
        ("-3", "-3"),
        ("3판", "3"),
        ("3개요", "3"),
        ("10명이요", "10"),
        ("3만", "30000"),
        ("3만5천원", "35000"),
        ("2천", "2000"),
        ("I want 4 please", "4"),
    ],
)
def test_digits(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Number", text, "en_US", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two", "2"),
        ("Two", "2"),
        ("zero", "0"),
        ("eleven", "11"),
        ("twenty", "20"),
        ("twenty-one", "21"),
        ("twenty one", "21"),
        ("ninety-nine", "99"),
        ("ninety nine", "99"),
        ("a hundred", "100"),
        ("one hundred", "100"),
        ("a hundred and five", "105"),
        ("two hundred thirty four", "234"),
        ("three thousand", "3000"),
        ("a dozen", "12"),
        ("two pizzas please", "2"),
        ("I'd like three, thanks", "3"),
        ("make it twelve", "12"),
    ],
)
def test_english_number_words(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Number", text, "en_US", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("하나", "1"),
        ("하나요", "1"),
        ("둘", "2"),
        ("둘이요", "2"),
        ("셋", "3"),
        ("넷이요", "4"),
        ("다섯", "5"),
        ("다섯 개", "5"),
        ("일곱", "7"),
        ("열", "10"),
        ("열두 개", "12"),
        ("스물다섯", "25"),
        ("스무 명", "20"),
        ("한 판", "1"),
        ("한판이요", "1"),
        ("두 판", "2"),
        ("두 판 주세요", "2"),
        ("세 판이요", "3"),
        ("세판", "3"),
        ("네 개", "4"),
        ("네 잔 주세요", "4"),
        ("두 병", "2"),
        ("세 시", "3"),
        ("석 장", "3"),
        ("피자 두 판 주세요", "2"),
    ],
)
def test_korean_native_numerals_with_counters(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Number", text, "ko_KR", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("일", "1"),
        ("이", "2"),
        ("삼", "3"),
        ("오", "5"),
        ("십", "10"),
        ("십이", "12"),
        ("이십", "20"),
        ("이십오", "25"),
        ("이십오 개", "25"),
        ("백", "100"),
        ("백오십", "150"),
        ("천오백", "1500"),
        ("삼만", "30000"),
        ("삼층", "3"),
        ("오 번", "5"),
        ("삼십 명이요", "30"),
    ],
)
def test_sino_korean_numerals(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Number", text, "ko_KR", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize(
    "text",
    [
        "네",  # "yes", not the attributive four
        "네 좋아요",
        "한국",
        "세요",
        "사과 주세요",  # 사 starts 사과
        "사장님",
        "이번 주",  # "this week", not two
        "오늘",
        "hello",
        "none",
        "",
        "   ",
        "ABC",
    ],
)
def test_no_number(text: str) -> None:
    assert extract_value("AMAZON.Number", text, "ko_KR", today=TODAY) is None


def test_one_as_a_pronoun_is_still_read_as_a_number() -> None:
    """Like Lex's AMAZON.Number, "one" is taken as 1 even in "the large one"."""
    found = extract_value("AMAZON.Number", "the large one please", "en_US", today=TODAY)
    assert found is not None
    assert found.interpreted_value == "1"


def test_first_number_wins_and_span_is_reported() -> None:
    match = find_number("table for 4 at 7")
    assert match is not None
    assert (match.value, match.original, match.start, match.end) == ("4", "4", 10, 11)


def test_korean_span_covers_numeral_and_counter() -> None:
    match = find_number("피자 세 판 주세요")
    assert match is not None
    assert match.value == "3"
    assert match.original == "세 판"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("이십삼", 23),
        ("천오백", 1500),
        ("만", 10000),
        ("삼만이천", 32000),
        ("사이", None),
        ("", None),
    ],
)
def test_parse_sino(text: str, expected: int | None) -> None:
    assert parse_sino(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("스물다섯", (25, False)), ("스물한", (21, True)), ("한", (1, True)), ("하나", (1, False)),
     ("여든아홉", (89, False)), ("사과", None)],
)  # fmt: skip
def test_parse_native(text: str, expected: tuple[int, bool] | None) -> None:
    assert parse_native(text) == expected
