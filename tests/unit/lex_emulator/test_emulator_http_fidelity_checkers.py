"""The fidelity checkers themselves must catch what they claim to catch."""

from __future__ import annotations

import copy

import pytest

from tests.support.botocore_shapes import output_problems
from tests.support.lex_event_rules import event_problems

GOOD_RESPONSE = {
    "sessionId": "abc-1",
    "messages": [{"contentType": "PlainText", "content": "What is your name?"}],
    "sessionState": {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "FirstName"},
        "intent": {
            "name": "HelloWorld",
            "slots": {"FirstName": None},
            "state": "InProgress",
            "confirmationState": "None",
        },
        "sessionAttributes": {},
    },
    "interpretations": [
        {
            "intent": {"name": "HelloWorld", "slots": {}, "state": "InProgress"},
            "nluConfidence": {"score": 0.93},
            "interpretationSource": "Lex",
        },
        {"intent": {"name": "FallbackIntent", "slots": {}}},
    ],
    "ResponseMetadata": {"HTTPStatusCode": 200},
}

GOOD_EVENT = {
    "messageVersion": "1.0",
    "invocationSource": "FulfillmentCodeHook",
    "inputMode": "Text",
    "responseContentType": "text/plain; charset=utf-8",
    "sessionId": "abc-1",
    "inputTranscript": "what is the weather",
    "invocationLabel": "",
    "bot": {
        "id": "LOCALBOTID",
        "name": "local-chatbot",
        "localeId": "en_US",
        "version": "DRAFT",
        "aliasId": "TSTALIASID",
        "aliasName": "TestBotAlias",
    },
    "interpretations": [
        {
            "intent": {
                "name": "FallbackIntent",
                "slots": {},
                "state": "ReadyForFulfillment",
                "confirmationState": "None",
            },
            "interpretationSource": "Lex",
        },
        {
            "intent": {
                "name": "HelloWorld",
                "slots": {"FirstName": None},
                "state": "ReadyForFulfillment",
                "confirmationState": "None",
            },
            "nluConfidence": 0.12,
            "interpretationSource": "Lex",
        },
    ],
    "proposedNextState": {"dialogAction": {"type": "Close"}},
    "requestAttributes": {},
    "sessionState": {
        "sessionAttributes": {"llmHistory": "[]"},
        "activeContexts": [],
        "originatingRequestId": "11111111-2222-3333-4444-555555555555",
        "intent": {
            "name": "FallbackIntent",
            "slots": {},
            "state": "ReadyForFulfillment",
            "confirmationState": "None",
        },
    },
    "transcriptions": [],
}


def test_a_real_shaped_response_passes():
    assert output_problems("RecognizeText", GOOD_RESPONSE) == []


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda r: r.update(extra=1), "unknown member 'extra'"),
        (lambda r: r["messages"][0].pop("contentType"), "missing required member 'contentType'"),
        (lambda r: r["messages"][0].update(contentType="Text"), "is not one of"),
        (lambda r: r["interpretations"][0].update(nluConfidence=0.9), "expected object"),
        (lambda r: r["sessionState"]["intent"].update(state="Done"), "is not one of"),
        (lambda r: r.update(sessionId="a"), "min 2"),
        (lambda r: r.update(sessionId="bad id!"), "does not match"),
        (lambda r: r["messages"][0].update(content=""), "min 1"),
        (lambda r: r["sessionState"]["sessionAttributes"].update(k=3), "expected string"),
        (lambda r: r.update(messages=[r["messages"][0]] * 11), "max 10"),
    ],
)
def test_response_departures_are_caught(mutate, fragment):
    response = copy.deepcopy(GOOD_RESPONSE)
    mutate(response)
    problems = output_problems("RecognizeText", response)
    assert any(fragment in p for p in problems), problems


def test_a_documented_event_passes():
    assert event_problems(GOOD_EVENT) == []


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda e: e.pop("bot"), "missing 'bot'"),
        (lambda e: e.update(inputMode="Keyboard"), "is not one of"),
        (lambda e: e["interpretations"][1].update(nluConfidence={"score": 0.1}), "bare number"),
        (lambda e: e["sessionState"].pop("intent"), "missing 'intent'"),
        (lambda e: e["sessionState"]["intent"].pop("slots"), "missing 'slots'"),
        (lambda e: e.update(messageVersion="2.0"), "messageVersion"),
        (lambda e: e.update(invented=True), "'invented' is not in the Lex V2 docs"),
        (lambda e: e["bot"].pop("aliasName"), "missing 'aliasName'"),
        (
            lambda e: e["sessionState"]["intent"]["slots"].update(X={"value": {"a": 1}}),
            "originalValue",
        ),
        (lambda e: e.update(interpretations=[]), "non-empty list"),
        (lambda e: e["sessionState"].update(sessionAttributes={"n": 1}), "expected string"),
    ],
)
def test_event_departures_are_caught(mutate, fragment):
    event = copy.deepcopy(GOOD_EVENT)
    mutate(event)
    problems = event_problems(event)
    assert any(fragment in p for p in problems), problems
