"""One chat turn: a checked ``ChatRequest`` and an injected Lex client in, the response dict out.

Lex keeps the dialog state per session id, so the turn sends only the text; nothing here knows
about HTTP or boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from chalicelib.config import Settings
from chalicelib.errors import LexServiceError
from chalicelib.validation import ChatRequest

__all__ = [
    "FALLBACK_INTENT",
    "LexRuntime",
    "build_chat_response",
    "run_chat_turn",
    "stream_attributes",
]

#: The intent whose fulfillment code hook asks the LLM.
FALLBACK_INTENT = "FallbackIntent"


class LexRuntime(Protocol):
    """What the service needs from Lex; ``lex_client.BotoLexRuntime`` is the real one."""

    def recognize_text(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        text: str,
        request_attributes: Mapping[str, str] | None = None,
    ) -> dict[str, Any]: ...


def stream_attributes(connection_id: str | None, turn_id: str | None) -> dict[str, str] | None:
    """RecognizeText ``requestAttributes`` that let the fallback stream this turn, or ``None``.

    Only the chat API sets them, after it found the session's binding: nothing the client sent
    names a connection or an endpoint.
    """
    if not connection_id or not turn_id:
        return None
    return {"llmStreamConnection": connection_id, "llmStreamTurn": turn_id}


def run_chat_turn(
    request: ChatRequest,
    settings: Settings,
    lex: LexRuntime,
    *,
    request_attributes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Send the text to Lex and shape its answer for the page."""
    response = lex.recognize_text(
        bot_id=settings.bot_id,
        bot_alias_id=settings.bot_alias_id,
        locale_id=request.locale_id,
        session_id=request.session_id,
        text=request.text,
        request_attributes=request_attributes,
    )
    return build_chat_response(request.session_id, response)


def build_chat_response(session_id: str, lex_response: dict[str, Any]) -> dict[str, Any]:
    """The ``/chat`` body from a RecognizeText response: every message, in Lex's order.

    Raises ``LexServiceError`` if the response is not shaped like RecognizeText output.
    """
    if not isinstance(lex_response, dict):
        raise LexServiceError(detail="RecognizeText response is not an object")
    session_state = _mapping(lex_response.get("sessionState"), "sessionState")
    intent_data = session_state.get("intent")
    intent: dict[str, str | None] | None = None
    if isinstance(intent_data, dict) and isinstance(intent_data.get("name"), str):
        state = intent_data.get("state")
        intent = {"name": intent_data["name"], "state": state if isinstance(state, str) else None}
    dialog_action = _mapping(session_state.get("dialogAction"), "sessionState.dialogAction")
    action_type = dialog_action.get("type")
    return {
        "sessionId": session_id,
        "messages": _messages(lex_response.get("messages")),
        "intent": intent,
        "dialogAction": action_type if isinstance(action_type, str) else None,
        "source": "llm" if intent is not None and intent["name"] == FALLBACK_INTENT else "lex",
    }


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LexServiceError(detail=f"RecognizeText {where} is not an object")
    return value


def _messages(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise LexServiceError(detail="RecognizeText messages is not a list")
    out: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise LexServiceError(detail="RecognizeText message is not an object")
        content = item.get("content")
        message: dict[str, Any] = {
            "content": content if isinstance(content, str) else "",
            "contentType": str(item.get("contentType") or "PlainText"),
        }
        card = item.get("imageResponseCard")
        if isinstance(card, dict):
            message["imageResponseCard"] = card
        out.append(message)
    return out
