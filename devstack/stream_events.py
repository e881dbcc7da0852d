"""API Gateway WebSocket API behaviour as plain data: ids, route selection, events, limits.

No I/O here (``devstack.stream_gateway`` does the serving), so each rule is easy to test. The event
shapes follow what API Gateway passes a Lambda proxy integration of a WebSocket API
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html):
``requestContext`` with ``routeKey``, ``eventType``, ``connectionId``, ``apiId``, ``stage``,
``domainName``, ``requestId``, ``connectedAt`` (ms), ``identity.sourceIp``; ``headers`` on
``$connect``; ``body`` on messages; ``isBase64Encoded``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CONNECT",
    "DEFAULT",
    "DEFAULT_ROUTE_KEYS",
    "DEFAULT_SELECTION_EXPRESSION",
    "DISCONNECT",
    "ConnectionInfo",
    "GatewayLimits",
    "connect_event",
    "disconnect_event",
    "forbidden_message",
    "gone_body",
    "header_maps",
    "internal_error_message",
    "iso_time",
    "message_event",
    "new_api_id",
    "new_connection_id",
    "select_route",
    "source_ip",
]

CONNECT = "$connect"
DISCONNECT = "$disconnect"
DEFAULT = "$default"
DEFAULT_SELECTION_EXPRESSION = "$request.body.action"
# The contract's routes, used when the template does not list its own.
DEFAULT_ROUTE_KEYS = frozenset({CONNECT, DISCONNECT, DEFAULT, "bind"})
_BODY_PREFIX = "$request.body."


@dataclass(frozen=True)
class GatewayLimits:
    """API Gateway's WebSocket quotas, as settings (tests shorten the times).

    ``send_queue_frames`` bounds the frames waiting for one slow client: a post beyond it is
    refused with 429 (``LimitExceededException``) instead of holding up anyone else.
    """

    max_frame_bytes: int = 32 * 1024
    max_message_bytes: int = 128 * 1024
    max_post_bytes: int = 128 * 1024
    idle_seconds: float = 600.0
    max_duration_seconds: float = 7200.0
    send_queue_frames: int = 256
    handler_timeout_seconds: float = 29.0  # API Gateway's integration timeout


@dataclass
class ConnectionInfo:
    """What API Gateway knows about one connection (``GET /@connections/{id}`` answers it)."""

    connection_id: str
    connected_at: float  # epoch seconds
    source_ip: str
    user_agent: str
    headers: dict[str, str] = field(default_factory=dict)
    multi_value_headers: dict[str, list[str]] = field(default_factory=dict)
    last_active_at: float = 0.0

    def as_management_json(self) -> dict[str, Any]:
        return {
            "connectedAt": iso_time(self.connected_at),
            "identity": {"sourceIp": self.source_ip, "userAgent": self.user_agent},
            "lastActiveAt": iso_time(self.last_active_at or self.connected_at),
        }


def iso_time(epoch: float) -> str:
    """ISO 8601 with milliseconds and ``Z``, as the Management API writes timestamps."""
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_connection_id() -> str:
    """16 characters like API Gateway's (``L0SM9cOFvHcCIhw=``), URL-safe: 11 random bytes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode("ascii")


def _request_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(12)).decode("ascii").rstrip("=")


def select_route(
    body: str | None,
    route_keys: Iterable[str],
    selection_expression: str = DEFAULT_SELECTION_EXPRESSION,
) -> str | None:
    """The route a message goes to: the selected key if it is a route, else ``$default`` if
    there is one, else None (API Gateway then answers the client ``Forbidden``).

    Only ``$request.body.<path>`` expressions select anything here; a body that is not a JSON
    object, or a key that is not a string, selects nothing.
    """
    keys = set(route_keys)
    selected: Any = None
    if body is not None and selection_expression.startswith(_BODY_PREFIX):
        try:
            selected = json.loads(body)
        except ValueError:
            selected = None
        for part in selection_expression[len(_BODY_PREFIX) :].split("."):
            selected = selected.get(part) if isinstance(selected, dict) else None
    if isinstance(selected, str) and selected in keys and not selected.startswith("$"):
        return selected
    return DEFAULT if DEFAULT in keys else None


def _request_context(
    info: ConnectionInfo,
    *,
    route_key: str,
    event_type: str,
    api_id: str,
    stage: str,
    domain_name: str,
    now: float,
) -> dict[str, Any]:
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": _request_id(),
        "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": stage,
        "connectedAt": int(info.connected_at * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": {"sourceIp": info.source_ip, "userAgent": info.user_agent},
        "requestId": _request_id(),
        "domainName": domain_name,
        "connectionId": info.connection_id,
        "apiId": api_id,
    }


def connect_event(
    info: ConnectionInfo, *, api_id: str, stage: str, domain_name: str, now: float
) -> dict[str, Any]:
    return {
        "headers": dict(info.headers),
        "multiValueHeaders": {k: list(v) for k, v in info.multi_value_headers.items()},
        "requestContext": _request_context(
            info,
            route_key=CONNECT,
            event_type="CONNECT",
            api_id=api_id,
            stage=stage,
            domain_name=domain_name,
            now=now,
        ),
        "isBase64Encoded": False,
    }


def message_event(
    info: ConnectionInfo,
    data: str | bytes,
    *,
    route_key: str,
    api_id: str,
    stage: str,
    domain_name: str,
    now: float,
) -> dict[str, Any]:
    """A text message's body as is; a binary one base64-encoded (``isBase64Encoded`` true)."""
    context = _request_context(
        info,
        route_key=route_key,
        event_type="MESSAGE",
        api_id=api_id,
        stage=stage,
        domain_name=domain_name,
        now=now,
    )
    context["messageId"] = _request_id()
    binary = isinstance(data, bytes)
    body = base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data
    return {"requestContext": context, "body": body, "isBase64Encoded": binary}


def disconnect_event(
    info: ConnectionInfo,
    *,
    api_id: str,
    stage: str,
    domain_name: str,
    now: float,
    status_code: int,
    reason: str,
) -> dict[str, Any]:
    context = _request_context(
        info,
        route_key=DISCONNECT,
        event_type="DISCONNECT",
        api_id=api_id,
        stage=stage,
        domain_name=domain_name,
        now=now,
    )
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    return {"requestContext": context, "isBase64Encoded": False}


def forbidden_message(connection_id: str) -> str:
    """What API Gateway sends a client whose message matches no route (and there is no default)."""
    return json.dumps(
        {"message": "Forbidden", "connectionId": connection_id, "requestId": _request_id()}
    )


def internal_error_message(connection_id: str) -> str:
    """What API Gateway sends a client when the route's Lambda fails."""
    return json.dumps(
        {
            "message": "Internal server error",
            "connectionId": connection_id,
            "requestId": _request_id(),
        }
    )


def gone_body() -> bytes:
    return json.dumps({"message": None}).encode()


def header_maps(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``headers`` (last value wins, as API Gateway does) and ``multiValueHeaders``."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def source_ip(headers: Mapping[str, str], peer: str) -> str:
    """The client's address: the last ``X-Forwarded-For`` hop (added by the front server, the
    only thing that reaches the gateway's loopback port), else the peer."""
    for name, value in headers.items():
        if name.lower() == "x-forwarded-for":
            hops = [h.strip() for h in value.split(",") if h.strip()]
            if hops:
                return hops[-1]
    return peer


def new_api_id() -> str:
    """Ten lower-case letters and digits, like an API Gateway API id."""
    return uuid.uuid4().hex[:10]
