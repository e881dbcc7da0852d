"""A client's ``sessionState`` (RecognizeText and PutSession requests), checked as Lex checks it.

Errors are ``ValidationException`` with the field named; the engine applies the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lex_emulator.bot_model import IntentDef, LocaleDef
from lex_emulator.code_hook import CONFIRMATION_STATES, DIALOG_ACTION_TYPES, INTENT_STATES
from lex_emulator.errors import ValidationException
from lex_emulator.sessions import Session

__all__ = ["client_action", "client_intent", "client_slot", "new_intent", "string_map"]


def new_intent(intent: IntentDef) -> dict[str, Any]:
    """A fresh Lex ``intent`` structure: every slot null, ``InProgress``."""
    return {
        "name": intent.name,
        "slots": {s.name: None for s in intent.slots},
        "state": "InProgress",
        "confirmationState": "None",
    }


def client_intent(locale: LocaleDef, raw: Any) -> dict[str, Any]:
    """``sessionState.intent`` from a client (RecognizeText / PutSession), checked."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise ValidationException("sessionState.intent.name is required")
    intent_def = locale.intent(raw["name"])
    if intent_def is None:
        raise ValidationException(
            f"Intent {raw['name']} is not defined for locale {locale.locale_id}"
        )
    intent = new_intent(intent_def)
    slots = raw.get("slots")
    if slots is not None:
        if not isinstance(slots, Mapping):
            raise ValidationException("sessionState.intent.slots must be an object")
        for name, slot in slots.items():
            if intent_def.slot(name) is None:
                raise ValidationException(f"Slot {name} is not defined for {intent_def.name}")
            intent["slots"][name] = client_slot(name, slot)
    for key, allowed in (("state", INTENT_STATES), ("confirmationState", CONFIRMATION_STATES)):
        if raw.get(key) is not None:
            if raw[key] not in allowed:
                raise ValidationException(f"sessionState.intent.{key} {raw[key]!r} is invalid")
            intent[key] = raw[key]
    return intent


def client_action(locale: LocaleDef, session: Session, raw: Any) -> dict[str, Any]:
    """``sessionState.dialogAction`` from a client, checked against the session's intent."""
    kinds = (*DIALOG_ACTION_TYPES, "None")
    if not isinstance(raw, Mapping) or raw.get("type") not in kinds:
        raise ValidationException(
            "sessionState.dialogAction.type must be one of " + ", ".join(kinds)
        )
    action: dict[str, Any] = {"type": raw["type"]}
    if raw["type"] in ("ElicitSlot", "ConfirmIntent") and session.intent is None:
        raise ValidationException(f"dialogAction {raw['type']} needs sessionState.intent")
    if raw["type"] == "ElicitSlot":
        slot_name = raw.get("slotToElicit")
        intent_def = locale.intent(session.intent["name"]) if session.intent else None
        if not isinstance(slot_name, str) or intent_def is None or not intent_def.slot(slot_name):
            raise ValidationException("dialogAction.slotToElicit must name a slot of the intent")
        action["slotToElicit"] = slot_name
        assert session.intent is not None
        session.intent["state"] = "InProgress"
    if raw["type"] == "ConfirmIntent":
        assert session.intent is not None
        session.intent["state"] = "InProgress"
    return action


def string_map(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationException(f"{name} must map strings to strings")
    return dict(value)


def client_slot(name: str, slot: Any) -> dict[str, Any] | None:
    if slot is None:
        return None
    value = slot.get("value") if isinstance(slot, Mapping) else None
    if not isinstance(value, Mapping) or not isinstance(value.get("interpretedValue"), str):
        raise ValidationException(f"Slot {name} needs value.interpretedValue")
    out: dict[str, Any] = {"shape": "Scalar", "value": dict(value)}
    out["value"].setdefault("originalValue", value["interpretedValue"])
    out["value"].setdefault("resolvedValues", [value["interpretedValue"]])
    return out
