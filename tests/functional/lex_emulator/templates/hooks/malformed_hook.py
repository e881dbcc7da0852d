"""Test code hook that answers in ways Lex V2 rejects, chosen by words in the user's text."""

from __future__ import annotations

import time
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    text = event.get("inputTranscript", "")
    if "raise" in text:
        raise RuntimeError("the hook blew up")
    if "sleep" in text:
        time.sleep(3)  # longer than the function's Timeout (2 s)
        return {}
    if "string" in text:
        return "not a dict"
    if "bogus" in text:
        return {
            "sessionState": {
                "dialogAction": {"type": "Bogus"},
                "intent": {"name": event["sessionState"]["intent"]["name"], "state": "Fulfilled"},
            }
        }
    if "elicit" in text:  # ElicitSlot without slotToElicit
        return {
            "sessionState": {
                "dialogAction": {"type": "ElicitSlot"},
                "intent": event["sessionState"]["intent"],
            }
        }
    return {"messages": "no session state at all"}
