"""Tiny Lex V2 code hooks for the emulator's unit tests (wired in ../hooks.yaml).

Each handler records what it saw in ``sessionAttributes`` so tests can read it from the reply.
"""

import json
import os
import time


def _summary(event, context):
    return json.dumps(
        {
            "invocationSource": event["invocationSource"],
            "intent": event["sessionState"]["intent"]["name"],
            "greeting": os.environ.get("EMULATOR_TEST_GREETING", ""),
            "remaining_ms": context.get_remaining_time_in_millis(),
            "function_name": context.function_name,
        }
    )


def close_handler(event, context):
    """Close the intent Fulfilled, answering with the transcript; count calls in an attribute."""
    attributes = dict(event["sessionState"].get("sessionAttributes") or {})
    attributes["calls"] = str(int(attributes.get("calls", "0")) + 1)
    attributes["event"] = json.dumps(event)
    attributes["summary"] = _summary(event, context)
    intent = dict(event["sessionState"]["intent"])
    intent["state"] = "Fulfilled"
    return {
        "sessionState": {
            "sessionAttributes": attributes,
            "dialogAction": {"type": "Close"},
            "intent": intent,
        },
        "messages": [{"contentType": "PlainText", "content": "hook: " + event["inputTranscript"]}],
    }


def malformed_handler(event, context):
    return {"sessionState": {"dialogAction": {"type": "Shout"}}, "messages": "not a list"}


def raising_handler(event, context):
    raise RuntimeError("the handler broke")


def slow_handler(event, context):
    time.sleep(2.0)
    return close_handler(event, context)


def dialog_handler(event, context):
    """Dialog hook: Delegate, counting calls; fulfilment: Close with the slot value."""
    if event["inputTranscript"] == "explode":
        raise ValueError("boom")
    attributes = dict(event["sessionState"].get("sessionAttributes") or {})
    key = "dialog_calls" if event["invocationSource"] == "DialogCodeHook" else "fulfil_calls"
    attributes[key] = str(int(attributes.get(key, "0")) + 1)
    attributes["last_proposed"] = json.dumps(event.get("proposedNextState"))
    intent = event["sessionState"]["intent"]
    if event["invocationSource"] == "DialogCodeHook":
        return {
            "sessionState": {
                "sessionAttributes": attributes,
                "dialogAction": {"type": "Delegate"},
                "intent": intent,
            }
        }
    nights = intent["slots"]["Nights"]["value"]["interpretedValue"]
    if nights == "99":
        return {
            "sessionState": {
                "sessionAttributes": attributes,
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Nights"},
                "intent": {**intent, "slots": {"Nights": None}, "state": "InProgress"},
            },
            "messages": [{"contentType": "PlainText", "content": "Too many; how many nights?"}],
        }
    return {
        "sessionState": {
            "sessionAttributes": attributes,
            "dialogAction": {"type": "Close"},
            "intent": {**intent, "state": "Fulfilled"},
        },
    }
