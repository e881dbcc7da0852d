"""A multi-slot pizza bot over HTTP with boto3: confirmation, retries, expiry, isolation."""

from __future__ import annotations

import calendar
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from lex_emulator.http_server import decode_lex_header
from tests.functional.lex_emulator.conftest import PIZZA_TEMPLATE, TODAY, FakeClock
from tests.functional.lex_emulator.lex_clients import dialog, ids, message, say, slot_value
from tests.support.botocore_shapes import assert_valid_output

TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def _order_until_confirmation(client, session, size_text, count_text, date_text):
    first = say(client, "en_US", session, "I want to order a pizza")
    assert dialog(first) == ("OrderPizza", "InProgress", "ElicitSlot")
    assert message(first) == "What size would you like?"
    size = say(client, "en_US", session, size_text)
    assert message(size) == "How many pizzas?"
    count = say(client, "en_US", session, count_text)
    assert message(count) == "For which day?"
    return say(client, "en_US", session, date_text)


def test_english_order_with_synonym_number_word_and_relative_date(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    confirm = _order_until_confirmation(client, "pizza-en-1", "a big one", "two", "tomorrow")
    assert dialog(confirm) == ("OrderPizza", "InProgress", "ConfirmIntent")
    assert slot_value(confirm, "Size") == "large"
    assert slot_value(confirm, "Count") == "2"
    assert slot_value(confirm, "DeliveryDate") == TOMORROW
    assert message(confirm) == f"Order 2 large pizzas for {TOMORROW}?"

    done = say(client, "en_US", "pizza-en-1", "yes")
    assert dialog(done) == ("OrderPizza", "Fulfilled", "Close")
    assert done["sessionState"]["intent"]["confirmationState"] == "Confirmed"
    assert message(done) == f"Your 2 large pizzas will arrive on {TOMORROW}."


def test_declining_the_confirmation_fails_the_intent(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    _order_until_confirmation(client, "pizza-en-2", "small", "3", "tomorrow")
    declined = say(client, "en_US", "pizza-en-2", "no")
    assert dialog(declined) == ("OrderPizza", "Failed", "Close")
    assert declined["sessionState"]["intent"]["confirmationState"] == "Denied"
    assert message(declined) == "Okay, I cancelled the order."


def test_korean_order_with_particles_and_counters(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    first = say(client, "ko_KR", "pizza-ko-1", "피자 주문할게요")
    assert message(first) == "어떤 크기로 드릴까요?"
    size = say(client, "ko_KR", "pizza-ko-1", "라지로 할게요")
    assert slot_value(size, "Size") == "large"
    assert message(size) == "몇 판 드릴까요?"
    count = say(client, "ko_KR", "pizza-ko-1", "3판")
    assert slot_value(count, "Count") == "3"
    confirm = say(client, "ko_KR", "pizza-ko-1", "내일")
    assert dialog(confirm)[2] == "ConfirmIntent"
    assert message(confirm) == f"{TOMORROW}에 large 피자 3판 주문할까요?"
    done = say(client, "ko_KR", "pizza-ko-1", "네")
    assert dialog(done) == ("OrderPizza", "Fulfilled", "Close")
    assert message(done) == f"large 피자 3판이 {TOMORROW}에 도착합니다."


def test_slots_are_filled_from_the_triggering_utterance(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    answer = say(client, "en_US", "pizza-en-3", "order 4 small pizzas for tomorrow")
    assert dialog(answer) == ("OrderPizza", "InProgress", "ConfirmIntent")
    assert (slot_value(answer, "Size"), slot_value(answer, "Count")) == ("small", "4")


def test_max_retries_then_the_intent_fails(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    say(client, "en_US", "pizza-retry", "I want to order a pizza")
    say(client, "en_US", "pizza-retry", "medium")
    # MaxRetries 2: the prompt is repeated twice, the third miss fails the intent.
    for _ in range(2):
        again = say(client, "en_US", "pizza-retry", "banana")
        assert dialog(again) == ("OrderPizza", "InProgress", "ElicitSlot")
        assert again["sessionState"]["dialogAction"]["slotToElicit"] == "Count"
    failed = say(client, "en_US", "pizza-retry", "banana")
    # No FailureResponse/FailureNextStep: "The fallback intent is invoked when: An intent doesn't
    # recognize the user input as a slot value after the configured number of tries."
    # (https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-fallback.html)
    assert dialog(failed)[0] == "FallbackIntent"


def test_idle_session_expires_after_the_ttl(emulator_client):
    clock = FakeClock()
    client = emulator_client(PIZZA_TEMPLATE, clock=clock)
    say(
        client,
        "en_US",
        "pizza-ttl",
        "I want to order a pizza",
        sessionState={"sessionAttributes": {"marker": "old"}},
    )
    clock.advance(299)
    kept = client.get_session(**ids("en_US", "pizza-ttl"))
    assert_valid_output("GetSession", kept)
    assert kept["sessionState"]["dialogAction"]["slotToElicit"] == "Size"
    assert kept["sessionState"]["sessionAttributes"] == {"marker": "old"}
    clock.advance(301)  # IdleSessionTTLInSeconds is 300, counted from the last turn
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_session(**ids("en_US", "pizza-ttl"))
    fresh = say(client, "en_US", "pizza-ttl", "I want to order a pizza")
    assert "marker" not in fresh["sessionState"].get("sessionAttributes", {})
    assert message(fresh) == "What size would you like?"


def _month_day(i: int) -> tuple[str, str]:
    """A spoken date and its ISO form, one per session, on or after TODAY."""
    day = TODAY + timedelta(days=10 + i)
    return f"{calendar.month_name[day.month]} {day.day}", day.isoformat()


def test_concurrent_sessions_never_see_each_others_slots(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE, pool=64)
    sizes = ["small", "medium", "large"]

    def one(i: int) -> tuple[int, str, str]:
        session = f"conc-{i:03d}"
        spoken, iso = _month_day(i)
        count = str(i + 2)
        confirm = _order_until_confirmation(client, session, sizes[i % 3], count, spoken)
        assert message(confirm) == f"Order {count} {sizes[i % 3]} pizzas for {iso}?"
        done = say(client, "en_US", session, "yes")
        expected = f"Your {count} {sizes[i % 3]} pizzas will arrive on {iso}."
        return i, message(done), expected

    with ThreadPoolExecutor(max_workers=56) as pool:
        results = list(pool.map(one, range(56)))
    leaks = [(i, got, want) for i, got, want in results if got != want]
    assert leaks == []


def test_put_get_delete_session_round_trip(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    state = {
        "sessionAttributes": {"customer": "kim", "visits": "3"},
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Count"},
        "intent": {
            "name": "OrderPizza",
            "state": "InProgress",
            "confirmationState": "None",
            "slots": {
                "Size": {
                    "value": {
                        "originalValue": "medium",
                        "interpretedValue": "medium",
                        "resolvedValues": ["medium"],
                    }
                }
            },
        },
    }
    put = client.put_session(**ids("en_US", "round-trip"), sessionState=state)
    assert_valid_output("PutSession", put)
    put_state = decode_lex_header(put["sessionState"])
    assert put_state["sessionAttributes"] == {"customer": "kim", "visits": "3"}
    assert put_state["intent"]["name"] == "OrderPizza"

    got = client.get_session(**ids("en_US", "round-trip"))
    assert_valid_output("GetSession", got)
    assert got["sessionState"]["sessionAttributes"] == {"customer": "kim", "visits": "3"}
    assert got["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Count"}

    next_turn = say(client, "en_US", "round-trip", "5")
    assert slot_value(next_turn, "Size") == "medium"
    assert slot_value(next_turn, "Count") == "5"
    assert message(next_turn) == "For which day?"
    assert next_turn["sessionState"]["sessionAttributes"]["customer"] == "kim"

    deleted = client.delete_session(**ids("en_US", "round-trip"))
    assert_valid_output("DeleteSession", deleted)
    assert deleted["sessionId"] == "round-trip"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_session(**ids("en_US", "round-trip"))


@pytest.mark.parametrize(
    ("locale", "session_id", "text", "error"),
    [
        ("en_US", "bad id!", "hello", "ValidationException"),
        ("en_US", "x" * 101, "hello", "ValidationException"),
        ("en_US", "ok-session", "x" * 1025, "ValidationException"),
        ("fr_FR", "ok-session", "bonjour", "ResourceNotFoundException"),
    ],
)
def test_bad_requests_raise_modelled_errors(emulator_client, locale, session_id, text, error):
    client = emulator_client(PIZZA_TEMPLATE)
    with pytest.raises(getattr(client.exceptions, error)) as caught:
        client.recognize_text(**ids(locale, session_id), text=text)
    assert caught.value.response["Error"]["Message"]


def test_text_of_exactly_1024_characters_is_accepted(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE)
    answer = say(client, "en_US", "long-text", "pizza " + "a" * 1018)
    assert answer["sessionId"] == "long-text"


def test_today_injection_is_what_dates_resolve_against(emulator_client):
    client = emulator_client(PIZZA_TEMPLATE, today=date(2026, 6, 1))
    answer = say(client, "en_US", "today-1", "order 2 small pizzas for tomorrow")
    assert slot_value(answer, "DeliveryDate") == "2026-06-02"
