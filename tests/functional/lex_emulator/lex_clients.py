"""boto3 clients for the emulator: the unchanged ``lexv2-runtime`` client, pointed at loopback."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

BOT_ID = "LOCALBOTID"
ALIAS_ID = "TSTALIASID"


def lex_client(endpoint_url: str, *, pool: int = 10, read_timeout: float = 60) -> Any:
    """A real boto3 client with dummy credentials; no retries, so errors show up at once."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return session.client(
        "lexv2-runtime",
        endpoint_url=endpoint_url,
        config=Config(
            retries={"total_max_attempts": 1},
            max_pool_connections=pool,
            connect_timeout=10,
            read_timeout=read_timeout,
        ),
    )


def ids(locale: str, session_id: str) -> dict[str, str]:
    return {"botId": BOT_ID, "botAliasId": ALIAS_ID, "localeId": locale, "sessionId": session_id}


def say(client: Any, locale: str, session_id: str, text: str, **extra: Any) -> dict[str, Any]:
    """One RecognizeText turn; the answer must match botocore's output shape."""
    from tests.support.botocore_shapes import assert_valid_output

    response: dict[str, Any] = client.recognize_text(**ids(locale, session_id), text=text, **extra)
    assert_valid_output("RecognizeText", response)
    return response


def message(response: dict[str, Any]) -> str:
    """The text of the answer's messages, joined."""
    return " ".join(m.get("content", "") for m in response.get("messages", []))


def slot_value(response: dict[str, Any], name: str) -> str | None:
    slot = (response["sessionState"]["intent"].get("slots") or {}).get(name)
    return slot["value"]["interpretedValue"] if slot and slot.get("value") else None


def dialog(response: dict[str, Any]) -> tuple[str, str, str | None]:
    """(intent name, intent state, dialog action type) of an answer."""
    state = response["sessionState"]
    return (
        state["intent"]["name"],
        state["intent"].get("state", ""),
        state.get("dialogAction", {}).get("type"),
    )
