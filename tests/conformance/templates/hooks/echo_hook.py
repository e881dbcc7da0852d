"""A fulfilment code hook for the conformance cases: closes the intent, naming it."""

from __future__ import annotations

from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    intent = dict(event["sessionState"]["intent"])
    intent["state"] = "Fulfilled"
    return {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": intent},
        "messages": [{"contentType": "PlainText", "content": f"echo hook: {intent['name']}"}],
    }
