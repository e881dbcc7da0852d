"""Multi-value slots (``MultipleValuesSetting.AllowMultipleValues``): a ``List``-shaped slot.

https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html: "Amazon Lex V2 recognizes
multiple values separated by spaces, commas (,), and the conjunction 'and'." and "A multi-value
slot always returns a list of values. When the utterance contains only one value, the list of
values returned contains only one response." The top-level ``value`` holds the whole phrase, each
entry of ``values`` one ``Scalar`` value, as in the guide's OrderPizza example.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["list_slot", "split_values"]

_SEPARATORS = re.compile(r",|\band\b", re.IGNORECASE)


def split_values(
    text: str, extract: Callable[[str], dict[str, Any] | None]
) -> list[dict[str, Any]]:
    """Values in ``text``: parts between commas and "and", or else single words."""
    found: list[dict[str, Any]] = []
    for part in (p.strip() for p in _SEPARATORS.split(text)):
        if not part:
            continue
        value = extract(part)
        if value is not None:
            found.append(value)
            continue
        found.extend(v for v in (extract(word) for word in part.split()) if v is not None)
    return found


def list_slot(
    text: str, value: dict[str, Any], extract: Callable[[str], dict[str, Any] | None]
) -> dict[str, Any]:
    """The Lex ``List`` slot for ``text`` (``value`` is what the whole reply resolved to)."""
    values = split_values(text, extract) or [value]
    phrase = text.strip() or str(value.get("originalValue") or "")
    return {
        "shape": "List",
        "value": {"originalValue": phrase, "interpretedValue": phrase, "resolvedValues": [phrase]},
        "values": [{"shape": "Scalar", "value": v} for v in values],
    }
