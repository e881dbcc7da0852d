"""Check a Lex V2 code-hook (Lambda) RESPONSE against Lex's documented rules.

Sources (Amazon Lex V2 Developer Guide):

* "AWS Lambda response format for Lex V2"
  https://docs.aws.amazon.com/lexv2/latest/dg/lambda-response-format.html - ``sessionState`` is
  always required; ``messages`` is required when ``dialogAction.type`` is ``ElicitIntent`` or
  ``ConfirmIntent``; message ``contentType`` is CustomPayload | ImageResponseCard | PlainText |
  SSML; ``content`` for the text types, ``imageResponseCard`` for cards; ``requestAttributes`` is
  a string map.
* "Common structures in an AWS Lambda function for Amazon Lex V2"
  https://docs.aws.amazon.com/lexv2/latest/dg/lambda-common-structures.html - ``dialogAction.type``
  is Close | ConfirmIntent | Delegate | ElicitIntent | ElicitSlot; ``slotToElicit`` is required for
  ElicitSlot; ``slotElicitationStyle`` is Default | SpellByLetter | SpellByWord; intent ``state`` is
  Failed | Fulfilled | FulfillmentInProgress | InProgress | ReadyForFulfillment | Waiting;
  ``confirmationState`` is Confirmed | Denied | None; ``sessionAttributes`` map strings to strings;
  slot values are ``{"shape": "Scalar"|"List", "value": {...}, "values": [...]}`` or null.
* Runtime API ``Message`` / ``SessionState`` limits
  (https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_Message.html): ``content`` is
  1-1000 characters; a response carries at most 10 messages (the bot-side message group limit).
* The session-attribute budget: Lex rejects session state larger than 12 KB; we hold the attributes
  to ``MAX_SESSION_ATTRIBUTES_BYTES``.

Rules this project adds on top, because Lex rejects or misbehaves otherwise in practice: a
``Close`` must name the intent and set its state to ``Fulfilled`` or ``Failed`` (``InProgress``
after Close leaves the intent dangling), and every action except ``ElicitIntent`` must carry an
intent with a name.

``violations(response)`` returns a list of human-readable problems (empty when valid);
``assert_valid(response)`` raises ``AssertionError`` listing them.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "CONTENT_TYPES",
    "DIALOG_ACTIONS",
    "INTENT_STATES",
    "MAX_MESSAGES",
    "MAX_MESSAGE_CHARS",
    "assert_valid",
    "violations",
]

DIALOG_ACTIONS = frozenset({"Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"})
INTENT_STATES = frozenset(
    {"Failed", "Fulfilled", "FulfillmentInProgress", "InProgress", "ReadyForFulfillment", "Waiting"}
)
CLOSE_STATES = frozenset({"Fulfilled", "Failed"})
CONFIRMATION_STATES = frozenset({"Confirmed", "Denied", "None"})
CONTENT_TYPES = frozenset({"CustomPayload", "ImageResponseCard", "PlainText", "SSML"})
ELICITATION_STYLES = frozenset({"Default", "SpellByLetter", "SpellByWord"})
SLOT_SHAPES = frozenset({"Scalar", "List", "Composite"})
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 1000
MAX_SESSION_ATTRIBUTES_BYTES = 12 * 1024


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_string_map(value: Any, where: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        out.append(f"{where} must be an object of string to string")
        return
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            out.append(f"{where}[{key!r}] must be a string, got {type(item).__name__}")


def _check_slots(slots: Any, where: str, out: list[str]) -> None:
    if slots is None:
        return
    if not isinstance(slots, dict):
        out.append(f"{where} must be an object")
        return
    for name, slot in slots.items():
        if slot is None:
            continue
        if not isinstance(slot, dict):
            out.append(f"{where}.{name} must be null or a slot object")
            continue
        shape = slot.get("shape", "Scalar")
        if shape not in SLOT_SHAPES:
            out.append(f"{where}.{name}.shape {shape!r} is not one of {sorted(SLOT_SHAPES)}")
        value = slot.get("value")
        if value is not None and not isinstance(value, dict):
            out.append(f"{where}.{name}.value must be an object")
        elif isinstance(value, dict) and not isinstance(value.get("interpretedValue", ""), str):
            out.append(f"{where}.{name}.value.interpretedValue must be a string")


def _check_intent(intent: Any, out: list[str]) -> None:
    if not isinstance(intent, dict):
        out.append("sessionState.intent must be an object")
        return
    if not isinstance(intent.get("name"), str) or not intent.get("name"):
        out.append("sessionState.intent.name is required")
    state = intent.get("state")
    if state is not None and state not in INTENT_STATES:
        out.append(f"sessionState.intent.state {state!r} is not one of {sorted(INTENT_STATES)}")
    confirmation = intent.get("confirmationState")
    if confirmation is not None and confirmation not in CONFIRMATION_STATES:
        out.append(f"sessionState.intent.confirmationState {confirmation!r} is invalid")
    _check_slots(intent.get("slots"), "sessionState.intent.slots", out)


def _check_messages(messages: Any, out: list[str]) -> None:
    if not isinstance(messages, list):
        out.append("messages must be a list")
        return
    if len(messages) > MAX_MESSAGES:
        out.append(f"messages has {len(messages)} entries; Lex allows at most {MAX_MESSAGES}")
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            out.append(f"{where} must be an object")
            continue
        content_type = message.get("contentType")
        if content_type not in CONTENT_TYPES:
            out.append(
                f"{where}.contentType {content_type!r} is not one of {sorted(CONTENT_TYPES)}"
            )
            continue
        if content_type == "ImageResponseCard":
            card = message.get("imageResponseCard")
            if not isinstance(card, dict) or not isinstance(card.get("title"), str):
                out.append(f"{where}.imageResponseCard with a title is required")
            continue
        content = message.get("content")
        if not isinstance(content, str) or not content:
            out.append(f"{where}.content must be a non-empty string")
            continue
        if _utf16_len(content) > MAX_MESSAGE_CHARS:
            out.append(
                f"{where}.content is {_utf16_len(content)} characters; max {MAX_MESSAGE_CHARS}"
            )
        if _has_lone_surrogate(content):
            out.append(f"{where}.content contains a lone surrogate (split mid-character)")


def violations(response: Any) -> list[str]:
    """Every documented rule the response breaks; empty when Lex would accept it."""
    out: list[str] = []
    if not isinstance(response, dict):
        return ["the response must be a JSON object"]
    try:
        json.dumps(response)
    except (TypeError, ValueError) as exc:
        out.append(f"the response is not JSON-serialisable: {exc}")
    state = response.get("sessionState")
    if not isinstance(state, dict):
        return [*out, "sessionState is required and must be an object"]

    attributes = state.get("sessionAttributes")
    if attributes is not None:
        _check_string_map(attributes, "sessionState.sessionAttributes", out)
        if isinstance(attributes, dict):
            size = len(json.dumps(attributes, ensure_ascii=False).encode("utf-8"))
            if size > MAX_SESSION_ATTRIBUTES_BYTES:
                out.append(f"sessionAttributes take {size} bytes; Lex allows about 12 KB")
    if "requestAttributes" in response:
        _check_string_map(response["requestAttributes"], "requestAttributes", out)
    contexts = state.get("activeContexts")
    if contexts is not None and not isinstance(contexts, list):
        out.append("sessionState.activeContexts must be a list")

    action = state.get("dialogAction")
    if not isinstance(action, dict):
        out.append("sessionState.dialogAction must be an object with a type")
        action_type = None
    else:
        action_type = action.get("type")
        if action_type not in DIALOG_ACTIONS:
            out.append(f"dialogAction.type {action_type!r} is not one of {sorted(DIALOG_ACTIONS)}")
        if action_type == "ElicitSlot" and not isinstance(action.get("slotToElicit"), str):
            out.append("dialogAction.slotToElicit is required for ElicitSlot")
        style = action.get("slotElicitationStyle")
        if style is not None and style not in ELICITATION_STYLES:
            out.append(f"dialogAction.slotElicitationStyle {style!r} is invalid")

    intent = state.get("intent")
    if action_type != "ElicitIntent" or intent is not None:
        _check_intent(intent, out)
    if (
        action_type == "Close"
        and isinstance(intent, dict)
        and intent.get("state") not in CLOSE_STATES
    ):
        out.append(
            f"a Close must set sessionState.intent.state to Fulfilled or Failed, "
            f"got {intent.get('state')!r}"
        )

    messages = response.get("messages")
    if messages is not None:
        _check_messages(messages, out)
    if action_type in ("ElicitIntent", "ConfirmIntent") and not messages:
        out.append(f"messages are required when dialogAction.type is {action_type}")
    unknown = set(response) - {"sessionState", "messages", "requestAttributes"}
    if unknown:
        out.append(f"unknown top-level fields: {sorted(unknown)}")
    return out


def assert_valid(response: Any) -> None:
    problems = violations(response)
    assert not problems, "invalid Lex V2 code-hook response:\n  " + "\n  ".join(problems)
