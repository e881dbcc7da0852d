"""Lex V2 code-hook responses (https://docs.aws.amazon.com/lexv2/latest/dg/lambda-response-format.html).

* ``close_fulfilled`` - the LLM answered: ``Close`` with the intent ``Fulfilled`` and the answer as
  PlainText messages.
* ``close_failed`` - no answer (timeout, outage, no key, empty input): ``Close`` with the intent
  ``Failed`` and a friendly message. Why ``Failed`` and not ``Fulfilled``: the intent state is the
  truth that Lex's analytics and conversation logs record, and Lex still returns the messages the
  function sends (the bot's own failure response is only used when the function sends none, and our
  FallbackIntent defines none). ``Close`` ends the intent either way, so the next utterance starts
  afresh and the conversation stays usable; the LLM history is left untouched so a failed turn is
  not replayed to the model.
* ``delegate`` - a ``DialogCodeHook`` call, or an intent we don't own: let Lex decide, changing
  nothing.

Bounds, as Lex's own limits: the session attributes echoed back are held to
``MAX_SESSION_ATTRIBUTES_BYTES`` (Lex keeps at most 12 KB of them; the history attribute is kept
first, others in order while they fit), and active contexts or slots larger than that are not
echoed (Lex never sends a code hook more than 12 KB, so they did not come from Lex).

Messages: Lex accepts at most 10 per response, and we keep each at most 1,000 characters counted
in UTF-16 code units (what Lex's Java services count), split on paragraph, then sentence, then
whitespace boundaries, never inside a surrogate pair; anything beyond 10 messages is cut with "…".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from llm_fallback.event import LexEvent
from llm_fallback.history import HISTORY_ATTRIBUTE
from llm_fallback.text import fit_utf16, utf16_len, well_formed

__all__ = [
    "MAX_ECHOED_BYTES",
    "MAX_MESSAGES",
    "MAX_MESSAGE_CHARS",
    "MAX_SESSION_ATTRIBUTES_BYTES",
    "bound_session_attributes",
    "close",
    "close_failed",
    "close_fulfilled",
    "delegate",
    "split_message",
    "utf16_len",
]

MAX_MESSAGES = 10
MAX_SESSION_ATTRIBUTES_BYTES = 12 * 1024
MAX_ECHOED_BYTES = 12 * 1024
"""Active contexts and slots above this are not echoed back."""
MAX_MESSAGE_CHARS = 1000
ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?。！？…](?=\s)|[。！？]")


def _fit(text: str, limit: int) -> int:
    """How many code points of ``text`` fit in ``limit`` UTF-16 units (never half a pair)."""
    return len(fit_utf16(text, limit))


def _cut_point(text: str, limit: int) -> int:
    """Where to end the next message: the last good boundary inside the first ``limit`` units."""
    end = _fit(text, limit)
    window = text[:end]
    floor = end // 3  # a boundary too early would waste most of the message
    paragraph = window.rfind("\n\n")
    if paragraph > floor:
        return paragraph
    sentences = [m.end() for m in _SENTENCE_END.finditer(window)]
    if sentences and sentences[-1] > floor:
        return sentences[-1]
    line = window.rfind("\n")
    if line > floor:
        return line
    space = max(window.rfind(" "), window.rfind("\t"), window.rfind("\u3000"))
    if space > floor:
        return space
    return end


def split_message(
    text: str, *, limit: int = MAX_MESSAGE_CHARS, max_messages: int = MAX_MESSAGES
) -> list[str]:
    """Split ``text`` into at most ``max_messages`` non-empty parts of at most ``limit`` units."""
    rest = well_formed(text).strip()
    parts: list[str] = []
    while rest and len(parts) <= max_messages:
        if utf16_len(rest) <= limit:
            parts.append(rest)
            rest = ""
            break
        cut = max(_cut_point(rest, limit), 1)
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[cut:].lstrip()
    if len(parts) > max_messages or rest:
        parts = parts[:max_messages]
        last = parts[-1]
        room = limit - utf16_len(ELLIPSIS)
        if utf16_len(last) > room:
            last = last[: _cut_point(last, room)].rstrip() or last[: _fit(last, room)]
        parts[-1] = last + ELLIPSIS
    return parts


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def bound_session_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """The attributes that fit in ``MAX_SESSION_ATTRIBUTES_BYTES`` (JSON, UTF-8): the history
    first, then the others in their order; an attribute that does not fit is dropped."""
    if _json_bytes(dict(attributes)) <= MAX_SESSION_ATTRIBUTES_BYTES:
        return dict(attributes)
    ordered = sorted(attributes.items(), key=lambda item: item[0] != HISTORY_ATTRIBUTE)
    kept: dict[str, str] = {}
    used = 2  # the braces
    for key, value in ordered:
        size = _json_bytes(key) + _json_bytes(value) + 2  # ": " or ", "
        if used + size <= MAX_SESSION_ATTRIBUTES_BYTES:
            kept[key] = value
            used += size
    return kept


def _bounded(value: Any) -> Any:
    return value if _json_bytes(value) <= MAX_ECHOED_BYTES else None


def _intent(event: LexEvent, state: str) -> dict[str, Any]:
    return {
        "name": event.intent_name or "FallbackIntent",
        "slots": _bounded(event.slots) or {},
        "state": state,
        "confirmationState": event.intent_confirmation_state,
    }


def _session_state(
    event: LexEvent,
    dialog_action: dict[str, Any],
    intent: dict[str, Any],
    session_attributes: Mapping[str, str],
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "sessionAttributes": bound_session_attributes(session_attributes),
        "dialogAction": dialog_action,
        "intent": intent,
    }
    contexts = _bounded(event.active_contexts)
    if contexts:
        state["activeContexts"] = contexts
    return state


def close(
    event: LexEvent, text: str, *, state: str, session_attributes: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``Close`` with ``text`` split into PlainText messages."""
    attributes = event.session_attributes if session_attributes is None else session_attributes
    return {
        "sessionState": _session_state(event, {"type": "Close"}, _intent(event, state), attributes),
        "messages": [{"contentType": "PlainText", "content": part} for part in split_message(text)],
    }


def close_fulfilled(
    event: LexEvent, text: str, session_attributes: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return close(event, text, state="Fulfilled", session_attributes=session_attributes)


def close_failed(event: LexEvent, text: str) -> dict[str, Any]:
    return close(event, text, state="Failed")


def delegate(event: LexEvent) -> dict[str, Any]:
    """``Delegate`` with the intent as received (its state kept, defaulting to InProgress)."""
    return {
        "sessionState": _session_state(
            event,
            {"type": "Delegate"},
            _intent(event, event.intent_state or "InProgress"),
            event.session_attributes,
        ),
    }
