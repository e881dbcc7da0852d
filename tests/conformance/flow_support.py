"""Conversation-flow conformance cases, written compactly and run by ``tests/conformance/harness``.

Each ``FlowCase`` names the Lex V2 document and the sentence it checks; ``to_case`` turns it into a
harness ``Case``: a CloudFormation template (one ``AWS::Lex::Bot`` with the case's intents in one
locale, plus the scripted hook function of ``templates/flow_hooks/`` when ``hook=True``), and the
turns, played through the real boto3 client against the emulator over HTTP.

A turn is ``Say(text, expect={...})``; ``expect`` keys:

* ``intent`` / ``state`` / ``action`` / ``slot_to_elicit`` / ``confirmation``: sessionState fields;
* ``messages``: the exact list of message contents;
* ``slot.<Name>``: the slot's interpretedValue (None: unfilled);
* ``attr.<key>``: a session attribute (None: absent);
* ``contexts``: the sorted names of activeContexts; ``context.<name>.<param>``: a parameter;
* ``turns.<name>``: a context's turnsToLive; ``style``: dialogAction.slotElicitationStyle;
* ``shape.<Name>``: (shape, number of values); ``error``: the boto3 error code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tests.conformance.harness import ABSENT, Case, Turn


def plain(text: str) -> dict[str, Any]:
    """One message group holding one plain-text message."""
    return {"Message": {"PlainTextMessage": {"Value": text}}}


def response(*texts: str) -> dict[str, Any]:
    return {"MessageGroupsList": [plain(t) for t in texts]}


def prompt(*texts: str, retries: int = 2) -> dict[str, Any]:
    return {"MaxRetries": retries, "MessageGroupsList": [plain(t) for t in texts]}


def slot(
    name: str,
    slot_type: str,
    question: str,
    *,
    required: bool = True,
    retries: int = 2,
    **elicitation: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "SlotConstraint": "Required" if required else "Optional",
        "PromptSpecification": prompt(question, retries=retries),
    }
    spec.update(elicitation)
    return {"Name": name, "SlotTypeName": slot_type, "ValueElicitationSetting": spec}


def step(action: str | None = None, **extra: Any) -> dict[str, Any]:
    """A DialogState: ``step("ElicitSlot", slot="Age", attrs={"k": "v"}, intent="X")``."""
    out: dict[str, Any] = {}
    if action is not None:
        dialog: dict[str, Any] = {"Type": action}
        if "slot" in extra:
            dialog["SlotToElicit"] = extra["slot"]
        if extra.get("suppress"):
            dialog["SuppressNextMessage"] = True
        out["DialogAction"] = dialog
    if "attrs" in extra:
        out["SessionAttributes"] = [{"Key": k, "Value": v} for k, v in extra["attrs"].items()]
    if "intent" in extra or "set_slots" in extra:
        intent: dict[str, Any] = {}
        if "intent" in extra:
            intent["Name"] = extra["intent"]
        if "set_slots" in extra:
            intent["Slots"] = [
                {
                    "SlotName": k,
                    "SlotValueOverride": {"Shape": "Scalar", "Value": {"InterpretedValue": v}}
                    if v
                    else {"Shape": "Scalar"},  # no Value: the slot is cleared
                }
                for k, v in extra["set_slots"].items()
            ]
        out["Intent"] = intent
    return out


def conditional(
    branches: list[tuple[str, str, str | None, dict[str, Any]]],
    default: tuple[str | None, dict[str, Any]],
) -> dict[str, Any]:
    """A ConditionalSpecification from (name, expression, response text, next step) branches."""

    def with_response(branch: dict[str, Any], text: str | None) -> dict[str, Any]:
        if text is not None:
            branch["Response"] = response(text)
        return branch

    return {
        "IsActive": True,
        "ConditionalBranches": [
            with_response(
                {"Name": name, "Condition": {"ExpressionString": expr}, "NextStep": nxt}, text
            )
            for name, expr, text, nxt in branches
        ],
        "DefaultBranch": with_response({"NextStep": default[1]}, default[0]),
    }


def hook_setting(label: str | None = None, *, enabled: bool = True, **post: Any) -> dict[str, Any]:
    """A DialogCodeHookInvocationSetting; ``post`` holds PostCodeHookSpecification keys."""
    out: dict[str, Any] = {
        "IsActive": True,
        "EnableCodeHookInvocation": enabled,
        "PostCodeHookSpecification": post,
    }
    if label is not None:
        out["InvocationLabel"] = label
    return out


@dataclass(frozen=True)
class Say:
    text: str
    expect: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None
    request_attributes: dict[str, str] | None = None
    advance: float = 0.0  # seconds the clock moves before this turn


@dataclass(frozen=True)
class FlowCase:
    id: str
    doc: str
    sentence: str
    intents: list[dict[str, Any]]
    turns: list[Say | Turn]
    locale: str = "en_US"
    hook: bool = False
    slot_types: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # where the docs are silent: what was chosen
    load_error: str | None = None


def build_template(case: FlowCase) -> str:
    """The case's template as YAML text (cfn-lint clean; the harness lints every case's template)."""
    intents = [dict(i) for i in case.intents]
    if not any(i.get("ParentIntentSignature") == "AMAZON.FallbackIntent" for i in intents):
        intents.append({"Name": "FallbackIntent", "ParentIntentSignature": "AMAZON.FallbackIntent"})
    locale: dict[str, Any] = {
        "LocaleId": case.locale,
        "NluConfidenceThreshold": 0.4,
        "Intents": intents,
    }
    if case.slot_types:
        locale["SlotTypes"] = case.slot_types
    bot: dict[str, Any] = {
        "Name": "flow-case-bot",
        "RoleArn": "arn:aws:iam::123456789012:role/lex",
        "DataPrivacy": {"ChildDirected": False},
        "IdleSessionTTLInSeconds": 300,
        "BotLocales": [locale],
    }
    resources: dict[str, Any] = {"FlowBot": {"Type": "AWS::Lex::Bot", "Properties": bot}}
    if case.hook:
        resources["FlowHookFunction"] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "flow_hooks/",
                "Handler": "flow_hook.lambda_handler",
                "Runtime": "python3.11",
                "Timeout": 1,
            },
        }
        bot["TestBotAliasSettings"] = {
            "BotAliasLocaleSettings": [
                {
                    "LocaleId": case.locale,
                    "BotAliasLocaleSetting": {
                        "Enabled": True,
                        "CodeHookSpecification": {
                            "LambdaCodeHook": {
                                "CodeHookInterfaceVersion": "1.0",
                                "LambdaArn": {"Fn::GetAtt": ["FlowHookFunction", "Arn"]},
                            }
                        },
                    },
                }
            ]
        }
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"Flow conformance case {case.id}",
        "Resources": resources,
    }
    return yaml.safe_dump(template, sort_keys=False, allow_unicode=True)


_SIMPLE = {
    "intent": "sessionState.intent.name",
    "state": "sessionState.intent.state",
    "confirmation": "sessionState.intent.confirmationState",
    "action": "sessionState.dialogAction.type",
    "slot_to_elicit": "sessionState.dialogAction.slotToElicit",
    "style": "sessionState.dialogAction.slotElicitationStyle",
}


def expectations(expect: dict[str, Any]) -> dict[str, Any]:
    """The harness's dotted paths for this module's short keys (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, wanted in expect.items():
        head, _, name = key.partition(".")
        if key in _SIMPLE:
            out[_SIMPLE[key]] = ABSENT if wanted is None else wanted
        elif key == "messages":
            for n, text in enumerate(wanted):
                out[f"messages.{n}.content"] = text
            out["messages" if not wanted else f"messages.{len(wanted)}"] = ABSENT
        elif key == "contexts":
            for n, context in enumerate(wanted):
                out[f"sessionState.activeContexts.{n}.name"] = context
            out[
                "sessionState.activeContexts"
                if not wanted
                else f"sessionState.activeContexts.{len(wanted)}"
            ] = ABSENT
        elif head == "slot":
            path = f"sessionState.intent.slots.{name}"
            out[path if wanted is None else f"{path}.value.interpretedValue"] = wanted
        elif head == "shape":
            shape, count = wanted
            out[f"sessionState.intent.slots.{name}.shape"] = shape
            if count:
                out[f"sessionState.intent.slots.{name}.values.{count - 1}.shape"] = "Scalar"
            out[f"sessionState.intent.slots.{name}.values.{count}"] = ABSENT
        elif head == "attr":
            out[f"sessionState.sessionAttributes.{name}"] = ABSENT if wanted is None else wanted
        else:
            out[key] = wanted  # already a dotted path
    return out


def to_case(case: FlowCase) -> Case:
    """The harness ``Case`` for a flow case."""
    turns = []
    for say in case.turns:
        if isinstance(say, Turn):  # a harness turn (get_session, put_session, ...) as it is
            turns.append(say)
            continue
        params: dict[str, Any] = {}
        if say.state is not None:
            params["sessionState"] = say.state
        if say.request_attributes is not None:
            params["requestAttributes"] = say.request_attributes
        expect = dict(say.expect)
        error = expect.pop("error", None)
        turns.append(
            Turn(
                say.text,
                expectations(expect),
                params=params,
                error=error,
                advance_seconds=say.advance,
            )
        )
    return Case(
        name=case.id,
        template=build_template(case),
        locale=case.locale,
        doc=case.doc,
        quote=case.sentence,
        turns=tuple(turns),
        note=case.note,
        load_error=case.load_error,
    )
