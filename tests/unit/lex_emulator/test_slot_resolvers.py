"""Resolution strategies and regex filters (lex_emulator.slot_resolvers), without I/O."""

from __future__ import annotations

from datetime import date

import pytest

from lex_emulator.slot_resolvers import Match, regex_allows, regex_value, resolve
from lex_emulator.slots import SlotType, SlotTypeValue, extract_value, fill_from_utterance

TODAY = date(2026, 1, 5)
BIG = Match(0, 3, "large", "big")


@pytest.mark.parametrize(
    ("strategy", "interpreted"),
    [("OriginalValue", "big"), ("TopResolution", "large"), ("Concatenation", "big")],
)
def test_a_synonym_under_each_strategy(strategy: str, interpreted: str) -> None:
    found = resolve(strategy, "big", [BIG], None, "big")
    assert found is not None
    assert (found.original, found.interpreted, found.resolved) == ("big", interpreted, ("large",))


def test_nothing_found_is_no_value_under_every_strategy() -> None:
    for strategy in ("OriginalValue", "TopResolution", "Concatenation"):
        assert resolve(strategy, "hello", [], None, "hello") is None


def test_concatenation_joins_values_in_the_order_said() -> None:
    matches = [Match(8, 14, "cheese", "cheese"), Match(0, 3, "ham", "ham")]
    found = resolve("Concatenation", "ham and cheese", matches, None, "ham and cheese")
    assert found is not None
    assert found.interpreted == "ham cheese" and found.resolved == ("ham", "cheese")


def test_regex_value_takes_the_whole_reply_or_one_word() -> None:
    assert regex_value("[A-Z]{2}[0-9]{4}", "AB1234") == "AB1234"
    assert regex_value("[A-Z]{2}[0-9]{4}", "my code is CD5678.") == "CD5678"
    assert regex_value("[A-Z]{2}[0-9]{4}", "AB123") is None
    assert regex_allows(None, "anything") and not regex_allows("[0-9]{2}", "123")


def test_regex_filter_also_restricts_listed_values() -> None:
    codes = SlotType(
        "Code",
        (SlotTypeValue("AB12"), SlotTypeValue("long")),
        "TopResolution",
        regex="[A-Z]{2}[0-9]{2}",
    )
    assert extract_value(codes, "long", "en_US", today=TODAY) is None
    found = extract_value(codes, "AB12", "en_US", today=TODAY)
    assert found is not None and found.interpreted_value == "AB12"


def test_template_literal_words_never_fill_a_slot() -> None:
    food = SlotType("Food", (SlotTypeValue("pizza"), SlotTypeValue("pasta")), "OriginalValue")
    found = fill_from_utterance(
        ["I want {Food} for dinner", "order a pizza {Food}"],
        "order a pizza",
        {"Food": food},
        "en_US",
        today=TODAY,
    )
    assert found == {}
    found = fill_from_utterance(
        ["I want {Food} for dinner"],
        "I want pasta for dinner",
        {"Food": food},
        "en_US",
        today=TODAY,
    )
    assert found["Food"].interpreted_value == "pasta"


def test_unimplemented_builtins_are_never_read_from_an_utterance() -> None:
    found = fill_from_utterance(
        ["fly to {Where}"], "fly to Gimpo", {"Where": "AMAZON.Airport"}, "en_US", today=TODAY
    )
    assert found == {}
    reply = extract_value("AMAZON.Airport", "Gimpo", "en_US", today=TODAY)
    assert (
        reply is not None and reply.interpreted_value == "Gimpo"
    )  # an elicitation reply: as typed
