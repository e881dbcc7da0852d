"""The StreamFunction's replies to the page (``bound``, ``error``), through the Management API.

One mechanism for every server-to-page frame: ``post_to_connection`` on an injected boto3
``apigatewaymanagementapi`` client whose endpoint is ``STREAM_MANAGEMENT_URL`` (the fallback posts
its chunks the same way). A reply that cannot be delivered is dropped quietly: a ``GoneException``
means the page left (its ``$disconnect`` cleans up), anything else is logged by type only. A reply
never raises.

IAM: ``execute-api:ManageConnections`` on this API's stage.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

__all__ = ["Replies", "ReplyOutcome"]

ReplyOutcome = str
"""``"sent"``, ``"gone"`` (the connection no longer exists) or ``"failed"`` (logged)."""


class Replies:
    """Sends JSON text frames to connections through ``client``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def send(self, connection_id: str, message: dict[str, Any]) -> tuple[ReplyOutcome, str | None]:
        """Post ``message`` as one UTF-8 JSON frame; the outcome and, if it failed, why."""
        data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            code = str((exc.response.get("Error") or {}).get("Code") or "ClientError")
            return ("gone" if code == "GoneException" else "failed"), code
        except BotoCoreError as exc:
            return "failed", type(exc).__name__
        except Exception as exc:  # a malformed answer from a broken endpoint: not the page's fault
            return "failed", type(exc).__name__
        return "sent", None
