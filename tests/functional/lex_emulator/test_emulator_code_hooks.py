"""Code hooks over HTTP: the events the emulator sends, and what a malformed answer turns into."""

from __future__ import annotations

import sys

import pytest

from tests.functional.lex_emulator.conftest import HOOK_TEMPLATE
from tests.functional.lex_emulator.lex_clients import ALIAS_ID, BOT_ID, dialog, message, say
from tests.support.lex_event_rules import assert_valid_event


@pytest.fixture
def recorded_events():
    """The recording hook's event list (the emulator imports it in-process), emptied first."""

    def events():
        module = sys.modules.get("recording_hook")
        return module.EVENTS if module is not None else []

    events().clear()
    yield events
    events().clear()


def test_dialog_and_fulfillment_hooks_get_documented_events(emulator_client, recorded_events):
    client = emulator_client(HOOK_TEMPLATE)
    first = say(client, "en_US", "hook-1", "book a room", requestAttributes={"channel": "web"})
    assert dialog(first) == ("BookRoom", "InProgress", "ElicitSlot")
    assert message(first) == "How many nights?"
    done = say(client, "en_US", "hook-1", "3")
    assert dialog(done) == ("BookRoom", "Fulfilled", "Close")
    assert message(done) == "BookRoom done {'Nights': '3'} / hello from the template"
    attributes = done["sessionState"]["sessionAttributes"]
    assert int(attributes["hookCalls"]) == len(recorded_events())
    assert 0 < int(attributes["remainingMs"]) <= 5000  # the function's Timeout is 5 s

    events = recorded_events()
    sources = [e["invocationSource"] for e in events]
    assert sources[0] == "DialogCodeHook"
    assert sources[-1] == "FulfillmentCodeHook"
    for event in events:
        assert_valid_event(event)
        assert event["sessionId"] == "hook-1"
        assert event["bot"]["localeId"] == "en_US"
        assert event["bot"]["aliasId"] == ALIAS_ID
        assert event["inputMode"] == "Text"
    assert events[0]["inputTranscript"] == "book a room"
    assert events[0]["requestAttributes"] == {"channel": "web"}
    assert events[-1]["inputTranscript"] == "3"
    top = events[-1]["interpretations"][0]
    assert top["intent"]["name"] == "BookRoom"
    assert isinstance(top["nluConfidence"], float | int)
    nights = events[-1]["sessionState"]["intent"]["slots"]["Nights"]
    assert nights["value"]["interpretedValue"] == "3"


def test_fallback_fulfillment_event_is_documented(emulator_client, recorded_events):
    client = emulator_client(HOOK_TEMPLATE)
    answer = say(client, "en_US", "hook-2", "what colour is the sky on mars")
    assert answer["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert message(answer).startswith("FallbackIntent done")
    events = recorded_events()
    assert [e["invocationSource"] for e in events] == ["FulfillmentCodeHook"]
    assert_valid_event(events[0])
    assert events[0]["sessionState"]["intent"]["name"] == "FallbackIntent"


@pytest.mark.parametrize(
    "text",
    [
        "please raise an error",
        "return a string",
        "bogus dialog action",
        "elicit without a slot",
        "nothing useful at all",
        "sleep past the timeout",
    ],
)
def test_malformed_hook_answers_become_dependency_failed(emulator_client, text):
    client = emulator_client(HOOK_TEMPLATE)
    with pytest.raises(client.exceptions.DependencyFailedException) as caught:
        client.recognize_text(
            botId=BOT_ID,
            botAliasId="MALFORMEDA",
            localeId="en_US",
            sessionId="malformed-1",
            text=text,
        )
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert "Traceback" not in error["Error"]["Message"]


def test_the_session_survives_a_failed_hook(emulator_client):
    client = emulator_client(HOOK_TEMPLATE)
    with pytest.raises(client.exceptions.DependencyFailedException):
        client.recognize_text(
            botId=BOT_ID,
            botAliasId="MALFORMEDA",
            localeId="en_US",
            sessionId="malformed-2",
            text="please raise an error",
        )
    answer = say(client, "en_US", "other-session", "book a room")
    assert message(answer) == "How many nights?"
