"""Code hooks: the event Lex sends, the context, and what happens with good and bad answers."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from lex_emulator import LexEmulator
from lex_emulator.cfn_template import FunctionSpec
from lex_emulator.code_hook import LambdaContext, validate_response
from lex_emulator.errors import DependencyFailedException
from tests.unit.lex_emulator.emulator_support import (
    TEMPLATES,
    FakeSlotFiller,
    KeywordClassifier,
    assert_valid_output,
)

BOT = "HOOKBOTXXX"


@pytest.fixture
def emu():
    """The hook test bot; each alias wires a different handler."""
    return LexEmulator.from_template(
        TEMPLATES / "hooks.yaml",
        today=dt.date(2026, 1, 1),
        classifier_factory=KeywordClassifier,
        slot_filler=FakeSlotFiller(),
        hook_timeout_seconds=0.5,
    )


def say(emu, text, alias="TSTALIASID", session="s-1", **kwargs):
    response = emu.recognize_text(
        bot_id=BOT, bot_alias_id=alias, locale_id="en_US", session_id=session, text=text, **kwargs
    )
    assert_valid_output("RecognizeText", response)
    return response


def test_fallback_fulfilment_hook_answers_and_its_attributes_flow_back(emu):
    assert "EMULATOR_TEST_GREETING" not in os.environ
    reply = say(emu, "tell me a joke", session_state={"sessionAttributes": {"keep": "me"}})
    assert reply["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert reply["sessionState"]["intent"]["state"] == "Fulfilled"
    assert reply["sessionState"]["dialogAction"] == {"type": "Close"}
    assert [m["content"] for m in reply["messages"]] == ["hook: tell me a joke"]
    attributes = reply["sessionState"]["sessionAttributes"]
    assert attributes["keep"] == "me" and attributes["calls"] == "1"
    summary = json.loads(attributes["summary"])
    assert summary == {
        "invocationSource": "FulfillmentCodeHook",
        "intent": "FallbackIntent",
        "greeting": "hello from the template",
        "remaining_ms": summary["remaining_ms"],
        "function_name": "GoodFunction",
    }
    assert 0 < summary["remaining_ms"] <= 500
    assert "EMULATOR_TEST_GREETING" not in os.environ  # restored after the call
    again = say(emu, "another joke")
    assert again["sessionState"]["sessionAttributes"]["calls"] == "2"


def test_the_event_has_every_documented_field(emu):
    reply = say(emu, "tell me a joke", request_attributes={"channel": "web"})
    event = json.loads(reply["sessionState"]["sessionAttributes"]["event"])
    assert event["messageVersion"] == "1.0"
    assert event["invocationSource"] == "FulfillmentCodeHook"
    assert event["inputMode"] == "Text"
    assert event["responseContentType"] == "text/plain; charset=utf-8"
    assert event["sessionId"] == "s-1"
    assert event["inputTranscript"] == "tell me a joke"
    assert event["bot"] == {
        "id": BOT,
        "name": "hooks",
        "aliasId": "TSTALIASID",
        "aliasName": "TestBotAlias",
        "localeId": "en_US",
        "version": "DRAFT",
    }
    assert event["requestAttributes"] == {"channel": "web"}
    assert event["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert event["sessionState"]["intent"]["state"] == "ReadyForFulfillment"
    assert event["transcriptions"][0]["transcription"] == "tell me a joke"
    for interpretation in event["interpretations"]:
        assert interpretation["interpretationSource"] == "Lex"
        if "nluConfidence" in interpretation:
            assert isinstance(interpretation["nluConfidence"], float)  # bare number
    assert event["interpretations"][0]["intent"]["name"] == "FallbackIntent"
    assert "proposedNextState" not in event  # fulfilment has none


@pytest.mark.parametrize(
    ("alias", "needle"),
    [
        ("MALFORMEDA", "Invalid Lambda Response"),
        ("RAISINGALI", "the handler broke"),
        ("SLOWALIASX", "timed out"),
    ],
)
def test_bad_hooks_become_dependency_failed(emu, alias, needle):
    with pytest.raises(DependencyFailedException) as info:
        emu.recognize_text(
            bot_id=BOT, bot_alias_id=alias, locale_id="en_US", session_id="s-1", text="joke"
        )
    assert info.value.status == 424 and info.value.code == "DependencyFailedException"
    assert needle in info.value.message


def test_dialog_hook_runs_every_turn_then_fulfilment_closes_with_closing_response(emu):
    first = say(emu, "book a room", alias="DIALOGALIA")
    attributes = first["sessionState"]["sessionAttributes"]
    assert attributes["dialog_calls"] == "1"
    proposed = json.loads(attributes["last_proposed"])
    assert proposed["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Nights"}
    assert proposed["prompt"] == {"attempt": "Initial"}
    assert [m["content"] for m in first["messages"]] == ["How many nights?"]
    retry = say(emu, "soon", alias="DIALOGALIA")
    assert retry["sessionState"]["sessionAttributes"]["dialog_calls"] == "2"
    assert json.loads(retry["sessionState"]["sessionAttributes"]["last_proposed"])["prompt"] == {
        "attempt": "Retry1"
    }
    done = say(emu, "3 nights", alias="DIALOGALIA")
    attributes = done["sessionState"]["sessionAttributes"]
    assert attributes["dialog_calls"] == "3" and attributes["fulfil_calls"] == "1"
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert [m["content"] for m in done["messages"]] == ["Booked 3 nights."]


def test_fulfilment_hook_can_elicit_a_slot_again(emu):
    reply = say(emu, "book a room for 99 nights", alias="DIALOGALIA")
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Nights"}
    assert reply["sessionState"]["intent"]["state"] == "InProgress"
    assert [m["content"] for m in reply["messages"]] == ["Too many; how many nights?"]
    done = say(emu, "2", alias="DIALOGALIA")
    assert [m["content"] for m in done["messages"]] == ["Booked 2 nights."]


def test_lambda_context_counts_down_on_the_injected_clock():
    now = [100.0]
    spec = FunctionSpec("Fn", TEMPLATES, "m.h")
    context = LambdaContext(spec, timeout_seconds=30, clock=lambda: now[0])
    assert context.get_remaining_time_in_millis() == 30_000
    now[0] += 12.5
    assert context.get_remaining_time_in_millis() == 17_500
    now[0] += 100
    assert context.get_remaining_time_in_millis() == 0
    assert context.function_name == "Fn"
    assert context.invoked_function_arn.endswith(":function:Fn")
    assert context.aws_request_id and context.log_group_name == "/aws/lambda/Fn"


CLOSE = {"sessionState": {"dialogAction": {"type": "Close"}}}


@pytest.mark.parametrize(
    "response",
    [
        None,
        "text",
        {},
        {"sessionState": {"dialogAction": {}}},
        {"sessionState": {"dialogAction": {"type": "Bogus"}}},
        {"sessionState": {"dialogAction": {"type": "ElicitSlot"}, "intent": {"name": "I"}}},
        {"sessionState": {"dialogAction": {"type": "Delegate"}}},
        {"sessionState": {"dialogAction": {"type": "ElicitIntent"}}},
        {**CLOSE, "messages": [{"contentType": "Text", "content": "x"}]},
        {**CLOSE, "messages": [{"contentType": "PlainText"}]},
        {**CLOSE, "messages": "hello"},
        {"sessionState": {"dialogAction": {"type": "Close"}, "sessionAttributes": {"a": 1}}},
        {"sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "I"}}},
        {
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": {"name": "I", "state": "Fulfilled", "slots": {"S": {"value": "x"}}},
            }
        },
    ],
)
def test_invalid_responses_are_refused(response):
    with pytest.raises(DependencyFailedException):
        validate_response(response)


@pytest.mark.parametrize(
    "response",
    [
        CLOSE,
        {**CLOSE, "messages": [{"contentType": "PlainText", "content": "hi"}]},
        {
            "sessionState": {
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "S"},
                "intent": {"name": "I", "slots": {"S": None}},
            }
        },
        {
            "sessionState": {"dialogAction": {"type": "ElicitIntent"}},
            "messages": [{"contentType": "PlainText", "content": "What else?"}],
        },
    ],
)
def test_valid_responses_pass(response):
    assert validate_response(response) is response


def test_a_failed_turn_leaves_the_conversation_as_it_was(emu):
    say(emu, "book a room", alias="DIALOGALIA")
    with pytest.raises(DependencyFailedException, match="boom"):
        say(emu, "explode", alias="DIALOGALIA")
    kept = emu.get_session(
        bot_id=BOT, bot_alias_id="DIALOGALIA", locale_id="en_US", session_id="s-1"
    )
    assert kept["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Nights"}
    assert kept["sessionState"]["sessionAttributes"]["dialog_calls"] == "1"
    done = say(emu, "2", alias="DIALOGALIA")
    assert [m["content"] for m in done["messages"]] == ["Booked 2 nights."]
