"""What the dialog engine needs from slot extraction, and the real one (``lex_emulator.slots``).

Values are Lex ``value`` dicts (``originalValue``, ``interpretedValue``, ``resolvedValues``, and
``values`` for a multi-value slot); ``lex_slot`` wraps one as a ``Scalar`` or ``List`` slot.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, Protocol

from lex_emulator.bot_model import SlotTypeDef

__all__ = ["SlotFiller", "SlotsModuleFiller", "lex_slot"]


class SlotFiller(Protocol):
    """What the engine needs from ``lex_emulator.slots``; values are Lex ``value`` dicts."""

    def slot_type(self, spec: SlotTypeDef) -> Any: ...

    def extract(
        self, slot_type: Any, text: str, locale_id: str, today: dt.date
    ) -> dict[str, Any] | None: ...

    def fill(
        self,
        templates: list[str],
        text: str,
        slot_types: dict[str, Any],
        locale_id: str,
        today: dt.date,
    ) -> dict[str, dict[str, Any]]: ...

    def confirmation(self, text: str, locale_id: str) -> str | None: ...


def _value_dict(value: Any) -> dict[str, Any]:
    raw = value.to_lex() if hasattr(value, "to_lex") else value
    if not isinstance(raw, dict):
        raise TypeError(f"slot value {value!r} has no Lex form")
    out = dict(raw["value"]) if "value" in raw and isinstance(raw["value"], dict) else dict(raw)
    if isinstance(raw.get("values"), list):  # a multiple-value slot (shape List)
        out["values"] = raw["values"]
    return out


class SlotsModuleFiller:
    """The real slot extraction, ``lex_emulator.slots`` (imported on first use)."""

    def __init__(self) -> None:
        self._slots: Any = importlib.import_module("lex_emulator.slots")

    def slot_type(self, spec: SlotTypeDef) -> Any:
        return self._slots.SlotType.from_def(spec)

    def extract(
        self, slot_type: Any, text: str, locale_id: str, today: dt.date
    ) -> dict[str, Any] | None:
        found = self._slots.extract_value(slot_type, text, locale_id, today=today)
        return None if found is None else _value_dict(found)

    def fill(
        self,
        templates: list[str],
        text: str,
        slot_types: dict[str, Any],
        locale_id: str,
        today: dt.date,
    ) -> dict[str, dict[str, Any]]:
        found = self._slots.fill_from_utterance(templates, text, slot_types, locale_id, today=today)
        return {name: _value_dict(value) for name, value in found.items()}

    def confirmation(self, text: str, locale_id: str) -> str | None:
        answer = self._slots.parse_confirmation(text, locale_id)
        return answer if answer in ("Yes", "No") else None


def lex_slot(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Lex slot for a value: ``List`` when it carries ``values``, else ``Scalar``."""
    if value is not None and "values" in value:
        value = dict(value)
        return {"shape": "List", "value": value, "values": value.pop("values")}
    return None if value is None else {"shape": "Scalar", "value": value}
