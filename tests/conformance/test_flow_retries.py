"""Conformance: retries and failure (issue 8, item 4) and slot default values (item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.flow_support import (
    FlowCase,
    Say,
    conditional,
    prompt,
    response,
    slot,
    step,
    to_case,
)
from tests.conformance.harness import ConformanceServers, case_id, run_case

FALLBACK = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-fallback.html"
CAPTURE = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotCaptureSetting.html"
CONFIRM = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentConfirmationSetting.html"
PROMPT = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_PromptSpecification.html"
DEFAULTS = "https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-default.html"

SLOT_TRIES = (
    "The fallback intent is invoked when: An intent doesn't recognize the user input as a slot "
    "value after the configured number of tries."
)
CONFIRM_TRIES = (
    "The fallback intent is invoked when: ... An intent doesn't recognize the user input as a "
    "response to a confirmation prompt after the configured number of tries."
)
DEFAULT_ORDER = "Default values are used in the order that they are listed."
NOT_ELICITED = (
    "If a default value is used for the slot, the slot is not elicited even if it is required."
)
UTTER = {
    "en_US": ["order flowers", "I want to order flowers", "send some flowers"],
    "ko_KR": ["꽃 주문", "꽃을 주문하고 싶어요", "꽃 배달해 줘"],
}
Q = {"en_US": "How many roses?", "ko_KR": "장미 몇 송이요?"}
FALLBACK_INTENT = {
    "Name": "FallbackIntent",
    "ParentIntentSignature": "AMAZON.FallbackIntent",
    "IntentClosingSetting": {"ClosingResponse": response("Fallback here.")},
}
FALLBACK_KO = {
    "Name": "FallbackIntent",
    "ParentIntentSignature": "AMAZON.FallbackIntent",
    "IntentClosingSetting": {"ClosingResponse": response("잘 모르겠어요.")},
}


def flowers(
    locale: str = "en_US",
    *,
    retries: int = 1,
    capture: dict[str, Any] | None = None,
    defaults: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    elicitation: dict[str, Any] = {}
    if capture is not None:
        elicitation["SlotCaptureSetting"] = capture
    if defaults is not None:
        elicitation["DefaultValueSpecification"] = {
            "DefaultValueList": [{"DefaultValue": d} for d in defaults]
        }
    out: dict[str, Any] = {
        "Name": "OrderFlowers",
        "SampleUtterances": [{"Utterance": u} for u in UTTER[locale]]
        + [{"Utterance": "order {Roses} roses" if locale == "en_US" else "장미 {Roses} 송이 주문"}],
        "Slots": [slot("Roses", "AMAZON.Number", Q[locale], retries=retries, **elicitation)],
        "SlotPriorities": [{"Priority": 1, "SlotName": "Roses"}],
        "IntentClosingSetting": {
            "ClosingResponse": response(
                "Ordered {Roses}." if locale == "en_US" else "{Roses}송이 주문했어요."
            )
        },
    }
    out.update(extra)
    return out


def confirm(locale: str = "en_US", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "PromptSpecification": prompt(
            "Order them?" if locale == "en_US" else "주문할까요?", retries=1
        ),
        "DeclinationResponse": response(
            "Okay, not ordering." if locale == "en_US" else "주문하지 않을게요."
        ),
    }
    out.update(extra)
    return out


EN, KO = UTTER["en_US"][0], UTTER["ko_KR"][0]

CASES: list[Any] = [
    FlowCase(
        id="retry-reprompt-then-fallback",
        doc=FALLBACK,
        sentence=SLOT_TRIES,
        intents=[flowers(retries=2), FALLBACK_INTENT],
        turns=[
            Say(EN, {"slot_to_elicit": "Roses"}),
            Say("banana", {"messages": ["How many roses?"], "slot_to_elicit": "Roses"}),
            Say("banana", {"messages": ["How many roses?"]}),
            Say(
                "banana",
                {"intent": "FallbackIntent", "messages": ["Fallback here."], "action": "Close"},
            ),
        ],
    ),
    FlowCase(
        id="retry-max-retries-zero",
        doc=PROMPT,
        sentence="maxRetries – The maximum number of times the bot tries to elicit a response from "
        "the user using this prompt.",
        intents=[flowers(retries=0), FALLBACK_INTENT],
        turns=[Say(EN), Say("banana", {"intent": "FallbackIntent"})],
    ),
    FlowCase(
        id="retry-slot-failure-response-and-next-step",
        doc=CAPTURE,
        sentence="failureNextStep – Specifies the next step that the bot runs when the slot value "
        "code is not recognized.",
        intents=[
            flowers(
                capture={
                    "FailureResponse": response("Let's try something else."),
                    "FailureNextStep": step("ElicitIntent"),
                }
            ),
            FALLBACK_INTENT,
        ],
        turns=[
            Say(EN),
            Say("banana"),
            Say(
                "banana",
                {
                    "messages": ["Let's try something else."],
                    "action": "ElicitIntent",
                    "intent": "OrderFlowers",
                    "state": "Failed",
                },
            ),
        ],
    ),
    FlowCase(
        id="retry-slot-failure-start-intent",
        doc=CAPTURE,
        sentence="failureNextStep – Specifies the next step that the bot runs when the slot value "
        "code is not recognized.",
        intents=[
            flowers(capture={"FailureNextStep": step("StartIntent", intent="Help")}),
            {
                "Name": "Help",
                "SampleUtterances": [{"Utterance": "help me"}],
                "IntentClosingSetting": {"ClosingResponse": response("Here is some help.")},
            },
        ],
        turns=[
            Say(EN),
            Say("banana"),
            Say(
                "banana",
                {"intent": "Help", "messages": ["Here is some help."], "state": "Fulfilled"},
            ),
        ],
    ),
    FlowCase(
        id="retry-slot-failure-conditional",
        doc=CAPTURE,
        sentence="failureConditional – A list of conditional branches to evaluate when the slot "
        "value isn't captured.",
        intents=[
            flowers(
                capture={
                    "FailureConditional": conditional(
                        [
                            (
                                "web",
                                '[channel] = "web"',
                                "Please use the form.",
                                step("EndConversation"),
                            )
                        ],
                        ("Call us.", step("EndConversation")),
                    )
                }
            )
        ],
        turns=[
            Say(EN, state={"sessionAttributes": {"channel": "web"}}),
            Say("banana"),
            Say(
                "banana",
                {"messages": ["Please use the form."], "action": "Close", "state": "Failed"},
            ),
        ],
    ),
    FlowCase(
        id="retry-slot-failure-response-only",
        doc=CAPTURE,
        sentence="failureResponse – Specifies a list of message groups that Amazon Lex uses to "
        "respond the user input.",
        intents=[flowers(capture={"FailureResponse": response("Sorry, giving up.")})],
        turns=[
            Say(EN),
            Say("banana"),
            Say(
                "banana", {"messages": ["Sorry, giving up."], "action": "Close", "state": "Failed"}
            ),
        ],
        note="With a FailureResponse and no FailureNextStep the guide is silent; the conversation "
        "ends with the intent Failed.",
    ),
    FlowCase(
        id="retry-confirmation-then-fallback",
        doc=FALLBACK,
        sentence=CONFIRM_TRIES,
        intents=[flowers(IntentConfirmationSetting=confirm()), FALLBACK_INTENT],
        turns=[
            Say(EN),
            Say("5", {"action": "ConfirmIntent"}),
            Say("purple", {"action": "ConfirmIntent", "messages": ["Order them?"]}),
            Say("purple", {"intent": "FallbackIntent", "messages": ["Fallback here."]}),
        ],
    ),
    FlowCase(
        id="retry-confirmation-failure-response",
        doc=CONFIRM,
        sentence=CONFIRM_TRIES,
        note="The confirmation's FailureResponse/FailureNextStep, when set, replace the "
        "FallbackIntent (the API lists them; the guide does not state the precedence).",
        intents=[
            flowers(
                IntentConfirmationSetting=confirm(
                    FailureResponse=response("I could not tell."),
                    FailureNextStep=step("ElicitIntent"),
                )
            ),
            FALLBACK_INTENT,
        ],
        turns=[
            Say(EN),
            Say("5"),
            Say("purple"),
            Say("purple", {"messages": ["I could not tell."], "action": "ElicitIntent"}),
        ],
    ),
    FlowCase(
        id="retry-success-resets-attempts",
        doc=PROMPT,
        sentence="maxRetries – The maximum number of times the bot tries to elicit a response from "
        "the user using this prompt.",
        intents=[flowers(retries=1), FALLBACK_INTENT],
        turns=[
            Say(EN),
            Say("banana", {"slot_to_elicit": "Roses"}),
            Say("3", {"state": "Fulfilled", "messages": ["Ordered 3."]}),
        ],
    ),
    FlowCase(
        id="retry-ko-fallback",
        doc=FALLBACK,
        sentence=SLOT_TRIES,
        locale="ko_KR",
        intents=[flowers("ko_KR"), FALLBACK_KO],
        turns=[
            Say(KO, {"messages": ["장미 몇 송이요?"]}),
            Say("바나나", {"messages": ["장미 몇 송이요?"]}),
            Say("바나나", {"intent": "FallbackIntent", "messages": ["잘 모르겠어요."]}),
        ],
    ),
    FlowCase(
        id="retry-ko-failure-response",
        doc=CAPTURE,
        sentence="failureNextStep – Specifies the next step that the bot runs when the slot value "
        "code is not recognized.",
        locale="ko_KR",
        intents=[
            flowers(
                "ko_KR",
                capture={
                    "FailureResponse": response("다음에 다시 시도해 주세요."),
                    "FailureNextStep": step("EndConversation"),
                },
            )
        ],
        turns=[
            Say(KO),
            Say("바나나"),
            Say("바나나", {"messages": ["다음에 다시 시도해 주세요."], "state": "Failed"}),
        ],
    ),
    FlowCase(
        id="retry-ko-confirmation-fallback",
        doc=FALLBACK,
        sentence=CONFIRM_TRIES,
        locale="ko_KR",
        intents=[flowers("ko_KR", IntentConfirmationSetting=confirm("ko_KR")), FALLBACK_KO],
        turns=[
            Say(KO),
            Say("5", {"action": "ConfirmIntent"}),
            Say("글쎄"),
            Say("글쎄", {"intent": "FallbackIntent"}),
        ],
    ),
    # -------------------------------------------------------------------------- defaults
    FlowCase(
        id="default-fixed-value",
        doc=DEFAULTS,
        sentence="Fixed value – Any value that doesn't match the previous. ... " + NOT_ELICITED,
        intents=[flowers(defaults=["12"])],
        turns=[Say(EN, {"slot.Roses": "12", "state": "Fulfilled", "messages": ["Ordered 12."]})],
    ),
    FlowCase(
        id="default-session-attribute",
        doc=DEFAULTS,
        sentence="Session attributes – [attribute-name]",
        intents=[flowers(defaults=["[usual]"])],
        turns=[Say(EN, {"slot.Roses": "6"}, state={"sessionAttributes": {"usual": "6"}})],
    ),
    FlowCase(
        id="default-request-attribute",
        doc=DEFAULTS,
        sentence="Request attributes – <attribute-name>",
        intents=[flowers(defaults=["<count>"])],
        turns=[Say(EN, {"slot.Roses": "9"}, request_attributes={"count": "9"})],
    ),
    FlowCase(
        id="default-context-parameter",
        doc=DEFAULTS,
        sentence='If the "book-car-fulfilled" context is active, the value of the "startDate" '
        "parameter is used as the default value.",
        intents=[flowers(defaults=["#lastorder.Roses", "3"])],
        turns=[
            Say(
                EN,
                {"slot.Roses": "24"},
                state={
                    "activeContexts": [
                        {
                            "name": "lastorder",
                            "timeToLive": {"timeToLiveInSeconds": 600, "turnsToLive": 5},
                            "contextAttributes": {"Roses": "24"},
                        }
                    ]
                },
            )
        ],
    ),
    FlowCase(
        id="default-order-first-available",
        doc=DEFAULTS,
        sentence='If the "book-car-fulfilled" context is not active, or if the "startDate" '
        'parameter is not set, the value of the "reservationStartDate" session attribute is '
        "used as the default value.",
        intents=[flowers(defaults=["#lastorder.Roses", "[usual]", "1"])],
        turns=[Say(EN, {"slot.Roses": "7"}, state={"sessionAttributes": {"usual": "7"}})],
    ),
    FlowCase(
        id="default-order-fixed-last",
        doc=DEFAULTS,
        sentence=DEFAULT_ORDER,
        intents=[flowers(defaults=["[usual]", "<count>", "1"])],
        turns=[Say(EN, {"slot.Roses": "1"})],
    ),
    FlowCase(
        id="default-none-available-elicits",
        doc=DEFAULTS,
        sentence="If neither of the first two default values are used, then the slot doesn't have a "
        "default value and Amazon Lex V2 will elicit a value as usual.",
        intents=[flowers(defaults=["#lastorder.Roses", "[usual]"])],
        turns=[Say(EN, {"slot_to_elicit": "Roses", "slot.Roses": None})],
    ),
    FlowCase(
        id="default-user-value-wins",
        doc=DEFAULTS,
        sentence="you specify a source for a slot value to be filled for new intents when no slot is "
        "provided by the user's input.",
        intents=[flowers(defaults=["12"])],
        turns=[Say("order 5 roses", {"slot.Roses": "5"})],
    ),
    FlowCase(
        id="default-ko-fixed-value",
        doc=DEFAULTS,
        sentence=NOT_ELICITED,
        locale="ko_KR",
        intents=[flowers("ko_KR", defaults=["10"])],
        turns=[Say(KO, {"slot.Roses": "10", "messages": ["10송이 주문했어요."]})],
    ),
    FlowCase(
        id="default-ko-session-attribute",
        doc=DEFAULTS,
        sentence="Session attributes – [attribute-name]",
        locale="ko_KR",
        intents=[flowers("ko_KR", defaults=["[평소]", "1"])],
        turns=[Say(KO, {"slot.Roses": "20"}, state={"sessionAttributes": {"평소": "20"}})],
    ),
]

CASES = [to_case(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Any) -> None:
    run_case(conformance, case)
