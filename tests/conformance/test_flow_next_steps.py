"""Conformance: stages and next steps of the conversation flow (issue 8, items 5 and 9)."""

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

NEXT = "https://docs.aws.amazon.com/lexv2/latest/dg/paths-nextstep.html"
INITIAL = "https://docs.aws.amazon.com/lexv2/latest/dg/intent-initial.html"
ACTION = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_DialogAction.html"
STATE = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_DialogState.html"
BRANCHING = "https://docs.aws.amazon.com/lexv2/latest/dg/paths-branching.html"
PROMPT = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_PromptSpecification.html"
CONFIRM = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentConfirmationSetting.html"
CLOSING = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentClosingSetting.html"

ORDER = (
    "Initial Response → Slot Elicitation → Confirmation (if active) → Fulfillment (if active) "
    "→ Closing Response (if active) → End conversation"
)
UTTER = {
    "en_US": ["book a table", "reserve a table please", "I want to book a table"],
    "ko_KR": ["테이블 예약", "테이블 예약해 줘", "식당 자리 예약하고 싶어요"],
}
OTHER_UTTER = {
    "en_US": ["check the weather", "what is the weather like", "weather forecast please"],
    "ko_KR": ["날씨 알려줘", "오늘 날씨 어때", "날씨 예보 보여줘"],
}
Q = {"en_US": ("How many people?", "What time?"), "ko_KR": ("몇 분이세요?", "몇 시에 오세요?")}


def booking(locale: str = "en_US", **extra: Any) -> dict[str, Any]:
    """BookTable: slots People (Number) and When (AlphaNumeric), a closing response."""
    people, when = Q[locale]
    out: dict[str, Any] = {
        "Name": "BookTable",
        "SampleUtterances": [{"Utterance": u} for u in UTTER[locale]],
        "Slots": [
            slot("People", "AMAZON.Number", people),
            slot("When", "AMAZON.AlphaNumeric", when),
        ],
        "SlotPriorities": [
            {"Priority": 1, "SlotName": "People"},
            {"Priority": 2, "SlotName": "When"},
        ],
        "IntentClosingSetting": {
            "ClosingResponse": response("Booked." if locale == "en_US" else "예약했어요.")
        },
    }
    out.update(extra)
    return out


def weather(locale: str = "en_US", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": "Weather",
        "SampleUtterances": [{"Utterance": u} for u in OTHER_UTTER[locale]],
        "Slots": [
            slot(
                "City",
                "AMAZON.AlphaNumeric",
                "Which city?" if locale == "en_US" else "어느 도시요?",
            )
        ],
        "SlotPriorities": [{"Priority": 1, "SlotName": "City"}],
        "InitialResponseSetting": {
            "InitialResponse": response(
                "Weather service." if locale == "en_US" else "날씨 서비스입니다."
            )
        },
        "IntentClosingSetting": {
            "ClosingResponse": response("Sunny." if locale == "en_US" else "맑아요.")
        },
    }
    out.update(extra)
    return out


def initial(
    next_step: dict[str, Any] | None = None, text: str | None = None, **extra: Any
) -> dict[str, Any]:
    setting: dict[str, Any] = dict(extra)
    if text is not None:
        setting["InitialResponse"] = response(text)
    if next_step is not None:
        setting["NextStep"] = next_step
    return setting


def capture(slot_def: dict[str, Any], **setting: Any) -> dict[str, Any]:
    slot_def["ValueElicitationSetting"]["SlotCaptureSetting"] = setting
    return slot_def


def confirmation(locale: str = "en_US", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "PromptSpecification": prompt("Shall I book it?" if locale == "en_US" else "예약할까요?"),
        "DeclinationResponse": response("Cancelled." if locale == "en_US" else "취소했어요."),
    }
    out.update(extra)
    return out


EN, KO = UTTER["en_US"][0], UTTER["ko_KR"][0]

