"""A stand-in StreamFunction and helpers for the gateway's tests (real sockets, real boto3).

``RecordingHandler`` is what the gateway invokes: it records every event, answers ``$connect``
with 403 when the client sent ``X-Refuse: yes``, and replies to a ``bind`` the way the real
StreamFunction does, through the Management API with boto3 (``{"type": "bound"}``), so the whole
loop page → gateway → handler → Management API → page is exercised.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
from botocore.config import Config


def management_client(endpoint_url: str) -> Any:
    """The unchanged boto3 client the fallback uses, pointed at the local Management API."""
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # a dummy for the local server
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )


class RecordingHandler:
    """Records events; ``wait_for(route)`` blocks (bounded) until one with that route arrived."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self.management_url = ""  # set once the gateway listens
        self.fail_routes: set[str] = set()

    def __call__(self, event: dict[str, Any]) -> Any:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()
        context = event["requestContext"]
        route = context["routeKey"]
        if route in self.fail_routes:
            raise RuntimeError("the stand-in fails on purpose")
        if route == "$connect" and event["headers"].get("X-Refuse") == "yes":
            return {"statusCode": 403, "body": "refused"}
        if route == "bind":
            client = management_client(self.management_url)
            reply = {"type": "bound", "sessionId": json.loads(event["body"]).get("sessionId")}
            client.post_to_connection(
                ConnectionId=context["connectionId"], Data=json.dumps(reply).encode()
            )
        return {"statusCode": 200}

    def wait_for(self, route: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        def matching() -> list[dict[str, Any]]:
            return [e for e in self.events if e["requestContext"]["routeKey"] == route]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                raise AssertionError(f"no {count} {route} event(s) within {timeout} s")
            return matching()
