"""fill_from_utterance: slots in the utterance that triggered the intent."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from lex_emulator.cfn_template import load_template
from lex_emulator.slots import SlotType, SlotTypeValue, SlotValue, fill_from_utterance

TODAY = date(2026, 11, 24)
TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


@lru_cache(maxsize=4)
def _hello_world_utterances(locale_id: str) -> list[str]:
    """The HelloWorld sample utterances of one locale, read from the real template.yaml."""
    resources: dict[str, Any] = load_template(TEMPLATE)["Resources"]
    for resource in resources.values():
        if resource.get("Type") != "AWS::Lex::Bot":
            continue
        for locale in resource["Properties"]["BotLocales"]:
            if locale["LocaleId"] != locale_id:
                continue
            for intent in locale["Intents"]:
                if intent["Name"] == "HelloWorld":
                    return [u["Utterance"] for u in intent["SampleUtterances"]]
    raise AssertionError(f"no HelloWorld intent for {locale_id} in {TEMPLATE}")


NAME_SLOT: dict[str, str | SlotType] = {"FirstName": "AMAZON.FirstName"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("제 이름은 홍길동이에요", "홍길동"),
        ("제 이름은 홍길동 이에요", "홍길동"),
        ("제 이름은 홍길동입니다", "홍길동"),
        ("제이름은 홍길동이에요", "홍길동"),
        ("제 이름이 홍길동이에요", "홍길동"),  # a different particle on the template's 이름은
        ("안녕 나는 철수야", "철수"),
        ("안녕, 나는 철수야!", "철수"),
        ("안녕하세요 제 이름은 김영희입니다", "김영희"),
        ("나는 지수", "지수"),
        ("음 제 이름은 홍길동이고요", "홍길동"),
    ],
)
def test_korean_hello_world(text: str, expected: str) -> None:
    filled = fill_from_utterance(
        _hello_world_utterances("ko_KR"), text, NAME_SLOT, "ko_KR", today=TODAY
    )
    assert filled == {"FirstName": SlotValue(expected, expected, (expected,))}


@pytest.mark.parametrize(
    ("text", "original", "expected"),
    [
        ("hi I am Bob", "Bob", "Bob"),
        ("hi i am bob", "bob", "Bob"),
        ("Hi, I am Bob!", "Bob", "Bob"),
        ("hello my name is John", "John", "John"),
        ("my name is john smith", "john", "John"),
        ("call me Ishmael.", "Ishmael", "Ishmael"),
        ("well, my name is Alice", "Alice", "Alice"),
        ("my name is bob and I like pizza", "bob", "Bob"),
        ("hi I am Carol, nice to meet you", "Carol", "Carol"),
    ],
)
def test_english_hello_world(text: str, original: str, expected: str) -> None:
    filled = fill_from_utterance(
        _hello_world_utterances("en_US"), text, NAME_SLOT, "en_US", today=TODAY
    )
    assert filled == {"FirstName": SlotValue(original, expected, (expected,))}


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("안녕", "ko_KR"),
        ("안녕하세요", "ko_KR"),
        ("제 이름은 비밀이에요", "ko_KR"),
        ("나는 몰라", "ko_KR"),
        ("오늘 날씨 어때요?", "ko_KR"),
        ("hello", "en_US"),
        ("hi there", "en_US"),
        ("call me maybe", "en_US"),
        ("my name is", "en_US"),
        ("what is the capital of France", "en_US"),
    ],
)
def test_nothing_is_invented(text: str, locale: str) -> None:
    assert (
        fill_from_utterance(_hello_world_utterances(locale), text, NAME_SLOT, locale, today=TODAY)
        == {}
    )


SIZE = SlotType(
    "PizzaSize",
    (
        SlotTypeValue("Large", ("라지", "large", "big")),
        SlotTypeValue("Small", ("스몰", "small")),
    ),
    "TopResolution",
)
PIZZA_TEMPLATES = [
    "I want {Count} {Size} pizzas",
    "{Count} {Size} pizzas please",
    "피자 {Count} 판 {Size} 로 주세요",
    "{Size} 피자 {Count} 판 주세요",
    "deliver on {Day}",
    "{Day} 에 배달해 주세요",
]
PIZZA_SLOTS: dict[str, str | SlotType] = {
    "Count": "AMAZON.Number",
    "Size": SIZE,
    "Day": "AMAZON.Date",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i want two large pizzas", {"Count": "2", "Size": "Large"}),
        ("I want twenty one large pizzas", {"Count": "21", "Size": "Large"}),
        ("I want 3 small pizzas", {"Count": "3", "Size": "Small"}),
        ("two big pizzas please", {"Count": "2", "Size": "Large"}),
        ("피자 세 판 라지로 주세요", {"Count": "3", "Size": "Large"}),
        ("피자 3판 라지로 주세요", {"Count": "3", "Size": "Large"}),
        ("피자 두 판 스몰로 주세요", {"Count": "2", "Size": "Small"}),
        ("라지 피자 두 판 주세요", {"Count": "2", "Size": "Large"}),
        ("deliver on friday", {"Day": "2026-11-27"}),
        ("내일 배달해 주세요", {"Day": "2026-11-25"}),
        ("내일에 배달해 주세요", {"Day": "2026-11-25"}),
    ],
)
def test_several_slots_and_types(text: str, expected: dict[str, str]) -> None:
    filled = fill_from_utterance(PIZZA_TEMPLATES, text, PIZZA_SLOTS, "en_US", today=TODAY)
    assert {name: value.interpreted_value for name, value in filled.items()} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("라지로 주세요", {"Size": "Large"}),  # no template fits, the custom value is still found
        ("large one please", {"Size": "Large"}),
        ("피자 주문할게요 스몰로요", {"Size": "Small"}),
        ("I want pizzas", {}),
        ("huge pizzas please", {}),  # TopResolution: not a listed size, and no count
    ],
)
def test_custom_values_are_found_anywhere(text: str, expected: dict[str, str]) -> None:
    filled = fill_from_utterance(PIZZA_TEMPLATES, text, PIZZA_SLOTS, "ko_KR", today=TODAY)
    assert {name: value.interpreted_value for name, value in filled.items()} == expected


def test_two_slots_of_one_type_need_a_template() -> None:
    slots: dict[str, str | SlotType] = {"From": SIZE, "To": SIZE}
    assert fill_from_utterance([], "large", slots, "en_US", today=TODAY) == {}
    filled = fill_from_utterance(
        ["from {From} to {To}"], "from small to large", slots, "en_US", today=TODAY
    )
    assert {k: v.interpreted_value for k, v in filled.items()} == {"From": "Small", "To": "Large"}


def test_placeholders_for_unknown_slots_are_ignored() -> None:
    assert fill_from_utterance(["I am {Nobody}"], "I am Bob", NAME_SLOT, "en_US", today=TODAY) == {}


def test_templates_without_placeholders_fill_nothing() -> None:
    assert fill_from_utterance(["hello", "hi"], "hello", NAME_SLOT, "en_US", today=TODAY) == {}


def test_long_text_stays_bounded() -> None:
    """A maximal 1024-character utterance still returns (the matcher caps its search)."""
    text = ("i want two large pizzas " * 60)[:1024]
    filled = fill_from_utterance(PIZZA_TEMPLATES, text, PIZZA_SLOTS, "en_US", today=TODAY)
    assert filled["Size"].interpreted_value == "Large"
