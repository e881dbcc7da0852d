"""A tiny in-memory stand-in for ``LexEmulator``, to test the HTTP layer on its own.

It records every call and answers real-shaped dicts built from its input (nothing canned), so a
test can see that the server passed the right things through and boto3 parsed the right things
back. ``fail_with`` makes the next calls raise the given exception.
"""

from __future__ import annotations

import threading
from typing import Any


class RecordingEngine:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_with: BaseException | None = None
        self._sessions: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _record(self, name: str, kwargs: dict[str, Any]) -> tuple[str, str, str, str]:
        with self._lock:
            self.calls.append((name, dict(kwargs)))
        if self.fail_with is not None:
            raise self.fail_with
        return (kwargs["bot_id"], kwargs["bot_alias_id"], kwargs["locale_id"], kwargs["session_id"])

    def recognize_text(self, **kwargs: Any) -> dict[str, Any]:
        key = self._record("recognize_text", kwargs)
        state = dict(kwargs.get("session_state") or {})
        attrs = dict(state.get("sessionAttributes") or {})
        attrs["lastText"] = kwargs["text"]
        state["sessionAttributes"] = attrs
        state["intent"] = {"name": "Echo", "state": "Fulfilled", "confirmationState": "None"}
        state["dialogAction"] = {"type": "Close"}
        with self._lock:
            self._sessions[key] = state
        result: dict[str, Any] = {
            "sessionId": kwargs["session_id"],
            "messages": [{"contentType": "PlainText", "content": f"echo: {kwargs['text']}"}],
            "sessionState": state,
            "interpretations": [
                {"intent": dict(state["intent"]), "nluConfidence": {"score": 0.9}},
            ],
        }
        if kwargs.get("request_attributes"):
            result["requestAttributes"] = kwargs["request_attributes"]
        return result

    def get_session(self, **kwargs: Any) -> dict[str, Any]:
        key = self._record("get_session", kwargs)
        with self._lock:
            state = self._sessions.get(key)
        if state is None:
            from lex_emulator.errors import ResourceNotFoundException

            raise ResourceNotFoundException(f"session {kwargs['session_id']} not found")
        return {"sessionId": kwargs["session_id"], "sessionState": state, "messages": []}

    def put_session(self, **kwargs: Any) -> dict[str, Any]:
        key = self._record("put_session", kwargs)
        with self._lock:
            self._sessions[key] = kwargs["session_state"]
        result: dict[str, Any] = {
            "sessionId": kwargs["session_id"],
            "sessionState": kwargs["session_state"],
            "messages": kwargs.get("messages") or [],
        }
        if kwargs.get("request_attributes"):
            result["requestAttributes"] = kwargs["request_attributes"]
        return result

    def delete_session(self, **kwargs: Any) -> dict[str, Any]:
        key = self._record("delete_session", kwargs)
        with self._lock:
            self._sessions.pop(key, None)
        return {
            "botId": kwargs["bot_id"],
            "botAliasId": kwargs["bot_alias_id"],
            "localeId": kwargs["locale_id"],
            "sessionId": kwargs["session_id"],
        }
