"""Custom slot types (values, synonyms, resolution strategies) and the Lex V2 value shape.

ORIGINAL_VALUE: "Returns the value entered by the user, if the user value is similar to the slot
value." TOP_RESOLUTION: "return the first value in the resolution list as the slot type value"
(https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotValueSelectionSetting.html).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from lex_emulator.slots import SlotType, SlotTypeValue, SlotValue, extract_value

TODAY = date(2026, 11, 24)
SIZES = (
    SlotTypeValue("Large", ("라지", "큰 거", "large", "big")),
    SlotTypeValue("Medium", ("미디엄", "중간", "regular")),
    SlotTypeValue("Small", ("스몰", "작은 거", "small")),
)
TOP = SlotType("PizzaSize", SIZES, "TopResolution")
ORIGINAL = SlotType("PizzaSize", SIZES, "OriginalValue")
BOTH = pytest.mark.parametrize("slot_type", [TOP, ORIGINAL], ids=["TopResolution", "OriginalValue"])


@BOTH
@pytest.mark.parametrize(
    ("text", "canonical", "typed"),
    [
        ("Large", "Large", "Large"),
        ("large", "Large", "large"),
        ("LARGE please", "Large", "LARGE"),
        ("라지", "Large", "라지"),
        ("라지로 할게요", "Large", "라지"),
        ("라지요", "Large", "라지"),
        ("라지사이즈로 주세요", "Large", "라지"),
        ("큰 거로 주세요", "Large", "큰 거"),
        ("큰거요", "Large", "큰거"),
        ("I want a big one", "Large", "big"),
        ("regular, thanks", "Medium", "regular"),
        ("중간으로요", "Medium", "중간"),
        ("스몰 하나 주세요", "Small", "스몰"),
        ("small", "Small", "small"),
    ],
)
def test_values_and_synonyms_resolve_to_the_canonical_value(
    slot_type: SlotType, text: str, canonical: str, typed: str
) -> None:
    found = extract_value(slot_type, text, "ko_KR", today=TODAY)
    interpreted = canonical if slot_type is TOP else typed
    assert found == SlotValue(typed, interpreted, (canonical,))


@pytest.mark.parametrize("text", ["bigger", "라지오", "smallish", "스몰토크"])
def test_values_inside_other_words_do_not_count(text: str) -> None:
    assert extract_value(TOP, text, "en_US", today=TODAY) is None
    assert extract_value(ORIGINAL, text, "en_US", today=TODAY) is None


def test_top_resolution_rejects_unlisted_values() -> None:
    for text in ("huge", "엑스라지 말고 다른 거", "pepperoni"):
        assert extract_value(TOP, text, "en_US", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "typed"),
    [("huge", "huge"), ("Extra Huge", "Extra Huge"), ("엑스트라로요", "엑스트라"),
     ("I want gigantic", "gigantic"), ("패밀리 사이즈로 할게요", "패밀리 사이즈")],
)  # fmt: skip
def test_original_value_refuses_values_not_similar_to_any_listed_one(text: str, typed: str) -> None:
    assert extract_value(ORIGINAL, text, "en_US", today=TODAY) is None


def test_similar_value_top_resolution_takes_the_listed_value() -> None:
    assert extract_value(TOP, "lrage", "en_US", today=TODAY) == SlotValue(
        "lrage", "Large", ("Large",)
    )


def test_similar_value_original_value_keeps_the_typed_value() -> None:
    assert extract_value(ORIGINAL, "lrage", "en_US", today=TODAY) == SlotValue(
        "lrage", "lrage", ("Large",)
    )


def test_longest_match_wins() -> None:
    drinks = SlotType(
        "Drink",
        (SlotTypeValue("Coke"), SlotTypeValue("Coke Zero", ("제로 콜라",)), SlotTypeValue("콜라")),
        "TopResolution",
    )
    found = extract_value(drinks, "coke zero please", "en_US", today=TODAY)
    assert found is not None and found.interpreted_value == "Coke Zero"
    found = extract_value(drinks, "제로 콜라로 주세요", "ko_KR", today=TODAY)
    assert found is not None and found.interpreted_value == "Coke Zero"
    found = extract_value(drinks, "콜라요", "ko_KR", today=TODAY)
    assert found is not None and found.interpreted_value == "콜라"


def test_empty_reply_is_no_value() -> None:
    assert extract_value(ORIGINAL, "  ", "en_US", today=TODAY) is None


def test_bad_resolution_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="TopResolution"):
        SlotType("X", (), "Expand")  # type: ignore[arg-type]


def test_lists_are_accepted_and_stored_as_tuples() -> None:
    values = [SlotTypeValue("Large", ["라지"])]  # type: ignore[arg-type]
    slot_type = SlotType("S", values, "TopResolution")  # type: ignore[arg-type]
    assert slot_type.values == (SlotTypeValue("Large", ("라지",)),)
    assert hash(slot_type)
    assert SlotValue("a", "a", ["a"]).resolved_values == ("a",)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Built-ins without a dedicated recogniser, and the Lex shape


@pytest.mark.parametrize(
    ("slot_type", "text", "expected"),
    [
        ("AMAZON.FreeFormInput", "  I'd like a table by the window, please  ",
         "I'd like a table by the window, please"),
        ("AMAZON.FreeFormInput", "창가 자리로 부탁해요", "창가 자리로 부탁해요"),
        ("AMAZON.City", "Seoul", "Seoul"),
        ("AMAZON.Airport", "ICN terminal 2", "ICN terminal 2"),  # unimplemented: as typed
        ("AMAZON.AlphaNumeric", "ABC123", "ABC123"),
        ("AMAZON.AlphaNumeric", "my booking code is X9Y8Z7", "X9Y8Z7"),
        ("AMAZON.AlphaNumeric", "예약번호는 AB12CD이에요", "AB12CD"),
        ("AMAZON.AlphaNumeric", "a1-b2", "a1-b2"),
    ],
)  # fmt: skip
def test_other_builtins(slot_type: str, text: str, expected: str) -> None:
    found = extract_value(slot_type, text, "en_US", today=TODAY)
    assert found is not None
    assert found.interpreted_value == expected


@pytest.mark.parametrize("text", ["", "   ", "I have no code"])
def test_alphanumeric_needs_a_code(text: str) -> None:
    assert extract_value("AMAZON.AlphaNumeric", text, "en_US", today=TODAY) is None


@pytest.mark.parametrize("slot_type", ["AMAZON.FreeFormInput", "AMAZON.City"])
def test_empty_text_is_never_a_value(slot_type: str) -> None:
    assert extract_value(slot_type, " \t", "en_US", today=TODAY) is None


def _slot_shape() -> Any:
    model = botocore.session.get_session().get_service_model("lexv2-runtime")
    return model.shape_for("Slot")


@pytest.mark.parametrize(
    ("slot_type", "text"),
    [
        (TOP, "라지로 할게요"),
        (ORIGINAL, "big"),
        ("AMAZON.Number", "세 판"),
        ("AMAZON.Date", "내일"),
        ("AMAZON.FirstName", "제 이름은 홍길동이에요"),
        ("AMAZON.Confirmation", "yes"),
    ],
)
def test_to_lex_validates_against_botocore_slot_shape(slot_type: str | SlotType, text: str) -> None:
    found = extract_value(slot_type, text, "ko_KR", today=TODAY)
    assert found is not None
    lex = found.to_lex()
    assert set(lex["value"]) == {"originalValue", "interpretedValue", "resolvedValues"}
    report = ParamValidator().validate(lex, _slot_shape())
    assert not report.has_errors(), report.generate_report()


def test_to_lex_shape_and_invalid_shape_is_caught() -> None:
    value = SlotValue("라지", "Large", ("Large",))
    assert value.to_lex() == {
        "value": {"originalValue": "라지", "interpretedValue": "Large", "resolvedValues": ["Large"]}
    }
    # the validator itself is not a rubber stamp: a missing interpretedValue is reported
    report = ParamValidator().validate({"value": {"originalValue": "x"}}, _slot_shape())
    assert report.has_errors()
