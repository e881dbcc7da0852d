"""Check a code-hook event against the fields of Lex V2's documented Lambda input event.

Source: "AWS Lambda input event format for Lex V2" and the "Intent" / "Session state" pages of the
Lex V2 developer guide (https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html). The
rules are written out field by field below so a reader can hold them against the docs:

* every top-level field the docs list for a text conversation must be there with its type;
* ``nluConfidence`` in an interpretation is a bare number (RecognizeText answers use
  ``{"score": n}``; the Lambda event does not);
* intents carry ``name``, ``slots`` (a map whose values are a slot or ``null``), ``state`` and
  ``confirmationState`` from the documented enums;
* a slot ``value`` carries ``originalValue``, ``interpretedValue`` and ``resolvedValues``;
* fields the docs do not list are reported, so the emulator does not invent any.

    assert_valid_event(event)    # raises AssertionError listing every problem
    event_problems(event)        # -> list[str]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["assert_valid_event", "event_problems"]

INVOCATION_SOURCES = ("DialogCodeHook", "FulfillmentCodeHook")
INPUT_MODES = ("DTMF", "Speech", "Text")
DIALOG_ACTION_TYPES = ("Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot")
INTENT_STATES = (
    "Failed",
    "Fulfilled",
    "FulfillmentInProgress",
    "InProgress",
    "ReadyForFulfillment",
    "Waiting",
)
CONFIRMATION_STATES = ("Confirmed", "Denied", "None")
SLOT_SHAPES = ("List", "Scalar", "Composite")
SENTIMENTS = ("MIXED", "NEGATIVE", "NEUTRAL", "POSITIVE")
INTERPRETATION_SOURCES = ("Bedrock", "Lex")

_TOP_REQUIRED = (
    "messageVersion",
    "invocationSource",
    "inputMode",
    "responseContentType",
    "sessionId",
    "inputTranscript",
    "bot",
    "interpretations",
    "sessionState",
)
# rawInputTranscript is not in the docs' field list, but real Lex V2 events carry it next to
# inputTranscript (it is the text before spelling/runtime-hint processing), so it is accepted.
_TOP_OPTIONAL = (
    "invocationLabel",
    "proposedNextState",
    "requestAttributes",
    "transcriptions",
    "rawInputTranscript",
)
_BOT_FIELDS = ("id", "name", "localeId", "version", "aliasId", "aliasName")

Problems = list[str]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unknown(obj: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> Problems:
    return [f"{where}: field {k!r} is not in the Lex V2 docs" for k in obj if k not in allowed]


def _string(obj: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Problems:
    if key not in obj:
        return [f"{where}: missing {key!r}"] if required else []
    if not isinstance(obj[key], str):
        return [f"{where}.{key}: expected string, got {type(obj[key]).__name__}"]
    return []


def _enum(
    obj: Mapping[str, Any], key: str, allowed: tuple[str, ...], where: str, *, required: bool = True
) -> Problems:
    if key not in obj:
        return [f"{where}: missing {key!r}"] if required else []
    if obj[key] not in allowed:
        return [f"{where}.{key}: {obj[key]!r} is not one of {allowed}"]
    return []


def _object(
    value: Any, where: str, check: Callable[[Mapping[str, Any], str], Problems]
) -> Problems:
    if not isinstance(value, dict):
        return [f"{where}: expected object, got {type(value).__name__}"]
    return check(value, where)


def _string_map(value: Any, where: str) -> Problems:
    if not isinstance(value, dict):
        return [f"{where}: expected object of strings, got {type(value).__name__}"]
    return [
        f"{where}[{k!r}]: expected string, got {type(v).__name__}"
        for k, v in value.items()
        if not isinstance(k, str) or not isinstance(v, str)
    ]


def _value(value: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(value, ("originalValue", "interpretedValue", "resolvedValues"), where)
    out += _string(value, "originalValue", where)
    out += _string(value, "interpretedValue", where)
    resolved = value.get("resolvedValues")
    if not isinstance(resolved, list) or not all(isinstance(v, str) for v in resolved):
        out.append(f"{where}.resolvedValues: expected a list of strings")
    return out


def _slot(slot: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(slot, ("shape", "value", "values", "subSlots"), where)
    out += _enum(slot, "shape", SLOT_SHAPES, where, required=False)
    if slot.get("shape") == "List":
        values = slot.get("values")
        if not isinstance(values, list):
            out.append(f"{where}.values: a List slot needs a list of values")
        else:
            for i, item in enumerate(values):
                out += _object(item, f"{where}.values[{i}]", _slot)
    if "value" in slot:
        out += _object(slot["value"], f"{where}.value", _value)
    elif slot.get("shape", "Scalar") == "Scalar":
        out.append(f"{where}: a Scalar slot needs 'value'")
    if "subSlots" in slot:
        out += _slots(slot["subSlots"], f"{where}.subSlots")
    return out


def _slots(slots: Any, where: str) -> Problems:
    if not isinstance(slots, dict):
        return [f"{where}: expected object, got {type(slots).__name__}"]
    out: Problems = []
    for name, slot in slots.items():
        if slot is not None:  # Lex sends null for a slot with no value yet
            out += _object(slot, f"{where}[{name!r}]", _slot)
    return out


def _intent(intent: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(intent, ("name", "slots", "state", "confirmationState", "kendraResponse"), where)
    out += _string(intent, "name", where)
    if "slots" not in intent:
        out.append(f"{where}: missing 'slots'")
    else:
        out += _slots(intent["slots"], f"{where}.slots")
    out += _enum(intent, "state", INTENT_STATES, where)
    out += _enum(intent, "confirmationState", CONFIRMATION_STATES, where)
    return out


def _sentiment(value: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(value, ("sentiment", "sentimentScore"), where)
    out += _enum(value, "sentiment", SENTIMENTS, where)
    score = value.get("sentimentScore")
    if not isinstance(score, dict) or not all(_is_number(v) for v in score.values()):
        out.append(f"{where}.sentimentScore: expected an object of numbers")
    return out


def _interpretation(item: Mapping[str, Any], where: str) -> Problems:
    allowed = ("intent", "nluConfidence", "sentimentResponse", "interpretationSource")
    out = _unknown(item, allowed, where)
    if "intent" not in item:
        out.append(f"{where}: missing 'intent'")
    else:
        out += _object(item["intent"], f"{where}.intent", _intent)
    if "nluConfidence" in item and not _is_number(item["nluConfidence"]):
        out.append(
            f"{where}.nluConfidence: must be a bare number in the Lambda event, "
            f"got {item['nluConfidence']!r}"
        )
    if "sentimentResponse" in item:
        out += _object(item["sentimentResponse"], f"{where}.sentimentResponse", _sentiment)
    out += _enum(item, "interpretationSource", INTERPRETATION_SOURCES, where, required=False)
    return out


def _dialog_action(action: Mapping[str, Any], where: str) -> Problems:
    allowed = ("type", "slotToElicit", "slotElicitationStyle", "subSlotToElicit")
    out = _unknown(action, allowed, where)
    out += _enum(action, "type", (*DIALOG_ACTION_TYPES, "None"), where)
    out += _string(action, "slotToElicit", where, required=action.get("type") == "ElicitSlot")
    return out


def _session_state(state: Mapping[str, Any], where: str) -> Problems:
    allowed = (
        "activeContexts",
        "sessionAttributes",
        "runtimeHints",
        "dialogAction",
        "intent",
        "originatingRequestId",
    )
    out = _unknown(state, allowed, where)
    if "intent" not in state:
        out.append(f"{where}: missing 'intent' (Lex always sends the current intent)")
    else:
        out += _object(state["intent"], f"{where}.intent", _intent)
    if "sessionAttributes" in state:
        out += _string_map(state["sessionAttributes"], f"{where}.sessionAttributes")
    if "activeContexts" in state and not isinstance(state["activeContexts"], list):
        out.append(f"{where}.activeContexts: expected a list")
    if "dialogAction" in state:
        out += _object(state["dialogAction"], f"{where}.dialogAction", _dialog_action)
    out += _string(state, "originatingRequestId", where, required=False)
    return out


def _proposed(state: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(state, ("dialogAction", "intent", "prompt"), where)
    if "dialogAction" in state:
        out += _object(state["dialogAction"], f"{where}.dialogAction", _dialog_action)
    if "intent" in state:
        out += _object(state["intent"], f"{where}.intent", _intent)
    prompt = state.get("prompt")
    if prompt is not None and (
        not isinstance(prompt, dict) or not isinstance(prompt.get("attempt"), str)
    ):
        out.append(f"{where}.prompt: expected {{'attempt': string}}")
    return out


def _bot(bot: Mapping[str, Any], where: str) -> Problems:
    out = _unknown(bot, _BOT_FIELDS, where)
    for key in _BOT_FIELDS:
        out += _string(bot, key, where)
    return out


def event_problems(event: Any) -> Problems:
    """Every way ``event`` departs from the documented Lex V2 Lambda input event."""
    if not isinstance(event, dict):
        return [f"event: expected object, got {type(event).__name__}"]
    where = "event"
    out = _unknown(event, _TOP_REQUIRED + _TOP_OPTIONAL, where)
    if event.get("messageVersion") != "1.0":
        out.append(f"event.messageVersion: expected '1.0', got {event.get('messageVersion')!r}")
    out += _enum(event, "invocationSource", INVOCATION_SOURCES, where)
    out += _enum(event, "inputMode", INPUT_MODES, where)
    for key in ("responseContentType", "sessionId", "inputTranscript"):
        out += _string(event, key, where)
    out += _string(event, "invocationLabel", where, required=False)
    out += _string(event, "rawInputTranscript", where, required=False)
    if "bot" not in event:
        out.append("event: missing 'bot'")
    else:
        out += _object(event["bot"], "event.bot", _bot)
    interpretations = event.get("interpretations")
    if not isinstance(interpretations, list) or not interpretations:
        out.append("event.interpretations: expected a non-empty list")
    else:
        for i, item in enumerate(interpretations):
            out += _object(item, f"event.interpretations[{i}]", _interpretation)
    if "sessionState" not in event:
        out.append("event: missing 'sessionState'")
    else:
        out += _object(event["sessionState"], "event.sessionState", _session_state)
    if "proposedNextState" in event:
        out += _object(event["proposedNextState"], "event.proposedNextState", _proposed)
    if "requestAttributes" in event:
        out += _string_map(event["requestAttributes"], "event.requestAttributes")
    if "transcriptions" in event and not isinstance(event["transcriptions"], list):
        out.append("event.transcriptions: expected a list")
    return out


def assert_valid_event(event: Any) -> None:
    problems = event_problems(event)
    assert not problems, "code-hook event does not match the Lex V2 docs:\n  " + "\n  ".join(
        problems
    )
