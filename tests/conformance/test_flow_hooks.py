"""Conformance: code hooks in the conversation flow (issue 8, items 5 and 10; FallbackIntent, 4).

The scripted hook (``templates/flow_hooks/flow_hook.py``) reports what Lex sent in session
attributes (``seen_*``) and answers as the ``do_<label>`` / ``do_<invocationSource>`` attribute says.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conformance.flow_support import (
    FlowCase,
    Say,
    conditional,
    hook_setting,
    response,
    slot,
    step,
    to_case,
)
from tests.conformance.harness import ConformanceServers, case_id, run_case

HOOK = "https://docs.aws.amazon.com/lexv2/latest/dg/paths-code-hook.html"
EVENT = "https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html"
RESPONSE = "https://docs.aws.amazon.com/lexv2/latest/dg/lambda-response-format.html"
SETTING = (
    "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_DialogCodeHookInvocationSetting.html"
)
ELICIT = (
    "https://docs.aws.amazon.com/lexv2/latest/APIReference/"
    "API_ElicitationCodeHookInvocationSetting.html"
)
POST_FULFIL = (
    "https://docs.aws.amazon.com/lexv2/latest/APIReference/"
    "API_PostFulfillmentStatusSpecification.html"
)
FALLBACK = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-fallback.html"
MULTI = "https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html"

SUCCESS = "Success – Sent when the Lambda function completed successfully."
FAILURE = (
    "Failure – Sent if there was a problem with running the Lambda function, or the Lambda "
    "function returned an intent.state value of Failed."
)
TIMEOUT = "Timeout – Sent if the Lambda function did not complete in its configured timeout period."
ALL_HOOKS = (
    "To invoke Lambda function across all dialog code hooks in your intent, you must select Use a "
    "Lambda function for initializing and validation for the intent."
)
UTTER = {
    "en_US": ["book a table", "reserve a table please", "I want to book a table"],
    "ko_KR": ["테이블 예약", "테이블 예약해 줘", "식당 자리 예약하고 싶어요"],
}


def booking(
    locale: str = "en_US",
    *,
    initial_hook: dict[str, Any] | None = None,
    capture: dict[str, Any] | None = None,
    dialog_hook: bool = True,
    fulfil: dict[str, Any] | None = None,
) -> dict[str, Any]:
    people = slot(
        "People", "AMAZON.Number", "How many people?" if locale == "en_US" else "몇 분이세요?"
    )
    if capture is not None:
        people["ValueElicitationSetting"]["SlotCaptureSetting"] = capture
    out: dict[str, Any] = {
        "Name": "BookTable",
        "SampleUtterances": [{"Utterance": u} for u in UTTER[locale]],
        "Slots": [people],
        "SlotPriorities": [{"Priority": 1, "SlotName": "People"}],
        "DialogCodeHook": {"Enabled": dialog_hook},
        "IntentClosingSetting": {
            "ClosingResponse": response("Booked." if locale == "en_US" else "예약했어요.")
        },
    }
    if initial_hook is not None:
        out["InitialResponseSetting"] = {"CodeHook": initial_hook}
    if fulfil is not None:
        out["FulfillmentCodeHook"] = fulfil
    return out


WEATHER = {
    "Name": "Weather",
    "SampleUtterances": [{"Utterance": "check the weather"}, {"Utterance": "weather forecast"}],
    "Slots": [slot("City", "AMAZON.AlphaNumeric", "Which city?")],
    "SlotPriorities": [{"Priority": 1, "SlotName": "City"}],
}


def plan(**actions: str) -> dict[str, Any]:
    return {"sessionAttributes": {f"do_{k}": v for k, v in actions.items()}}


EN, KO = UTTER["en_US"][0], UTTER["ko_KR"][0]
ELICIT_PEOPLE = json.dumps({"slotToElicit": "People", "type": "ElicitSlot"}, sort_keys=True)

CASES: list[Any] = [
    FlowCase(
        id="hook-initial-invocation-label",
        doc=SETTING,
        sentence="invocationLabel – A label that indicates the dialog step from which the dialog "
        "code hook is happening.",
        note='The event carries it as "invocationLabel": string (lambda-input-format.html).',
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[
            Say(
                EN,
                {
                    "attr.seen_label": "initLabel",
                    "attr.seen_source": "DialogCodeHook",
                    "slot_to_elicit": "People",
                },
            )
        ],
    ),
    FlowCase(
        id="hook-capture-invocation-label",
        doc=SETTING,
        sentence="invocationLabel – A label that indicates the dialog step from which the dialog "
        "code hook is happening.",
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting("initLabel"),
                capture={"CodeHook": hook_setting("captureLabel")},
            )
        ],
        turns=[
            Say(EN),
            Say(
                "4",
                {"attr.seen_label": "captureLabel", "attr.seen_calls": "2", "state": "Fulfilled"},
            ),
        ],
    ),
    FlowCase(
        id="hook-enable-invocation-false",
        doc=SETTING,
        sentence="enableCodeHookInvocation – Indicates whether a Lambda function should be invoked "
        "for the dialog.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel", enabled=False))],
        turns=[Say(EN, {"attr.seen_calls": None, "slot_to_elicit": "People"})],
    ),
    FlowCase(
        id="hook-intent-dialog-hook-disabled",
        doc=HOOK,
        sentence=ALL_HOOKS,
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"), dialog_hook=False)],
        turns=[Say(EN, {"attr.seen_calls": None})],
    ),
    FlowCase(
        id="hook-post-success-response",
        doc=HOOK,
        sentence=SUCCESS,
        hook=True,
        intents=[
            booking(initial_hook=hook_setting("initLabel", SuccessResponse=response("Checked.")))
        ],
        turns=[Say(EN, {"messages": ["Checked.", "How many people?"]})],
    ),
    FlowCase(
        id="hook-post-failure-on-failed-state",
        doc=HOOK,
        sentence=FAILURE,
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting(
                    "initLabel",
                    FailureResponse=response("Check failed."),
                    FailureNextStep=step("EndConversation"),
                )
            )
        ],
        turns=[
            Say(
                EN,
                {"messages": ["Check failed."], "state": "Failed", "action": "Close"},
                state=plan(initLabel="fail"),
            )
        ],
    ),
    FlowCase(
        id="hook-post-failure-on-error",
        doc=HOOK,
        sentence=FAILURE,
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting(
                    "initLabel",
                    FailureResponse=response("Check failed."),
                    FailureNextStep=step("ElicitIntent"),
                )
            )
        ],
        turns=[
            Say(
                EN,
                {"messages": ["Check failed."], "action": "ElicitIntent"},
                state=plan(initLabel="raise"),
            )
        ],
    ),
    FlowCase(
        id="hook-post-timeout",
        doc=HOOK,
        sentence=TIMEOUT,
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting(
                    "initLabel",
                    TimeoutResponse=response("Too slow."),
                    TimeoutNextStep=step("EndConversation"),
                )
            )
        ],
        turns=[
            Say(EN, {"messages": ["Too slow."], "action": "Close"}, state=plan(initLabel="sleep"))
        ],
    ),
    FlowCase(
        id="hook-error-without-failure-outcome",
        doc="https://docs.aws.amazon.com/botocore/latest/reference/services/lex-runtime/client/"
        "exceptions/DependencyFailedException.html",
        sentence="One of the dependencies, such as AWS Lambda or Amazon Polly, threw an exception.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[Say(EN, {"error": "DependencyFailedException"}, state=plan(initLabel="raise"))],
        note="The V2 guide does not say what a hook error does when the step has no failure "
        "outcome; the runtime's DependencyFailedException (documented for the V1 runtime, and "
        "the V2 runtime's error of the same name) is kept.",
    ),
    FlowCase(
        id="hook-slot-elicitation-style",
        doc="https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_DialogAction.html",
        sentence="slotElicitationStyle – Configures the slot to use spell-by-letter or "
        "spell-by-word style. ... Valid Values: Default | SpellByLetter | SpellByWord",
        note="The hook's dialogAction.slotElicitationStyle is echoed in the response.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[
            Say(
                EN,
                {
                    "style": "SpellByLetter",
                    "slot_to_elicit": "People",
                    "messages": ["How many people?"],
                },
                state=plan(initLabel="elicit:People:SpellByLetter"),
            )
        ],
    ),
    FlowCase(
        id="hook-switches-intent",
        doc=RESPONSE,
        sentence="sessionState – The state of the conversation between the user and your Amazon "
        "Lex V2 bot that you want to return.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel")), WEATHER],
        turns=[
            Say(
                EN,
                {"intent": "Weather", "slot_to_elicit": "City", "messages": ["Which city?"]},
                state=plan(initLabel="switch:Weather:City"),
            )
        ],
        note="The guide does not spell out a hook switching intents; the intent the hook returns "
        "becomes the active one, and its slot prompt is used when the hook sends no message "
        "(\"If you don't supply messages, Amazon Lex V2 uses the appropriate message defined "
        'when the bot was created.").',
    ),
    FlowCase(
        id="hook-proposed-next-state",
        doc=EVENT,
        sentence='"proposedNextState": { "dialogAction": { "slotToElicit": string, "type": '
        '"Close | ConfirmIntent | Delegate | ElicitIntent | ElicitSlot" }',
        note="The example event shows the field; the emulator proposes the slot it would elicit.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[Say(EN, {"attr.seen_proposed": ELICIT_PEOPLE})],
    ),
    FlowCase(
        id="hook-contexts-in-event",
        doc="https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-active-context.html",
        sentence="The output context from is sent to the Lambda function input event.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[
            Say(
                EN,
                {"attr.seen_contexts": "promo"},
                state={
                    "activeContexts": [
                        {
                            "name": "promo",
                            "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 2},
                            "contextAttributes": {"code": "X1"},
                        }
                    ]
                },
            )
        ],
    ),
    FlowCase(
        id="hook-sets-active-context",
        doc="https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-active-context.html",
        sentence="You can also set the context of a conversation using the Lambda function for the "
        "intent. ... The Lambda function can send contexts in its response.",
        hook=True,
        intents=[booking(initial_hook=hook_setting("initLabel"))],
        turns=[
            Say(
                EN,
                {
                    "sessionState.activeContexts.0.name": "vip",
                    "sessionState.activeContexts.0.contextAttributes.from": "hook",
                    "slot_to_elicit": "People",
                },
                state=plan(initLabel="context:vip"),
            ),
            Say("3", {"attr.seen_contexts": "vip"}),
        ],
    ),
    FlowCase(
        id="hook-confirmation-code-hook-via-next-step",
        doc="https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentConfirmationSetting.html",
        sentence="The dialog code hook is triggered based on these invocation settings when the "
        "confirmation next step or declination next step or failure next step is "
        "InvokeDialogCodeHook.",
        hook=True,
        intents=[
            {
                **booking(
                    initial_hook=hook_setting("initLabel", enabled=False),
                    capture={"CodeHook": hook_setting("captureLabel", enabled=False)},
                ),
                "IntentConfirmationSetting": {
                    "PromptSpecification": {
                        "MaxRetries": 1,
                        "MessageGroupsList": [
                            {"Message": {"PlainTextMessage": {"Value": "Book it?"}}}
                        ],
                    },
                    "CodeHook": hook_setting("confirmLabel"),
                    "ConfirmationNextStep": step("InvokeDialogCodeHook"),
                },
            }
        ],
        turns=[
            Say(EN),
            Say("2", {"action": "ConfirmIntent", "attr.seen_calls": None}),
            Say(
                "yes",
                {"attr.seen_label": "confirmLabel", "state": "Fulfilled", "messages": ["Booked."]},
            ),
        ],
    ),
    FlowCase(
        id="hook-confirmation-elicitation-code-hook",
        doc="https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentConfirmationSetting.html",
        sentence="elicitationCodeHook – The DialogCodeHookInvocationSetting used when the code hook "
        "is invoked during confirmation prompt retries.",
        hook=True,
        intents=[
            {
                **booking(
                    initial_hook=hook_setting("initLabel", enabled=False),
                    capture={"CodeHook": hook_setting("captureLabel", enabled=False)},
                ),
                "IntentConfirmationSetting": {
                    "PromptSpecification": {
                        "MaxRetries": 2,
                        "MessageGroupsList": [
                            {"Message": {"PlainTextMessage": {"Value": "Book it?"}}}
                        ],
                    },
                    "ElicitationCodeHook": {
                        "EnableCodeHookInvocation": True,
                        "InvocationLabel": "confirmRetry",
                    },
                },
            }
        ],
        turns=[
            Say(EN),
            Say("2", {"action": "ConfirmIntent"}),
            Say("purple", {"attr.seen_label": "confirmRetry", "action": "ConfirmIntent"}),
        ],
    ),
    FlowCase(
        id="hook-invoke-as-next-step",
        doc=HOOK,
        sentence="Next, set the code hook as the next action for the conversation step. You can do "
        "this by configuring the next step in conversation to Invoke dialog code hook.",
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting("initLabel", enabled=False),
                capture={
                    "CodeHook": hook_setting("captureLabel"),
                    "CaptureConditional": conditional(
                        [("big", "{People} > 8", "Let me check.", step("InvokeDialogCodeHook"))],
                        (None, step("FulfillIntent")),
                    ),
                },
            )
        ],
        turns=[
            Say(EN, {"attr.seen_calls": None}),
            Say(
                "10", {"messages": ["Let me check.", "Booked."], "attr.seen_label": "captureLabel"}
            ),
        ],
    ),
    FlowCase(
        id="hook-elicitation-code-hook-on-retry",
        doc="https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotCaptureSetting.html",
        sentence="elicitationCodeHook – Code hook called when Amazon Lex doesn't capture a slot "
        "value.",
        hook=True,
        intents=[
            booking(
                initial_hook=hook_setting("initLabel"),
                capture={
                    "ElicitationCodeHook": {
                        "EnableCodeHookInvocation": True,
                        "InvocationLabel": "retryLabel",
                    }
                },
            )
        ],
        turns=[
            Say(EN),
            Say("banana", {"attr.seen_label": "retryLabel", "slot_to_elicit": "People"}),
        ],
    ),
    FlowCase(
        id="hook-fulfilment-success-response",
        doc=POST_FULFIL,
        sentence="successNextStep – Specifies the next step in the conversation that Amazon Lex "
        "invokes when the fulfillment code hook completes successfully.",
        note="With no successNextStep, the default order continues with the closing response.",
        hook=True,
        intents=[
            booking(
                dialog_hook=False,
                fulfil={
                    "Enabled": True,
                    "PostFulfillmentStatusSpecification": {
                        "SuccessResponse": response("All done.")
                    },
                },
            )
        ],
        turns=[
            Say(EN),
            Say(
                "2",
                {
                    "messages": ["All done.", "Booked."],
                    "state": "Fulfilled",
                    "attr.seen_source": "FulfillmentCodeHook",
                },
            ),
        ],
    ),
    FlowCase(
        id="hook-fulfilment-failure-response",
        doc=POST_FULFIL,
        sentence="failureNextStep – Specifies the next step the bot runs after the fulfillment code "
        "hook throws an exception or returns with the State field of the Intent object set to "
        "Failed.",
        hook=True,
        intents=[
            booking(
                dialog_hook=False,
                fulfil={
                    "Enabled": True,
                    "PostFulfillmentStatusSpecification": {
                        "FailureResponse": response("Could not book.")
                    },
                },
            )
        ],
        turns=[
            Say(EN, state=plan(FulfillmentCodeHook="fail")),
            Say("2", {"messages": ["Could not book."], "state": "Failed", "action": "Close"}),
        ],
    ),
    FlowCase(
        id="hook-fulfilment-timeout-response",
        doc=POST_FULFIL,
        sentence="timeoutConditional – A list of conditional branches to evaluate if the fulfillment "
        "code hook times out.",
        hook=True,
        intents=[
            booking(
                dialog_hook=False,
                fulfil={
                    "Enabled": True,
                    "PostFulfillmentStatusSpecification": {
                        "TimeoutResponse": response("Still working on it."),
                        "TimeoutNextStep": step("EndConversation"),
                    },
                },
            )
        ],
        turns=[
            Say(EN, state=plan(FulfillmentCodeHook="sleep")),
            Say("2", {"messages": ["Still working on it."], "action": "Close"}),
        ],
    ),
    FlowCase(
        id="hook-fallback-after-retries-runs-its-hook",
        doc=FALLBACK,
        sentence="The fallback intent is invoked when: An intent doesn't recognize the user input as "
        "a slot value after the configured number of tries.",
        note="Its fulfillment code hook runs as for a FallbackIntent matched by the NLU (the page's "
        '"Using a Lambda Function with a Fallback Intent").',
        hook=True,
        intents=[
            booking(dialog_hook=False),
            {
                "Name": "FallbackIntent",
                "ParentIntentSignature": "AMAZON.FallbackIntent",
                "FulfillmentCodeHook": {"Enabled": True},
            },
        ],
        turns=[
            Say(EN),
            Say("banana"),
            Say("banana"),
            Say("banana", {"intent": "FallbackIntent", "attr.seen_source": "FulfillmentCodeHook"}),
        ],
    ),
    FlowCase(
        id="hook-multi-value-slot-in-event",
        doc=MULTI,
        sentence="For a multi-value slot, Amazon Lex V2 returns a list of slot values",
        hook=True,
        slot_types=[
            {
                "Name": "Toppings",
                "SlotTypeValues": [
                    {"SampleValue": {"Value": v}} for v in ("pepperoni", "pineapple", "ham")
                ],
            }
        ],
        intents=[
            {
                "Name": "OrderPizza",
                "SampleUtterances": [{"Utterance": "order a pizza"}, {"Utterance": "pizza please"}],
                "Slots": [
                    {
                        **slot("Top", "Toppings", "Which toppings?"),
                        "MultipleValuesSetting": {"AllowMultipleValues": True},
                    }
                ],
                "SlotPriorities": [{"Priority": 1, "SlotName": "Top"}],
                "DialogCodeHook": {"Enabled": True},
            }
        ],
        turns=[Say("order a pizza"), Say("pepperoni and ham", {"attr.seen_shapes": "Top=List:2"})],
    ),
    # ----------------------------------------------------------------------------- ko_KR
    FlowCase(
        id="hook-ko-initial-invocation-label",
        doc=SETTING,
        sentence="invocationLabel – A label that indicates the dialog step from which the dialog "
        "code hook is happening.",
        hook=True,
        locale="ko_KR",
        intents=[booking("ko_KR", initial_hook=hook_setting("koInit"))],
        turns=[Say(KO, {"attr.seen_label": "koInit", "messages": ["몇 분이세요?"]})],
    ),
    FlowCase(
        id="hook-ko-post-failure",
        doc=HOOK,
        sentence=FAILURE,
        hook=True,
        locale="ko_KR",
        intents=[
            booking(
                "ko_KR",
                initial_hook=hook_setting(
                    "koInit",
                    FailureResponse=response("확인하지 못했어요."),
                    FailureNextStep=step("EndConversation"),
                ),
            )
        ],
        turns=[
            Say(
                KO,
                {"messages": ["확인하지 못했어요."], "state": "Failed"},
                state=plan(koInit="fail"),
            )
        ],
    ),
    FlowCase(
        id="hook-ko-fulfilment-success",
        doc=POST_FULFIL,
        sentence="successNextStep – Specifies the next step in the conversation that Amazon Lex "
        "invokes when the fulfillment code hook completes successfully.",
        hook=True,
        locale="ko_KR",
        intents=[
            booking(
                "ko_KR",
                dialog_hook=False,
                fulfil={
                    "Enabled": True,
                    "PostFulfillmentStatusSpecification": {
                        "SuccessResponse": response("처리했어요.")
                    },
                },
            )
        ],
        turns=[Say(KO), Say("3", {"messages": ["처리했어요.", "예약했어요."]})],
    ),
    FlowCase(
        id="hook-ko-fallback-after-retries",
        doc=FALLBACK,
        sentence="An intent doesn't recognize the user input as a slot value after the configured "
        "number of tries.",
        hook=True,
        locale="ko_KR",
        intents=[
            booking("ko_KR", dialog_hook=False),
            {
                "Name": "FallbackIntent",
                "ParentIntentSignature": "AMAZON.FallbackIntent",
                "FulfillmentCodeHook": {"Enabled": True},
            },
        ],
        turns=[
            Say(KO),
            Say("바나나"),
            Say("바나나"),
            Say("바나나", {"intent": "FallbackIntent", "attr.seen_source": "FulfillmentCodeHook"}),
        ],
    ),
]

CASES = [to_case(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Any) -> None:
    run_case(conformance, case)
