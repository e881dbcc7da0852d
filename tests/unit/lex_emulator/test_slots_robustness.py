"""Arbitrary input never raises, and every value found is a valid Lex V2 ``Slot``."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from lex_emulator.slots import (
    SlotType,
    SlotTypeValue,
    extract_value,
    fill_from_utterance,
    parse_confirmation,
)

TODAY = date(2026, 11, 24)
SIZE_VALUES = (SlotTypeValue("Large", ("라지", "big")), SlotTypeValue("Small", ("스몰",)))
SLOT_TYPES: list[str | SlotType] = [
    "AMAZON.FirstName",
    "AMAZON.Number",
    "AMAZON.AlphaNumeric",
    "AMAZON.Date",
    "AMAZON.Confirmation",
    "AMAZON.FreeFormInput",
    "AMAZON.City",
    SlotType("Size", SIZE_VALUES, "TopResolution"),
    SlotType("Size", SIZE_VALUES, "OriginalValue"),
]
PIECES = [*"abc xyz 0123456789 가나다라이은는을를 -.,!?'\"{}()[]\\*+^$|ㅋ\t\n"]
PIECES += ["네", "아니", "two", "hundred", "월요일", "내일", "12월", "25일", "my name is"]
PIECES += ["제 이름은", "라지", "판"]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(count)]


@pytest.fixture(scope="module")
def slot_shape() -> Any:
    """botocore's own lexv2-runtime ``Slot`` shape."""
    return botocore.session.get_session().get_service_model("lexv2-runtime").shape_for("Slot")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_text_gives_valid_values_or_none(seed: int, slot_shape: Any) -> None:
    validator = ParamValidator()
    found_any = 0
    for text in _texts(seed, 150):
        assert parse_confirmation(text, "ko_KR") in ("Yes", "No", None)
        for slot_type in SLOT_TYPES:
            value = extract_value(slot_type, text, "ko_KR", today=TODAY)
            if value is None:
                continue
            found_any += 1
            assert value.interpreted_value == value.interpreted_value.strip() != ""
            report = validator.validate(value.to_lex(), slot_shape)
            assert not report.has_errors(), (slot_type, text, report.generate_report())
    assert found_any > 0  # the generator does produce recognisable values


@pytest.mark.parametrize("seed", [4, 5])
def test_random_text_never_breaks_fill(seed: int) -> None:
    templates = [
        "I want {Count} {Size} pizzas",
        "{Size} 피자 {Count} 판",
        "my name is {Name}",
        "{Day}",
    ]
    slots: dict[str, str | SlotType] = {
        "Count": "AMAZON.Number",
        "Size": SLOT_TYPES[7],
        "Name": "AMAZON.FirstName",
        "Day": "AMAZON.Date",
    }
    for text in _texts(seed, 100):
        filled = fill_from_utterance(templates, text, slots, "ko_KR", today=TODAY)
        assert set(filled) <= set(slots)
        for value in filled.values():
            assert value.interpreted_value
