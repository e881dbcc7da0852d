"""LexEvent: read-only properties over the raw Lex V2 code-hook event."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from llm_fallback.event import LexEvent


def test_reads_a_fallback_event(load_event: Any) -> None:
    raw = load_event("lexV2FallbackKo")
    event = LexEvent(raw)
    assert event.message_version == "1.0"
    assert event.invocation_source == "FulfillmentCodeHook"
    assert event.input_mode == "Text"
    assert event.input_transcript == raw["inputTranscript"]
    assert event.locale_id == "ko_KR"
    assert event.session_id == raw["sessionId"]
    assert event.intent_name == "FallbackIntent"
    assert event.intent_state == "ReadyForFulfillment"
    assert event.intent_confirmation_state == "None"
    assert event.slots == {}
    assert event.bot_id == raw["bot"]["id"]
    assert event.bot_name == raw["bot"]["name"]
    assert event.bot_alias_id == "TSTALIASID"
    assert event.bot_version == "DRAFT"
    assert "llmHistory" in event.session_attributes
    assert event.transcriptions == [(raw["inputTranscript"], 1.0)]


def test_request_attributes_and_confidence(load_event: Any) -> None:
    event = LexEvent(load_event("lexV2UnknownIntent"))
    assert event.intent_name == "OrderPizza"
    assert event.nlu_confidence == pytest.approx(0.88)
    assert [i.intent_name for i in event.interpretations] == ["OrderPizza", "HelloWorld"]
    assert event.slots["Size"]["value"]["interpretedValue"] == "large"
    assert LexEvent(load_event("lexV2FallbackEn")).request_attributes == {
        "x-amz-lex:channels:platform": "web"
    }


@pytest.mark.parametrize("confidence", [0.75, {"score": 0.75}])
def test_nlu_confidence_bare_number_or_score_object(confidence: Any) -> None:
    raw = {
        "sessionState": {"intent": {"name": "HelloWorld"}},
        "interpretations": [{"intent": {"name": "HelloWorld"}, "nluConfidence": confidence}],
    }
    assert LexEvent(raw).nlu_confidence == pytest.approx(0.75)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "text",
        {},
        {"bot": "x", "sessionState": [], "interpretations": {}, "transcriptions": "x"},
        {"sessionState": {"intent": {"name": 5, "slots": [], "state": None}}},
        {"sessionState": {"sessionAttributes": {"a": 1, "b": "ok"}}, "requestAttributes": None},
        {"interpretations": [None, {"nluConfidence": True}], "inputTranscript": 42},
    ],
)
def test_tolerates_missing_and_malformed_fields(raw: Any) -> None:
    event = LexEvent(raw)
    assert event.intent_name == ""
    assert event.input_transcript == ""
    assert event.locale_id == ""
    assert event.slots == {}
    assert event.nlu_confidence is None
    assert event.request_attributes == {}
    assert all(isinstance(v, str) for v in event.session_attributes.values())
    assert isinstance(event.transcriptions, list)
    assert event.intent_confirmation_state == "None"


def test_unknown_fields_are_ignored(load_event: Any) -> None:
    raw = load_event("lexV2FallbackEn")
    raw["brandNewField"] = {"anything": [1, 2]}
    raw["sessionState"]["futureThing"] = True
    assert LexEvent(raw).intent_name == "FallbackIntent"


def test_session_attributes_are_a_copy(load_event: Any) -> None:
    raw = load_event("lexV2DialogCodeHook")
    before = copy.deepcopy(raw)
    event = LexEvent(raw)
    event.session_attributes["userTier"] = "changed"
    event.slots["FirstName"] = {"x": 1}
    assert raw == before
