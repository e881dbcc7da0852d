"""Scripted code hook for the flow conformance cases.

It reports what Lex sent (source, invocationLabel, proposed next action, active contexts, slot
shapes) in session attributes, so a case can check the event through boto3 alone. What it answers
is chosen by the session attribute ``do_<label>`` (or ``do_<invocationSource>``):
``delegate`` (default), ``fail`` (Delegate with intent state Failed), ``raise``, ``sleep``
(longer than the function's timeout), ``close``, ``elicit:<Slot>[:<style>]``,
``switch:<Intent>:<Slot>`` (ElicitSlot of another intent), ``context:<name>`` (Delegate, adding an
active context for 3 turns / 60 s).
"""

from __future__ import annotations

import json
import time
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    state = event["sessionState"]
    intent = dict(state["intent"])
    attributes = dict(state.get("sessionAttributes") or {})
    source = event["invocationSource"]
    label = event.get("invocationLabel")
    attributes["seen_source"] = source
    attributes["seen_label"] = str(label)
    attributes["seen_calls"] = str(int(attributes.get("seen_calls", "0")) + 1)
    proposed = (event.get("proposedNextState") or {}).get("dialogAction")
    attributes["seen_proposed"] = json.dumps(proposed, sort_keys=True) if proposed else "-"
    attributes["seen_contexts"] = ",".join(
        sorted(c["name"] for c in state.get("activeContexts") or [])
    )
    attributes["seen_shapes"] = ",".join(
        f"{n}={s['shape']}:{len(s.get('values') or [])}"
        for n, s in sorted((intent.get("slots") or {}).items())
        if s
    )
    plan = attributes.get(f"do_{label}") or attributes.get(f"do_{source}") or "delegate"
    kind, _, rest = plan.partition(":")
    answer: dict[str, Any] = {"sessionAttributes": attributes, "intent": intent}
    if kind == "raise":
        raise RuntimeError("scripted failure")
    if kind == "sleep":
        time.sleep(3)
    if kind == "fail":
        intent["state"] = "Failed"
        answer["dialogAction"] = {"type": "Delegate"}
    elif kind == "close":
        intent["state"] = "Fulfilled"
        answer["dialogAction"] = {"type": "Close"}
        return {
            "sessionState": answer,
            "messages": [{"contentType": "PlainText", "content": "hook closed"}],
        }
    elif kind == "elicit":
        slot, _, style = rest.partition(":")
        answer["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": slot}
        if style:
            answer["dialogAction"]["slotElicitationStyle"] = style
    elif kind == "switch":
        name, _, slot = rest.partition(":")
        answer["intent"] = {"name": name, "state": "InProgress", "slots": {}}
        answer["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": slot}
    elif kind == "context":
        answer["activeContexts"] = [
            *(state.get("activeContexts") or []),
            {
                "name": rest,
                "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 3},
                "contextAttributes": {"from": "hook"},
            },
        ]
        answer["dialogAction"] = {"type": "Delegate"}
    else:
        answer["dialogAction"] = {"type": "Delegate"}
    return {"sessionState": answer}
