"""Conformance: input and output contexts (issue 8, item 7) and multi-value slots (item 10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.flow_support import FlowCase, Say, response, slot, to_case
from tests.conformance.harness import ABSENT, ConformanceServers, Turn, case_id, run_case

CONTEXTS = "https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-active-context.html"
OUTPUT = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_OutputContext.html"
ACTIVE = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_ActiveContext.html"
MULTI = "https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html"

OUTPUT_ACTIVE = "An output context becomes active when an associated intent is fulfilled."
INPUT_GATE = (
    "An intent can only be recognized during a conversation when all of its input contexts are "
    "active."
)


def book_car(turns: int = 5, seconds: int = 600) -> dict[str, Any]:
    return {
        "Name": "BookCar",
        "SampleUtterances": [
            {"Utterance": "book a car"},
            {"Utterance": "rent a car"},
            {"Utterance": "I need a rental car"},
        ],
        "Slots": [slot("City", "AMAZON.AlphaNumeric", "Which city?")],
        "SlotPriorities": [{"Priority": 1, "SlotName": "City"}],
        "IntentClosingSetting": {"ClosingResponse": response("Car booked in {City}.")},
        "OutputContexts": [
            {"Name": "bookcarfulfilled", "TimeToLiveInSeconds": seconds, "TurnsToLive": turns}
        ],
    }


def receipt() -> dict[str, Any]:
    return {
        "Name": "SendReceipt",
        "SampleUtterances": [
            {"Utterance": "email me the receipt"},
            {"Utterance": "send the receipt"},
            {"Utterance": "receipt please"},
        ],
        "InputContexts": [{"Name": "bookcarfulfilled"}],
        "IntentClosingSetting": {"ClosingResponse": response("Receipt sent.")},
    }


FALLBACK = {
    "Name": "FallbackIntent",
    "ParentIntentSignature": "AMAZON.FallbackIntent",
    "IntentClosingSetting": {"ClosingResponse": response("Sorry?")},
}
BOOKED = [Say("book a car"), Say("Seattle", {"messages": ["Car booked in Seattle."]})]


def client_context(name: str = "bookcarfulfilled", turns: int = 3) -> dict[str, Any]:
    return {
        "activeContexts": [
            {
                "name": name,
                "timeToLive": {"timeToLiveInSeconds": 300, "turnsToLive": turns},
                "contextAttributes": {"City": "Busan"},
            }
        ]
    }


TOPPINGS = {
    "Name": "Toppings",
    "SlotTypeValues": [{"SampleValue": {"Value": v}} for v in ("pepperoni", "pineapple", "ham")],
}


def pizza(locale: str = "en_US") -> dict[str, Any]:
    return {
        "Name": "OrderPizza",
        "SampleUtterances": [
            {"Utterance": "order a pizza"},
            {"Utterance": "I want a pizza"},
            {"Utterance": "pizza please"},
        ],
        "Slots": [
            {
                **slot("Top", "Toppings", "Which toppings?"),
                "MultipleValuesSetting": {"AllowMultipleValues": True},
            }
        ],
        "SlotPriorities": [{"Priority": 1, "SlotName": "Top"}],
        "IntentClosingSetting": {"ClosingResponse": response("A {Top} pizza.")},
    }


CASES: list[Any] = [
    FlowCase(
        id="context-output-on-fulfilment",
        doc=CONTEXTS,
        sentence=OUTPUT_ACTIVE + " An output context is returned to your application in the "
        "response from the RecognizeText or RecognizeUtterance operation",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            Say("book a car", {"contexts": []}),
            Say(
                "Seattle",
                {
                    "contexts": ["bookcarfulfilled"],
                    "sessionState.activeContexts.0.timeToLive.turnsToLive": 5,
                    "sessionState.activeContexts.0.timeToLive.timeToLiveInSeconds": 600,
                },
            ),
        ],
    ),
    FlowCase(
        id="context-parameters-are-slot-values",
        doc=CONTEXTS,
        sentence="Each context has a list of parameters that are maintained in the session. The "
        "parameters are the slot values for the fulfilled intent.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            Say("book a car"),
            Say("Seattle", {"sessionState.activeContexts.0.contextAttributes.City": "Seattle"}),
        ],
    ),
    FlowCase(
        id="context-input-gates-recognition",
        doc=CONTEXTS,
        sentence=INPUT_GATE,
        intents=[book_car(), receipt(), FALLBACK],
        turns=[Say("email me the receipt", {"intent": "FallbackIntent", "messages": ["Sorry?"]})],
    ),
    FlowCase(
        id="context-input-active-after-fulfilment",
        doc=CONTEXTS,
        sentence=INPUT_GATE,
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            *BOOKED,
            Say("email me the receipt", {"intent": "SendReceipt", "messages": ["Receipt sent."]}),
        ],
    ),
    FlowCase(
        id="context-no-input-contexts-always-eligible",
        doc=CONTEXTS,
        sentence="An intent with no input contexts is always eligible for recognition.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[Say("rent a car", {"intent": "BookCar"})],
    ),
    FlowCase(
        id="context-turns-count-down",
        doc=OUTPUT,
        sentence="turnsToLive – The number of conversation turns that the output context should "
        "remain active. The number of turns is counted from the first time that the context is "
        "sent to the user.",
        intents=[book_car(turns=3), receipt(), FALLBACK],
        turns=[
            *BOOKED,
            Say("hello there", {"sessionState.activeContexts.0.timeToLive.turnsToLive": 2}),
            Say("hello again", {"sessionState.activeContexts.0.timeToLive.turnsToLive": 1}),
            Say("and again", {"contexts": []}),
        ],
        note="The guide does not say which count responses show; they show the turns left.",
    ),
    FlowCase(
        id="context-expires-by-turns",
        doc=CONTEXTS,
        sentence="After a context is activated, it stays active for the number of turns or time "
        "limit configured when the context was defined.",
        intents=[book_car(turns=1), receipt(), FALLBACK],
        turns=[*BOOKED, Say("hmm"), Say("email me the receipt", {"intent": "FallbackIntent"})],
    ),
    FlowCase(
        id="context-turns-to-live-one-next-turn",
        doc=OUTPUT,
        sentence="The number of turns is counted from the first time that the context is sent to "
        "the user.",
        intents=[book_car(turns=1), receipt(), FALLBACK],
        turns=[*BOOKED, Say("email me the receipt", {"intent": "SendReceipt", "contexts": []})],
    ),
    FlowCase(
        id="context-expires-by-time",
        doc=OUTPUT,
        sentence="timeToLiveInSeconds – The amount of time, in seconds, that the output context "
        "should remain active. The time is figured from the first time the context is sent to "
        "the user.",
        intents=[book_car(turns=20, seconds=60), receipt(), FALLBACK],
        turns=[*BOOKED, Say("email me the receipt", {"intent": "FallbackIntent"}, advance=61)],
    ),
    FlowCase(
        id="context-alive-before-time",
        doc=OUTPUT,
        sentence="timeToLiveInSeconds – The amount of time, in seconds, that the output context "
        "should remain active.",
        intents=[book_car(turns=20, seconds=60), receipt(), FALLBACK],
        turns=[*BOOKED, Say("email me the receipt", {"intent": "SendReceipt"}, advance=59)],
    ),
    FlowCase(
        id="context-set-by-client",
        doc=CONTEXTS,
        sentence="You can also set active contexts in a call to the RecognizeText or "
        "RecognizeUtterance operation.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[Say("email me the receipt", {"intent": "SendReceipt"}, state=client_context())],
    ),
    FlowCase(
        id="context-empty-list-clears",
        doc=ACTIVE,
        sentence="If you specify an empty list, all contexts for the session are cleared.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            *BOOKED,
            Say(
                "email me the receipt",
                {"intent": "FallbackIntent", "contexts": []},
                state={"activeContexts": []},
            ),
        ],
    ),
    FlowCase(
        id="context-kept-when-not-given",
        doc=ACTIVE,
        sentence="If you don't specify a list of contexts, Amazon Lex V2 will use the current list "
        "of contexts for the session.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            *BOOKED,
            Say(
                "email me the receipt",
                {"intent": "SendReceipt"},
                state={"sessionAttributes": {"x": "y"}},
            ),
        ],
    ),
    FlowCase(
        id="context-bad-client-context",
        doc=ACTIVE,
        sentence="name – The name of the context. ... Pattern: ^([A-Za-z0-9]_?)+$",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            Say("hello", {"error": "ValidationException"}, state=client_context(name="bad name!"))
        ],
    ),
    FlowCase(
        id="context-ko-refused-at-load",
        doc=CONTEXTS,
        sentence="You can only use context in the English (US) (en-US) locale.",
        locale="ko_KR",
        intents=[{**receipt(), "SampleUtterances": [{"Utterance": "영수증 보내 줘"}]}],
        turns=[],
        load_error="you can only use context in the English (US) (en-US) locale",
    ),
    # ------------------------------------------------------------------- multi-value slots
    FlowCase(
        id="multi-value-list-shape",
        doc=MULTI,
        sentence="For a multi-value slot, Amazon Lex V2 returns a list of slot values in the "
        "response to the RecognizeText or RecognizeUtterance operation.",
        intents=[pizza()],
        slot_types=[TOPPINGS],
        turns=[
            Say("order a pizza"),
            Say(
                "pepperoni and pineapple",
                {
                    "shape.Top": ("List", 2),
                    "sessionState.intent.slots.Top.values.0.value.interpretedValue": "pepperoni",
                    "sessionState.intent.slots.Top.values.1.value.interpretedValue": "pineapple",
                    "sessionState.intent.slots.Top.value.interpretedValue": "pepperoni and pineapple",
                },
            ),
        ],
    ),
    FlowCase(
        id="multi-value-comma-separated",
        doc=MULTI,
        sentence="Amazon Lex V2 recognizes multiple values separated by spaces, commas (,), and the "
        'conjunction "and".',
        intents=[pizza()],
        slot_types=[TOPPINGS],
        turns=[Say("order a pizza"), Say("ham, pepperoni, pineapple", {"shape.Top": ("List", 3)})],
    ),
    FlowCase(
        id="multi-value-single-value-is-a-list",
        doc=MULTI,
        sentence="A multi-value slot always returns a list of values. When the utterance contains "
        "only one value, the list of values returned contains only one response.",
        intents=[pizza()],
        slot_types=[TOPPINGS],
        turns=[Say("order a pizza"), Say("ham", {"shape.Top": ("List", 1)})],
    ),
    FlowCase(
        id="multi-value-in-prompts",
        doc=MULTI,
        sentence="You can use multi-valued slots in prompts.",
        intents=[pizza()],
        slot_types=[TOPPINGS],
        turns=[
            Say("order a pizza"),
            Say("ham and pineapple", {"messages": ["A ham and pineapple pizza."]}),
        ],
    ),
    FlowCase(
        id="multi-value-ko-refused-at-load",
        doc=MULTI,
        sentence="Multiple value slots are only supported in the English (US) language.",
        locale="ko_KR",
        intents=[{**pizza(), "SampleUtterances": [{"Utterance": "피자 주문"}]}],
        slot_types=[TOPPINGS],
        turns=[],
        load_error="multi-value slots are only available in the en-US locale",
    ),
    FlowCase(
        id="multi-value-built-in-type-refused",
        doc=MULTI,
        sentence="You can only mark slots with custom slot types as multi-value slots.",
        intents=[
            {
                **pizza(),
                "Slots": [
                    {
                        **slot("Top", "AMAZON.AlphaNumeric", "Which?"),
                        "MultipleValuesSetting": {"AllowMultipleValues": True},
                    }
                ],
            }
        ],
        turns=[],
        load_error="only slots with custom slot types can be multi-value slots",
    ),
]

CASES += [
    FlowCase(
        id="context-in-get-session",
        doc=ACTIVE,
        sentence="Contains information about the contexts that a user is using in a session.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            *BOOKED,
            Turn(
                op="get_session",
                expect={
                    "sessionState.activeContexts.0.name": "bookcarfulfilled",
                    "sessionState.activeContexts.1": ABSENT,
                },
            ),
        ],
    ),
    FlowCase(
        id="context-set-by-put-session",
        doc=ACTIVE,
        sentence="You can configure Amazon Lex V2 to set a context when an intent is fulfilled, or "
        "you can set a context using the PutSession, RecognizeText, or RecognizeUtterance "
        "operations.",
        intents=[book_car(), receipt(), FALLBACK],
        turns=[
            # PutSession answers sessionState as a compressed header: checked by the next turn
            Turn(op="put_session", params={"sessionState": client_context()}),
            Say("email me the receipt", {"intent": "SendReceipt"}),
        ],
    ),
]

CASES = [to_case(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Any) -> None:
    run_case(conformance, case)
