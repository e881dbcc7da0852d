"""AMAZON.Confirmation and parse_confirmation: yes and no in Korean and English."""

from __future__ import annotations

from datetime import date

import pytest

from lex_emulator.slots import extract_value, parse_confirmation

YES_KO = [
    "네",
    "네.",
    "네!",
    "네 좋아요",
    "네네",
    "넵",
    "예",
    "응",
    "어",
    "좋아요",
    "좋아",
    "좋습니다",
    "그래",
    "그래요",
    "맞아요",
    "맞습니다",
    "물론이죠",
    "오케이",
    "ㅇㅇ",
    "네 괜찮아요",
    "네 부탁해요",
    "응 그래",
    "좋아요ㅎㅎ",
    "네~",
    "그걸로 주세요",
    "그렇게 할게요",
]
NO_KO = [
    "아니요",
    "아니오",
    "아니",
    "아뇨",
    "싫어요",
    "싫어",
    "취소",
    "취소해 주세요",
    "아니요 괜찮아요",
    "아니 됐어",
    "안 돼요",
    "안 좋아요",
    "ㄴㄴ",
    "아니요, 다시 할게요",
    "하지 마세요",
]
YES_EN = [
    "yes",
    "Yes.",
    "YES!",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "correct",
    "that's right",
    "of course",
    "yes please",
    "sure thing",
    "go ahead",
    "absolutely",
    "Yeah, that's correct",
]
NO_EN = [
    "no",
    "No.",
    "nope",
    "nah",
    "cancel",
    "no thanks",
    "no, cancel it",
    "not really",
    "don't",
    "that's wrong",
    "not ok",
    "never",
]
NEITHER = [
    "",
    "   ",
    "괜찮아요",
    "음",
    "글쎄요",
    "잘 모르겠어요",
    "네이버",
    "피자",
    "maybe",
    "not sure",
    "I don't know",
    "what?",
    "pizza",
    "네모",
    "어디",
    "아니메",
]


@pytest.mark.parametrize("text", YES_KO + YES_EN)
def test_yes(text: str) -> None:
    assert parse_confirmation(text, "ko_KR") == "Yes"
    assert parse_confirmation(text, "en_US") == "Yes"


@pytest.mark.parametrize("text", NO_KO + NO_EN)
def test_no(text: str) -> None:
    assert parse_confirmation(text, "ko_KR") == "No"


@pytest.mark.parametrize("text", NEITHER)
def test_neither(text: str) -> None:
    assert parse_confirmation(text, "ko_KR") is None


@pytest.mark.parametrize(
    ("text", "expected"), [("네 좋아요", "Yes"), ("아니요 괜찮아요", "No"), ("yep", "Yes")]
)
def test_confirmation_slot_type(text: str, expected: str) -> None:
    found = extract_value("AMAZON.Confirmation", text, "ko_KR", today=date(2026, 11, 24))
    assert found is not None
    assert found.interpreted_value == expected
    assert found.resolved_values == (expected,)


def test_confirmation_slot_type_without_answer() -> None:
    assert extract_value("AMAZON.Confirmation", "음", "ko_KR", today=date(2026, 11, 24)) is None
    found = extract_value("AMAZON.Confirmation", "글쎄요", "ko_KR", today=date(2026, 11, 24))
    assert found is not None and found.interpreted_value == "Maybe"  # the guide's fourth values
