"""Test code hook: records every Lex V2 event it receives and answers like a well-behaved Lambda.

Dialog code hook calls are answered with ``Delegate``; fulfillment calls ``Close`` the intent with a
message naming the intent, its slot values, and an environment variable from the template (so tests
see that the function's Environment was applied).
"""

from __future__ import annotations

import copy
import os
import threading
from typing import Any

EVENTS: list[dict[str, Any]] = []
_LOCK = threading.Lock()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with _LOCK:
        EVENTS.append(copy.deepcopy(event))
    state = event["sessionState"]
    intent = dict(state["intent"])
    attributes = dict(state.get("sessionAttributes") or {})
    attributes["hookCalls"] = str(int(attributes.get("hookCalls", "0")) + 1)
    attributes["remainingMs"] = str(context.get_remaining_time_in_millis())
    if event["invocationSource"] == "DialogCodeHook":
        return {
            "sessionState": {
                "sessionAttributes": attributes,
                "dialogAction": {"type": "Delegate"},
                "intent": intent,
            }
        }
    values = {
        name: slot["value"]["interpretedValue"]
        for name, slot in (intent.get("slots") or {}).items()
        if slot and slot.get("value")
    }
    intent["state"] = "Fulfilled"
    text = f"{intent['name']} done {values} / {os.environ.get('HOOK_GREETING', 'no env')}"
    return {
        "sessionState": {
            "sessionAttributes": attributes,
            "dialogAction": {"type": "Close"},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": text}],
    }
