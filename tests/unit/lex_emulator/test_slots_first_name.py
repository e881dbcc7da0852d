"""AMAZON.FirstName: bare names and names inside Korean and English sentences."""

from __future__ import annotations

from datetime import date

import pytest

from lex_emulator.korean_text import has_final_consonant, is_particle_tail, strip_name_endings
from lex_emulator.slots import extract_value

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("홍길동", "홍길동"),
        ("홍길동이에요", "홍길동"),
        ("홍길동입니다", "홍길동"),
        ("홍길동이요", "홍길동"),
        ("홍길동이야", "홍길동"),
        ("홍길동 입니다", "홍길동"),
        ("홍길동님", "홍길동"),
        ("홍길동님이에요", "홍길동"),
        ("김철수씨", "김철수"),
        ("철수예요", "철수"),
        ("철수야", "철수"),
        ("지수요", "지수"),
        ("영희", "영희"),
        ("지은이에요", "지은"),
        ("제 이름은 홍길동이에요", "홍길동"),
        ("제 이름은 홍길동입니다.", "홍길동"),
        ("내 이름은 철수야", "철수"),
        ("제이름은 홍길동이에요", "홍길동"),
        ("이름은 영희예요", "영희"),
        ("저는 홍길동이라고 해요", "홍길동"),
        ("저는 홍길동이라고 합니다", "홍길동"),
        ("철수라고 불러 주세요", "철수"),
        ("나는 지수야", "지수"),
        ("안녕하세요 제 이름은 홍길동입니다", "홍길동"),
        ("제 이름은 홍길동이고 서울에 살아요", "홍길동"),
        ("전 민준이에요!", "민준"),
        ("John이에요", "John"),
        ("김 철수예요", "김철수"),
        ("제 이름은 남궁 민수입니다", "남궁민수"),
        ("박 지성", "박지성"),
    ],
)
def test_korean_names(text: str, expected: str) -> None:
    found = extract_value("AMAZON.FirstName", text, "ko_KR", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected
    assert found.resolved_values == (expected,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("John", "John"),
        ("john", "John"),
        ("JOHN", "John"),
        ("McDonald", "McDonald"),
        ("mary-jane", "Mary-Jane"),
        ("o'brien", "O'Brien"),
        ("my name is John", "John"),
        ("My name is john.", "John"),
        ("my name's Bob", "Bob"),
        ("I'm Alice", "Alice"),
        ("i am bob", "Bob"),
        ("call me Ishmael", "Ishmael"),
        ("you can call me Al", "Al"),
        ("it's Sam", "Sam"),
        ("this is Dana", "Dana"),
        ("hi, I'm Zoë", "Zoë"),
        ("hello my name is John Smith", "John"),
        ("John Smith", "John"),
        ("Bob here", "Bob"),
        ("Kim is my name", "Kim"),
        ("I'm called Bob", "Bob"),
        ("name: Alice", "Alice"),
        ("they call me Trinity", "Trinity"),
        ("José", "José"),
        ("홍길동", "홍길동"),  # a Korean name typed in the English locale
    ],
)
def test_english_names(text: str, expected: str) -> None:
    found = extract_value("AMAZON.FirstName", text, "en_US", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


def test_original_value_keeps_what_was_typed() -> None:
    found = extract_value("AMAZON.FirstName", "my name is john", "en_US", today=TODAY)
    assert found is not None
    assert (found.original_value, found.interpreted_value) == ("john", "John")


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("", "ko_KR"),
        ("   ", "en_US"),
        ("몰라요", "ko_KR"),
        ("모르겠어요", "ko_KR"),
        ("싫어요", "ko_KR"),
        ("싫은데요", "ko_KR"),
        ("비밀이에요", "ko_KR"),
        ("왜요?", "ko_KR"),
        ("네", "ko_KR"),
        ("아니요", "ko_KR"),
        ("안녕하세요", "ko_KR"),
        ("오늘 날씨 어때요", "ko_KR"),
        ("이름이 뭐예요?", "ko_KR"),
        ("저는 서울에 살아요", "ko_KR"),
        ("저는 학생이에요", "ko_KR"),
        ("학교를", "ko_KR"),
        ("I don't know", "en_US"),
        ("why do you want to know", "en_US"),
        ("what?", "en_US"),
        ("no", "en_US"),
        ("yes", "en_US"),
        ("hello", "en_US"),
        ("none of your business", "en_US"),
        ("I am not telling you", "en_US"),
        ("call me maybe", "en_US"),
        ("12345", "en_US"),
        ("R2D2", "en_US"),
        ("tell me a joke about the weather today", "en_US"),
    ],
)
def test_non_names_are_rejected(text: str, locale: str) -> None:
    assert extract_value("AMAZON.FirstName", text, locale, today=TODAY) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("홍길동이에요", "홍길동"),
        ("철수예요", "철수"),
        ("홍길동님이에요", "홍길동"),
        ("길동이", "길동"),  # the familiar 이 after a final consonant
        ("영희", "영희"),
        ("지은", "지은"),  # 은 is part of the name here, not a particle
        ("철수이에요", "철수"),  # the common misspelling of 철수예요
        ("민이요", "민"),
    ],
)
def test_strip_name_endings(word: str, expected: str) -> None:
    assert strip_name_endings(word) == expected


@pytest.mark.parametrize(
    ("rest", "expected"),
    [("", True), ("로", True), ("으로요", True), ("이에요", True), ("만요", True),
     ("사이즈", False), ("과일", False)],
)  # fmt: skip
def test_is_particle_tail(rest: str, expected: bool) -> None:
    assert is_particle_tail(rest) is expected


@pytest.mark.parametrize(("char", "expected"), [("동", True), ("수", False), ("a", False)])
def test_has_final_consonant(char: str, expected: bool) -> None:
    assert has_final_consonant(char) is expected
