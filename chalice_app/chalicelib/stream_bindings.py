"""The StreamFunction's writes to the bindings table: bind a connection, unbind it on disconnect.

Items and keys: ``stream_keys`` (docs/contracts.md, "Bindings table"). On an injected low-level
``dynamodb`` client:

* ``bind``: ``PutItem`` of the ``c#`` item (``ReturnValues=ALL_OLD``: a connection that bound
  another session before gets that session's ``s#`` item removed, if it still names this
  connection), then ``PutItem`` of the ``s#`` item: a later bind of the same session replaces it
  (latest wins);
* ``unbind``: ``DeleteItem`` of the ``c#`` item (``ReturnValues=ALL_OLD`` tells which session it
  held), then ``DeleteItem`` of that ``s#`` item on condition ``connectionId = :this`` (a newer
  connection of the same session keeps its binding).

No ``GetItem`` is needed. DynamoDB failures become ``StreamUnavailableError`` here, once.

IAM: ``dynamodb:PutItem`` and ``dynamodb:DeleteItem`` on the bindings table only.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import StreamUnavailableError
from chalicelib.stream_keys import BINDING_TTL_SECONDS, connection_pk, session_pk

__all__ = ["BindingStore"]


class BindingStore:
    """Bind and unbind connections in ``table`` through ``client`` (a boto3 ``dynamodb`` client)."""

    def __init__(self, client: Any, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._clock = clock

    def bind(self, session_id: str, connection_id: str) -> int:
        """Bind ``connection_id`` to ``session_id``; returns ``expiresAt``."""
        expires_at = int(self._clock()) + BINDING_TTL_SECONDS
        session_key = session_pk(session_id)
        with _translated("PutItem"):
            old = self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": connection_pk(connection_id)},
                    "sessionKey": {"S": session_key},
                    "expiresAt": {"N": str(expires_at)},
                },
                ReturnValues="ALL_OLD",
            )
            self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": session_key},
                    "connectionId": {"S": connection_id},
                    "expiresAt": {"N": str(expires_at)},
                },
            )
        previous = _string(old, "sessionKey")
        if previous and previous != session_key:
            self._delete_session_item(previous, connection_id)
        return expires_at

    def unbind(self, connection_id: str) -> bool:
        """Remove the connection's binding; True if it had one."""
        with _translated("DeleteItem"):
            old = self._client.delete_item(
                TableName=self._table,
                Key={"pk": {"S": connection_pk(connection_id)}},
                ReturnValues="ALL_OLD",
            )
        session_key = _string(old, "sessionKey")
        if session_key is None or not session_key.startswith("s#"):
            return False
        self._delete_session_item(session_key, connection_id)
        return True

    def _delete_session_item(self, session_key: str, connection_id: str) -> None:
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"pk": {"S": session_key}},
                ConditionExpression="connectionId = :this",
                ExpressionAttributeValues={":this": {"S": connection_id}},
            )
        except ClientError as exc:
            code = (exc.response.get("Error") or {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return  # the session is bound to a newer connection now: keep that binding
            raise StreamUnavailableError(detail=f"DeleteItem: {code or 'ClientError'}") from exc
        except BotoCoreError as exc:
            raise StreamUnavailableError(detail=f"DeleteItem: {type(exc).__name__}") from exc


@contextlib.contextmanager
def _translated(operation: str) -> Iterator[None]:
    """botocore errors -> ``StreamUnavailableError`` naming the operation and the error code."""
    try:
        yield
    except ClientError as exc:
        code = (exc.response.get("Error") or {}).get("Code") or "ClientError"
        raise StreamUnavailableError(detail=f"{operation}: {code}") from exc
    except BotoCoreError as exc:
        raise StreamUnavailableError(detail=f"{operation}: {type(exc).__name__}") from exc


def _string(response: Any, name: str) -> str | None:
    attributes = response.get("Attributes") if isinstance(response, dict) else None
    if not isinstance(attributes, dict):
        return None
    value = (attributes.get(name) or {}).get("S")
    return value if isinstance(value, str) else None
