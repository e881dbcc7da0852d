"""A read-only view of the Lex V2 code-hook (Lambda) input event.

Field names follow "AWS Lambda input event format for Lex V2"
(https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html). Every property tolerates
a missing or oddly typed field and returns an empty value instead of raising, and unknown fields
are ignored, as Lex asks of its consumers. The wrapper never mutates the event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

__all__ = ["Interpretation", "LexEvent"]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _str_map(value: Any) -> dict[str, str]:
    """A string-to-string map; non-string values are dropped (Lex only sends strings)."""
    return {k: v for k, v in _dict(value).items() if isinstance(k, str) and isinstance(v, str)}


def _score(value: Any) -> float | None:
    """``nluConfidence`` is a bare number in Lambda events and ``{"score": n}`` in older docs."""
    if isinstance(value, dict):
        value = value.get("score")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class Interpretation:
    """One entry of ``interpretations``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def intent_name(self) -> str:
        return _str(_dict(self._raw.get("intent")).get("name"))

    @property
    def nlu_confidence(self) -> float | None:
        return _score(self._raw.get("nluConfidence"))

    @property
    def interpretation_source(self) -> str:
        return _str(self._raw.get("interpretationSource"))


class LexEvent:
    """Properties over the raw event dict; ``raw`` gives the dict itself (do not modify it)."""

    def __init__(self, raw: Any) -> None:
        self._raw: dict[str, Any] = raw if isinstance(raw, dict) else {}

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._raw

    # -- top level -----------------------------------------------------------------------------
    @property
    def message_version(self) -> str:
        return _str(self._raw.get("messageVersion"))

    @property
    def invocation_source(self) -> str:
        """``DialogCodeHook`` or ``FulfillmentCodeHook``."""
        return _str(self._raw.get("invocationSource"))

    @property
    def input_mode(self) -> str:
        return _str(self._raw.get("inputMode"))

    @property
    def input_transcript(self) -> str:
        return _str(self._raw.get("inputTranscript"))

    @property
    def session_id(self) -> str:
        return _str(self._raw.get("sessionId"))

    @property
    def session_hash(self) -> str:
        """What logs carry instead of the session id (a credential): 16 hex digits of its SHA-256,
        the same hash the chat API logs (docs/contracts.md); empty when there is no id."""
        if not self.session_id:
            return ""
        data = self.session_id.encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).hexdigest()[:16]

    @property
    def request_attributes(self) -> dict[str, str]:
        return _str_map(self._raw.get("requestAttributes"))

    # -- bot -----------------------------------------------------------------------------------
    @property
    def _bot(self) -> dict[str, Any]:
        return _dict(self._raw.get("bot"))

    @property
    def bot_id(self) -> str:
        return _str(self._bot.get("id"))

    @property
    def bot_name(self) -> str:
        return _str(self._bot.get("name"))

    @property
    def bot_alias_id(self) -> str:
        return _str(self._bot.get("aliasId"))

    @property
    def bot_version(self) -> str:
        return _str(self._bot.get("version"))

    @property
    def locale_id(self) -> str:
        return _str(self._bot.get("localeId"))

    # -- session state -------------------------------------------------------------------------
    @property
    def session_state(self) -> Mapping[str, Any]:
        return _dict(self._raw.get("sessionState"))

    @property
    def session_attributes(self) -> dict[str, str]:
        """A fresh copy: change it freely to build a response."""
        return _str_map(self.session_state.get("sessionAttributes"))

    @property
    def active_contexts(self) -> list[dict[str, Any]]:
        contexts = self.session_state.get("activeContexts")
        return [c for c in contexts if isinstance(c, dict)] if isinstance(contexts, list) else []

    @property
    def intent(self) -> Mapping[str, Any]:
        """``sessionState.intent``: the intent Lex is running (read it here, not elsewhere)."""
        return _dict(self.session_state.get("intent"))

    @property
    def intent_name(self) -> str:
        return _str(self.intent.get("name"))

    @property
    def intent_state(self) -> str:
        return _str(self.intent.get("state"))

    @property
    def intent_confirmation_state(self) -> str:
        return _str(self.intent.get("confirmationState")) or "None"

    @property
    def slots(self) -> dict[str, Any]:
        """Slots as received (values may be null); a shallow copy."""
        return dict(_dict(self.intent.get("slots")))

    # -- NLU -----------------------------------------------------------------------------------
    @property
    def interpretations(self) -> list[Interpretation]:
        items = self._raw.get("interpretations")
        if not isinstance(items, list):
            return []
        return [Interpretation(i) for i in items if isinstance(i, dict)]

    @property
    def nlu_confidence(self) -> float | None:
        """Confidence of the interpretation matching the running intent, when Lex gave one."""
        for interpretation in self.interpretations:
            if interpretation.intent_name == self.intent_name:
                return interpretation.nlu_confidence
        return None

    @property
    def transcriptions(self) -> list[tuple[str, float | None]]:
        """``(transcription, transcriptionConfidence)`` pairs (speech input; text has one)."""
        items = self._raw.get("transcriptions")
        if not isinstance(items, list):
            return []
        return [
            (_str(t.get("transcription")), _score(t.get("transcriptionConfidence")))
            for t in items
            if isinstance(t, dict)
        ]
