"""Conversation-flow conformance cases: a bot template, scripted turns, the Lex fields expected.

Each ``FlowCase`` names the Lex V2 document and the sentence it checks. ``build_template`` makes a
CloudFormation template (one ``AWS::Lex::Bot``, optionally the scripted hook function) that passes
cfn-lint (``test_flow_templates_pass_cfn_lint`` lints every case's template in one run). ``run_case``
serves the template with the real emulator over HTTP and plays the turns through boto3.

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

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import ClientError

from lex_emulator import LexEmulator
from lex_emulator.http_server import EmulatorServer
from tests.functional.lex_emulator.lex_clients import lex_client

HOOKS = Path(__file__).resolve().parent / "flow_hooks"
TODAY = date(2026, 1, 5)


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
                    "SlotValueOverride": {"Shape": "Scalar", "Value": {"InterpretedValue": v}},
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
    turns: list[Say]
    locale: str = "en_US"
    hook: bool = False
    slot_types: list[dict[str, Any]] = field(default_factory=list)


def build_template(case: FlowCase) -> dict[str, Any]:
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
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"Flow conformance case {case.id}: {case.doc}",
        "Resources": resources,
    }


def write_template(case: FlowCase, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if case.hook and not (directory / "flow_hooks").exists():
        shutil.copytree(HOOKS, directory / "flow_hooks")
    path = directory / f"{case.id}.yaml"
    path.write_text(yaml.safe_dump(build_template(case), sort_keys=False, allow_unicode=True))
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def _get(response: dict[str, Any], key: str) -> Any:
    state = response.get("sessionState") or {}
    intent = state.get("intent") or {}
    action = state.get("dialogAction") or {}
    contexts = {c["name"]: c for c in state.get("activeContexts") or []}
    if key == "intent":
        return intent.get("name")
    if key == "state":
        return intent.get("state")
    if key == "confirmation":
        return intent.get("confirmationState")
    if key == "action":
        return action.get("type")
    if key == "slot_to_elicit":
        return action.get("slotToElicit")
    if key == "style":
        return action.get("slotElicitationStyle")
    if key == "messages":
        return [m.get("content") for m in response.get("messages") or []]
    if key == "contexts":
        return sorted(contexts)
    head, _, name = key.partition(".")
    if head == "slot":
        slot_value = (intent.get("slots") or {}).get(name)
        return slot_value["value"]["interpretedValue"] if slot_value else None
    if head == "shape":
        slot_value = (intent.get("slots") or {}).get(name)
        return (slot_value["shape"], len(slot_value.get("values") or [])) if slot_value else None
    if head == "attr":
        return (state.get("sessionAttributes") or {}).get(name)
    if head == "turns":
        return contexts[name]["timeToLive"]["turnsToLive"] if name in contexts else None
    if head == "context":
        context_name, _, parameter = name.partition(".")
        found = contexts.get(context_name)
        return (found.get("contextAttributes") or {}).get(parameter) if found else None
    raise KeyError(key)


def play(client: Any, clock: Clock, case: FlowCase) -> Iterator[tuple[int, Say, dict[str, Any]]]:
    for n, turn in enumerate(case.turns):
        clock.now += turn.advance
        kwargs: dict[str, Any] = {
            "botId": "FLOWCASEBT",
            "botAliasId": "TSTALIASID",
            "localeId": case.locale,
            "sessionId": f"case-{case.id}",
            "text": turn.text,
        }
        if turn.state is not None:
            kwargs["sessionState"] = turn.state
        if turn.request_attributes is not None:
            kwargs["requestAttributes"] = turn.request_attributes
        try:
            answer = client.recognize_text(**kwargs)
        except ClientError as exc:
            answer = {"error": exc.response["Error"]["Code"]}
        yield n, turn, answer


def run_case(case: FlowCase, directory: Path) -> None:
    """Play every turn; assert each expected field (the message names the case and the doc)."""
    clock = Clock()
    emulator = LexEmulator.from_template(write_template(case, directory), clock=clock, today=TODAY)
    with EmulatorServer(emulator) as server:
        client = lex_client(server.url)
        for n, turn, answer in play(client, clock, case):
            where = f"{case.id} turn {n} ({turn.text!r}); {case.doc}: {case.sentence!r}"
            if "error" in answer:
                assert turn.expect.get("error") == answer["error"], f"{where}: {answer}"
                continue
            assert "error" not in turn.expect, f"{where}: expected an error, got {answer}"
            for key, wanted in turn.expect.items():
                got = _get(answer, key)
                assert got == wanted, f"{where}: {key} is {got!r}, expected {wanted!r}\n{answer}"


def ids(cases: list[FlowCase]) -> Callable[[FlowCase], str]:
    return lambda case: case.id
