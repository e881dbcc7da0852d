"""Turn the raw HTTP request into a checked ``ChatRequest``, or raise a ``RequestError``.

Checks run cheapest first and nothing large is ever parsed: body size (413), Content-Type (415),
UTF-8 JSON object (400), then each field (400). Unknown fields are ignored so clients can grow.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from chalicelib.config import MAX_BODY_BYTES, MAX_TEXT_LENGTH, Settings
from chalicelib.errors import (
    InvalidJsonError,
    InvalidRequestError,
    InvalidTextError,
    PayloadTooLargeError,
    UnsupportedLocaleError,
    UnsupportedMediaTypeError,
)
from chalicelib.session_ids import SessionIds
from chalicelib.text_rule import is_blank, normalize_text

__all__ = [
    "TURN_ID",
    "ChatRequest",
    "check_content_type",
    "clean_text",
    "parse_chat_request",
    "read_body",
    "text_length",
]

#: /chat's optional ``turnId`` (docs/contracts.md, "Streaming"): the page picks one per turn.
TURN_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")

# Base64 grows a body by 4/3; anything longer than this cannot decode to <= MAX_BODY_BYTES.
_MAX_BASE64_CHARS = (MAX_BODY_BYTES + 2) // 3 * 4


@dataclass(frozen=True)
class ChatRequest:
    """A request that passed every check: ``text`` is clean, the session id is one we issued
    (``session_id_generated``: issued for this very request); ``turn_id`` is the page's id for
    this turn's stream, when its socket is bound."""

    text: str
    session_id: str
    locale_id: str
    session_id_generated: bool = False
    turn_id: str | None = None


def read_body(body: str | bytes | None, *, is_base64: bool = False) -> bytes:
    """The body as bytes, refusing anything over ``MAX_BODY_BYTES`` before decoding it."""
    if body is None:
        return b""
    if is_base64:
        if len(body) > _MAX_BASE64_CHARS:
            raise PayloadTooLargeError(detail=f"base64 body of {len(body)} characters")
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidJsonError(detail="isBase64Encoded body is not valid base64") from exc
    elif isinstance(body, str):
        # A str of n characters is at least n bytes in UTF-8: skip encoding a huge one.
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLargeError(detail=f"body of {len(body)} characters")
        raw = body.encode("utf-8", errors="surrogatepass")
    else:
        raw = bytes(body)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(detail=f"body of {len(raw)} bytes")
    return raw


def check_content_type(content_type: str | None) -> None:
    """Accept ``application/json`` (any parameters, any case); refuse everything else with 415.

    A missing header is refused too: browsers label a plain string body ``text/plain``, and
    guessing would hide a client bug.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        shown = media_type[:100] or "none"
        raise UnsupportedMediaTypeError(detail=f"Content-Type {shown!r}")


def clean_text(text: str) -> str:
    """The text rule (``chalicelib.text_rule``, docs/contracts.md): controls, lone surrogates and
    invisible format characters dropped, NFC, trimmed."""
    return normalize_text(text)


def text_length(text: str) -> int:
    """Length as Lex and the page's counter see it: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def parse_chat_request(
    raw: bytes,
    settings: Settings,
    *,
    sessions: SessionIds,
) -> ChatRequest:
    """Parse and check a JSON body. ``sessions`` issues an id when the body has none, and
    verifies the one it has (``InvalidSessionIdError`` unless this server issued it)."""
    data = _parse_json_object(raw)
    text = _optional_string(data, "text")
    if text is None:
        raise InvalidTextError(detail="text is missing")
    text = clean_text(text)
    length = text_length(text)
    if length == 0:
        raise InvalidTextError(detail="text is empty after cleaning")
    if is_blank(text):
        raise InvalidTextError(detail=f"text of {length} invisible characters")
    if length > MAX_TEXT_LENGTH:
        raise InvalidTextError(detail=f"text is {length} characters long")

    session_id = _optional_string(data, "sessionId")
    generated = session_id is None
    session_id = sessions.issue() if session_id is None else sessions.verify(session_id)

    locale_id = _optional_string(data, "localeId")
    if locale_id is None:
        locale_id = settings.default_locale
    elif locale_id not in settings.locales:
        raise UnsupportedLocaleError(
            "localeId must be one of: " + ", ".join(settings.locales) + ".",
            detail=f"localeId of {len(locale_id)} characters rejected",
        )
    turn_id = _optional_string(data, "turnId")
    if turn_id is not None and not TURN_ID.fullmatch(turn_id):
        raise InvalidRequestError(
            "turnId must be 8 to 64 letters, digits, '-' or '_'.",
            detail=f"turnId of {len(turn_id)} characters rejected",
        )
    return ChatRequest(
        text=text,
        session_id=session_id,
        locale_id=locale_id,
        session_id_generated=generated,
        turn_id=turn_id,
    )


def _parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidJsonError(detail="body is not UTF-8") from exc
    if not decoded.strip():
        raise InvalidJsonError(detail="body is empty")
    try:
        data = json.loads(decoded)
    except ValueError as exc:
        raise InvalidJsonError(detail=f"body is not JSON ({type(exc).__name__})") from exc
    except RecursionError as exc:  # deeply nested arrays or objects
        raise InvalidJsonError(detail="body is nested too deeply") from exc
    if not isinstance(data, dict):
        raise InvalidRequestError(detail=f"body is a JSON {type(data).__name__}, not an object")
    return data


def _optional_string(data: dict[str, Any], name: str) -> str | None:
    """The field as a string; absent or null is ``None``; any other type is a 400."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{name} must be a string.", detail=f"{name} is a {type(value).__name__}"
        )
    return value
