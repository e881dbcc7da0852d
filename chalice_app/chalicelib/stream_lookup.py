"""The chat API's one read of the bindings table: which connection may stream this session's turn.

``find_connection`` is a strongly consistent ``GetItem`` of the session's ``s#`` item (a bind that
just happened is seen) on an injected low-level ``dynamodb`` client. An item whose ``expiresAt`` has
passed is no binding (TTL deletion is lazy). Any DynamoDB failure becomes ``StreamUnavailableError``
here, once; ``endpoint`` then answers the turn unstreamed.

IAM: ``dynamodb:GetItem`` on the bindings table only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import StreamUnavailableError
from chalicelib.stream_clients import dynamodb_client
from chalicelib.stream_config import StreamSettings
from chalicelib.stream_keys import is_connection_id, session_pk

__all__ = ["BindingLookup", "default_binding_lookup"]


class BindingLookup:
    """``GetItem`` on the bindings table through ``client`` (a boto3 ``dynamodb`` client)."""

    def __init__(self, client: Any, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._clock = clock

    def find_connection(self, session_id: str) -> str | None:
        """The connection bound to ``session_id`` now, or ``None``."""
        try:
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": {"S": session_pk(session_id)}},
                ConsistentRead=True,
                ProjectionExpression="connectionId, expiresAt",
            )
        except (ClientError, BotoCoreError) as exc:
            raise StreamUnavailableError(detail=_describe(exc)) from exc
        item = response.get("Item") if isinstance(response, dict) else None
        if not isinstance(item, dict):
            return None
        connection_id = (item.get("connectionId") or {}).get("S")
        expires_at = _number((item.get("expiresAt") or {}).get("N"))
        if not is_connection_id(connection_id) or expires_at is None:
            return None
        if expires_at <= self._clock():
            return None
        return str(connection_id)


def _number(raw: Any) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _describe(exc: ClientError | BotoCoreError) -> str:
    if isinstance(exc, ClientError):
        return "GetItem: " + str((exc.response.get("Error") or {}).get("Code") or "ClientError")
    return "GetItem: " + type(exc).__name__


def default_binding_lookup(settings: StreamSettings) -> BindingLookup:
    """The container's lookup: one attempt with ``STREAM_DYNAMODB_TIMEOUT_SECONDS`` (1 s), so an
    unreachable table delays a turn by about that much and never fails it."""
    client = dynamodb_client(settings.region, settings.dynamodb_timeout_seconds, 1)
    return BindingLookup(client, settings.bindings_table)