CASES: list[Any] = [
    FlowCase(
        id="flow-default-order",
        doc=NEXT,
        sentence=ORDER,
        intents=[booking(InitialResponseSetting=initial(text="Sure."))],
        turns=[
            Say(EN, {"messages": ["Sure.", "How many people?"], "slot_to_elicit": "People"}),
            Say("4", {"messages": ["What time?"], "slot_to_elicit": "When"}),
            Say("7pm", {"messages": ["Booked."], "state": "Fulfilled", "action": "Close"}),
        ],
    ),
    FlowCase(
        id="flow-initial-response-before-slots",
        doc=INITIAL,
        sentence="The initial response is sent to the user after Amazon Lex V2 determines the intent "
        "and before it starts to elicit slot values.",
        intents=[booking(InitialResponseSetting=initial(text="I can book a table."))],
        turns=[Say(EN, {"messages": ["I can book a table.", "How many people?"]})],
    ),
    FlowCase(
        id="flow-initial-next-step-elicit-other-slot",
        doc=NEXT,
        sentence="Elicit a slot – You can elicit any slot in the intent.",
        intents=[booking(InitialResponseSetting=initial(step("ElicitSlot", slot="When")))],
        turns=[
            Say(EN, {"slot_to_elicit": "When", "messages": ["What time?"]}),
            Say("8pm", {"slot_to_elicit": "People", "slot.When": "8pm"}),
        ],
    ),
    FlowCase(
        id="flow-initial-next-step-close-intent",
        doc=NEXT,
        sentence="Closing response – The closing response will be returned to the user.",
        intents=[booking(InitialResponseSetting=initial(step("CloseIntent"), text="Hi."))],
        turns=[Say(EN, {"messages": ["Hi.", "Booked."], "action": "Close", "state": "Fulfilled"})],
        note="The guide does not say the state of an intent closed before fulfilment; "
        "Fulfilled is chosen (a closed, unsettled intent).",
    ),
    FlowCase(
        id="flow-initial-next-step-end-conversation",
        doc=NEXT,
        sentence="End conversation – The conversation with the bot ends.",
        intents=[booking(InitialResponseSetting=initial(step("EndConversation"), text="Bye."))],
        turns=[Say(EN, {"messages": ["Bye."], "action": "Close"})],
    ),
    FlowCase(
        id="flow-initial-next-step-fulfil",
        doc=NEXT,
        sentence="Fulfill intent – The fulfillment of the intent will begin as a next step.",
        intents=[booking(InitialResponseSetting=initial(step("FulfillIntent")))],
        turns=[Say(EN, {"state": "Fulfilled", "messages": ["Booked."], "slot.People": None})],
    ),
    FlowCase(
        id="flow-next-step-sets-session-attributes",
        doc=STATE,
        sentence="sessionAttributes – Map of key/value pairs representing session-specific "
        "context information.",
        intents=[
            booking(
                InitialResponseSetting=initial(
                    step("ElicitSlot", slot="People", attrs={"channel": "web"})
                )
            )
        ],
        turns=[Say(EN, {"attr.channel": "web", "slot_to_elicit": "People"})],
    ),
    FlowCase(
        id="flow-next-step-slot-override",
        doc=STATE,
        sentence="intent – Override settings to configure the intent state.",
        intents=[booking(InitialResponseSetting=initial(step(None, set_slots={"People": "2"})))],
        turns=[Say(EN, {"slot.People": "2", "slot_to_elicit": "When"})],
        note="A DialogState without a DialogAction keeps the default next step.",
    ),
    FlowCase(
        id="flow-start-intent",
        doc=NEXT,
        sentence="Intent – You can transition to a different intent and continue the conversation "
        "for this intent.",
        intents=[
            booking(InitialResponseSetting=initial(step("StartIntent", intent="Weather"))),
            weather(),
        ],
        turns=[Say(EN, {"intent": "Weather", "messages": ["Weather service.", "Which city?"]})],
    ),
    FlowCase(
        id="flow-start-intent-skip-initial-response",
        doc=NEXT,
        sentence="You can optionally skip the initial response of the intent while making the "
        "transition.",
        intents=[
            booking(
                InitialResponseSetting=initial(step("StartIntent", intent="Weather", suppress=True))
            ),
            weather(),
        ],
        turns=[Say(EN, {"intent": "Weather", "messages": ["Which city?"]})],
        note="Skipping is SuppressNextMessage on the StartIntent step ('When true the next "
        "message for the intent is not used').",
    ),
    FlowCase(
        id="flow-switch-to-intent-specific-slot",
        doc=NEXT,
        sentence="Intent: specific slot – If you already captured some slot values in the current "
        "intent, you can directly elicit a specific slot in a different intent.",
        intents=[
            booking(
                InitialResponseSetting=initial(step("ElicitSlot", slot="City", intent="Weather"))
            ),
            weather(),
        ],
        turns=[
            Say(EN, {"intent": "Weather", "slot_to_elicit": "City", "messages": ["Which city?"]})
        ],
    ),
    FlowCase(
        id="flow-suppress-next-message",
        doc=ACTION,
        sentence="suppressNextMessage – When true the next message for the intent is not used.",
        intents=[
            booking(
                InitialResponseSetting=initial(
                    step("ElicitSlot", slot="People", suppress=True), text="Hello."
                )
            )
        ],
        turns=[Say(EN, {"messages": ["Hello."], "slot_to_elicit": "People"})],
    ),
    FlowCase(
        id="flow-wait-for-user-input",
        doc=NEXT,
        sentence="Wait for user input – The bot waits for the user to provide input to recognize "
        "any new intent. ... The bot will be in ElicitIntent dialog state.",
        intents=[
            booking(InitialResponseSetting=initial(step("ElicitIntent"), text="What else?")),
            weather(),
        ],
        turns=[
            Say(EN, {"action": "ElicitIntent", "messages": ["What else?"]}),
            Say(OTHER_UTTER["en_US"][0], {"intent": "Weather"}),
        ],
    ),
    FlowCase(
        id="flow-initial-conditional",
        doc=INITIAL,
        sentence="Add conditional branching – You can apply conditions after playing the initial "
        "response.",
        intents=[
            booking(
                InitialResponseSetting=initial(
                    text="Welcome.",
                    Conditional=conditional(
                        [("vip", '[tier] = "vip"', "VIP table.", step("ElicitSlot", slot="When"))],
                        (None, step("ElicitSlot", slot="People")),
                    ),
                )
            )
        ],
        turns=[
            Say(
                EN,
                {"messages": ["Welcome.", "VIP table.", "What time?"], "slot_to_elicit": "When"},
                state={"sessionAttributes": {"tier": "vip"}},
            )
        ],
    ),
    FlowCase(
        id="flow-evaluate-conditional-step",
        doc=NEXT,
        sentence="Evaluate conditions – You can evaluate conditions and branch conversation at any "
        "step of the conversation.",
        intents=[
            booking(
                InitialResponseSetting=initial(
                    step("EvaluateConditional"),
                    Conditional=conditional(
                        [("big", "{People} > 6", "Large party.", step("EndConversation"))],
                        ("Default path.", step("ElicitSlot", slot="People")),
                    ),
                )
            )
        ],
        turns=[Say(EN, {"messages": ["Default path.", "How many people?"]})],
        note="EvaluateConditional runs the stage's own conditional (the guide does not say more).",
    ),
    FlowCase(
        id="flow-capture-response",
        doc=NEXT,
        sentence=ORDER,
        intents=[
            booking(
                Slots=[
                    capture(
                        slot("People", "AMAZON.Number", "How many people?"),
                        CaptureResponse=response("Got it."),
                    ),
                    slot("When", "AMAZON.AlphaNumeric", "What time?"),
                ]
            )
        ],
        turns=[Say(EN), Say("3", {"messages": ["Got it.", "What time?"]})],
    ),
    FlowCase(
        id="flow-capture-next-step",
        doc=NEXT,
        sentence="Confirm intent – The user will be prompted to confirm the intent.",
        intents=[
            booking(
                Slots=[
                    capture(
                        slot("People", "AMAZON.Number", "How many people?"),
                        CaptureNextStep=step("ConfirmIntent"),
                    ),
                    slot("When", "AMAZON.AlphaNumeric", "What time?"),
                ],
                IntentConfirmationSetting=confirmation(),
            )
        ],
        turns=[Say(EN), Say("3", {"action": "ConfirmIntent", "messages": ["Shall I book it?"]})],
    ),
    FlowCase(
        id="flow-capture-conditional",
        doc=BRANCHING,
        sentence="({number} >= 5) AND ({number} <= 10)",
        intents=[
            booking(
                Slots=[
                    capture(
                        slot("People", "AMAZON.Number", "How many people?"),
                        CaptureConditional=conditional(
                            [
                                (
                                    "group",
                                    "({People} >= 5) AND ({People} <= 10)",
                                    "Group booking.",
                                    step("ElicitSlot", slot="When"),
                                )
                            ],
                            ("Too many or too few.", step("ElicitSlot", slot="People")),
                        ),
                    ),
                    slot("When", "AMAZON.AlphaNumeric", "What time?"),
                ],
            )
        ],
        turns=[
            Say(EN),
            Say("12", {"messages": ["Too many or too few.", "How many people?"]}),
            Say("6", {"messages": ["Group booking.", "What time?"]}),
        ],
    ),
    FlowCase(
        id="flow-confirmation-response-and-default",
        doc=CONFIRM,
        sentence="confirmationResponse – Specifies a list of message groups that Amazon Lex uses to "
        "respond the user input.",
        intents=[
            booking(IntentConfirmationSetting=confirmation(ConfirmationResponse=response("Great.")))
        ],
        turns=[
            Say(EN),
            Say("2"),
            Say("noon", {"action": "ConfirmIntent"}),
            Say(
                "yes",
                {
                    "messages": ["Great.", "Booked."],
                    "state": "Fulfilled",
                    "confirmation": "Confirmed",
                },
            ),
        ],
    ),
    FlowCase(
        id="flow-declination-default",
        doc=CONFIRM,
        sentence='declinationResponse – When the user answers "no" to the question defined in '
        "promptSpecification, Amazon Lex responds with this response to acknowledge that the "
        "intent was canceled.",
        intents=[booking(IntentConfirmationSetting=confirmation())],
        turns=[
            Say(EN),
            Say("2"),
            Say("noon"),
            Say("no", {"messages": ["Cancelled."], "state": "Failed", "action": "Close"}),
        ],
    ),
    FlowCase(
        id="flow-declination-next-step",
        doc="https://docs.aws.amazon.com/lexv2/latest/dg/reelicit-slots.html",
        sentence="You can loop back to re-elicit a slot at any point in the conversation provided "
        "that you set that slot value to null beforehand.",
        intents=[
            booking(
                IntentConfirmationSetting=confirmation(
                    DeclinationNextStep=step("ElicitSlot", slot="When", set_slots={"When": ""})
                )
            )
        ],
        turns=[
            Say(EN),
            Say("2"),
            Say("noon"),
            Say(
                "no",
                {
                    "messages": ["Cancelled.", "What time?"],
                    "slot_to_elicit": "When",
                    "slot.When": None,
                },
            ),
        ],
    ),
    FlowCase(
        id="flow-declination-conditional",
        doc=CONFIRM,
        sentence="declinationConditional – A list of conditional branches to evaluate after the "
        "intent is declined.",
        intents=[
            booking(
                IntentConfirmationSetting=confirmation(
                    DeclinationConditional=conditional(
                        [
                            (
                                "many",
                                "{People} > 3",
                                "Maybe a smaller table?",
                                step("ElicitSlot", slot="People"),
                            )
                        ],
                        (None, step("EndConversation")),
                    )
                )
            )
        ],
        turns=[
            Say(EN),
            Say("5"),
            Say("noon"),
            Say("no", {"messages": ["Cancelled.", "Maybe a smaller table?", "How many people?"]}),
        ],
    ),
    FlowCase(
        id="flow-confirmation-next-step-elicit-intent",
        doc=CONFIRM,
        sentence="confirmationNextStep – Specifies the next step that the bot executes when the "
        "customer confirms the intent.",
        intents=[
            booking(
                IntentConfirmationSetting=confirmation(
                    ConfirmationResponse=response("Anything else first?"),
                    ConfirmationNextStep=step("ElicitIntent"),
                )
            )
        ],
        turns=[
            Say(EN),
            Say("2"),
            Say("noon"),
            Say("yes", {"action": "ElicitIntent", "messages": ["Anything else first?"]}),
        ],
    ),
    FlowCase(
        id="flow-closing-next-step-elicit-intent",
        doc=CLOSING,
        sentence="nextStep – Specifies the next step that the bot executes after playing the "
        "intent's closing response.",
        intents=[
            booking(
                IntentClosingSetting={
                    "ClosingResponse": response("Booked. Anything else?"),
                    "NextStep": step("ElicitIntent"),
                }
            ),
            weather(),
        ],
        turns=[
            Say(EN),
            Say("2"),
            Say(
                "noon",
                {
                    "action": "ElicitIntent",
                    "state": "Fulfilled",
                    "messages": ["Booked. Anything else?"],
                },
            ),
            Say(OTHER_UTTER["en_US"][1], {"intent": "Weather"}),
        ],
    ),
    FlowCase(
        id="flow-closing-inactive",
        doc=CLOSING,
        sentence="active – Specifies whether an intent's closing response is used. When this field "
        "is false, the closing response isn't sent to the user.",
        intents=[
            booking(
                IntentClosingSetting={"ClosingResponse": response("Booked."), "IsActive": False}
            )
        ],
        turns=[Say(EN), Say("2"), Say("noon", {"state": "Fulfilled", "messages": []})],
    ),
    FlowCase(
        id="flow-closing-conditional",
        doc=CLOSING,
        sentence="conditional – A list of conditional branches associated with the intent's closing "
        "response. These branches are executed when the nextStep attribute is set to "
        "EvalutateConditional.",
        intents=[
            booking(
                IntentClosingSetting={
                    "ClosingResponse": response("Booked."),
                    "NextStep": step("EvaluateConditional"),
                    "Conditional": conditional(
                        [
                            (
                                "late",
                                '{When} = "late"',
                                "Enjoy your late dinner.",
                                step("EndConversation"),
                            )
                        ],
                        (None, step("EndConversation")),
                    ),
                }
            )
        ],
        turns=[
            Say(EN),
            Say("2"),
            Say("late", {"messages": ["Booked.", "Enjoy your late dinner."]}),
        ],
    ),
    FlowCase(
        id="flow-text-switch-ignores-allow-interrupt",
        doc=PROMPT,
        sentence="allowInterrupt – Indicates whether the user can interrupt a speech prompt from the "
        "bot.",
        intents=[
            booking(
                Slots=[
                    {
                        **slot("People", "AMAZON.Number", "How many people?"),
                        "ValueElicitationSetting": {
                            **slot("People", "AMAZON.Number", "How many people?")[
                                "ValueElicitationSetting"
                            ],
                            "PromptSpecification": {
                                **prompt("How many people?"),
                                "AllowInterrupt": False,
                            },
                        },
                    },
                    slot("When", "AMAZON.AlphaNumeric", "What time?"),
                ]
            ),
            weather(),
        ],
        turns=[
            Say(EN, {"slot_to_elicit": "People"}),
            Say(
                OTHER_UTTER["en_US"][1],
                {"intent": "Weather", "messages": ["Weather service.", "Which city?"]},
            ),
        ],
        note="AllowInterrupt concerns speech; a text reply that fills nothing and matches another "
        "intent switches to it (the guide's intent switching for text input).",
    ),
    # ----------------------------------------------------------------------------- ko_KR
    FlowCase(
        id="flow-ko-default-order",
        doc=NEXT,
        sentence=ORDER,
        locale="ko_KR",
        intents=[booking("ko_KR", InitialResponseSetting=initial(text="네, 예약을 도와드릴게요."))],
        turns=[
            Say(KO, {"messages": ["네, 예약을 도와드릴게요.", "몇 분이세요?"]}),
            Say("4", {"slot_to_elicit": "When"}),
            Say("7시", {"messages": ["예약했어요."], "state": "Fulfilled"}),
        ],
    ),
    FlowCase(
        id="flow-ko-start-intent",
        doc=NEXT,
        sentence="Intent – You can transition to a different intent and continue the conversation "
        "for this intent.",
        locale="ko_KR",
        intents=[
            booking("ko_KR", InitialResponseSetting=initial(step("StartIntent", intent="Weather"))),
            weather("ko_KR"),
        ],
        turns=[Say(KO, {"intent": "Weather", "messages": ["날씨 서비스입니다.", "어느 도시요?"]})],
    ),
    FlowCase(
        id="flow-ko-capture-conditional",
        doc=BRANCHING,
        sentence="{age} < 24",
        locale="ko_KR",
        intents=[
            booking(
                "ko_KR",
                Slots=[
                    capture(
                        slot("People", "AMAZON.Number", "몇 분이세요?"),
                        CaptureConditional=conditional(
                            [
                                (
                                    "small",
                                    "{People} < 3",
                                    "작은 테이블로 할게요.",
                                    step("ElicitSlot", slot="When"),
                                )
                            ],
                            ("큰 테이블로 할게요.", step("ElicitSlot", slot="When")),
                        ),
                    ),
                    slot("When", "AMAZON.AlphaNumeric", "몇 시에 오세요?"),
                ],
            )
        ],
        turns=[Say(KO), Say("2", {"messages": ["작은 테이블로 할게요.", "몇 시에 오세요?"]})],
    ),
    FlowCase(
        id="flow-ko-declination",
        doc=CONFIRM,
        sentence='declinationResponse – When the user answers "no" to the question defined in '
        "promptSpecification, Amazon Lex responds with this response to acknowledge that the "
        "intent was canceled.",
        locale="ko_KR",
        intents=[booking("ko_KR", IntentConfirmationSetting=confirmation("ko_KR"))],
        turns=[
            Say(KO),
            Say("2"),
            Say("7시", {"action": "ConfirmIntent"}),
            Say("아니요", {"messages": ["취소했어요."], "state": "Failed"}),
        ],
    ),
    FlowCase(
        id="flow-ko-wait-for-user-input",
        doc=NEXT,
        sentence="The bot will be in ElicitIntent dialog state.",
        locale="ko_KR",
        intents=[
            booking(
                "ko_KR",
                IntentClosingSetting={
                    "ClosingResponse": response("예약했어요. 더 필요하신 게 있나요?"),
                    "NextStep": step("ElicitIntent"),
                },
            )
        ],
        turns=[Say(KO), Say("2"), Say("7시", {"action": "ElicitIntent", "state": "Fulfilled"})],
    ),
    FlowCase(
        id="flow-ko-text-switch",
        doc=PROMPT,
        sentence="allowInterrupt – Indicates whether the user can interrupt a speech prompt from the "
        "bot.",
        locale="ko_KR",
        intents=[booking("ko_KR"), weather("ko_KR")],
        turns=[
            Say(KO, {"slot_to_elicit": "People"}),
            Say(OTHER_UTTER["ko_KR"][1], {"intent": "Weather"}),
        ],
    ),
]

CASES = [to_case(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Any) -> None:
    run_case(conformance, case)
