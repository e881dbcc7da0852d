"""The StreamFunction: API Gateway WebSocket events for ``/stream`` (docs/contracts.md, "Streaming").

``app.stream_events`` hands every event to ``dispatch``, which picks Chalice's ``on_ws_connect`` /
``on_ws_message`` / ``on_ws_disconnect`` handler by ``requestContext.eventType``; those call:

* ``handle_connect``: accept (nothing is stored until the page binds);
* ``handle_message``: a frame of at most 4 KB, a JSON object with ``"action": "bind"`` and a
  ``sessionId`` this server issued (checked exactly as ``/chat`` checks it), or ``null`` / absent for
  a new one. The binding is stored (``stream_bindings``) and the page gets ``{"type": "bound",
  "sessionId"}``; anything else gets ``{"type": "error", "code", "message"}``
  (``invalid_request``, ``invalid_session_id``, ``unknown_action``, ``not_configured``,
  ``service_unavailable``). Both through ``stream_replies`` (``post_to_connection``);
* ``handle_disconnect``: remove the connection's binding.

Every handler answers ``{"statusCode": 200}`` whatever happened (a failed bind is the page's
business, told in a reply); only an event that is not a WebSocket event gets a 400, and a bug a
500. Nothing raises into Lambda. Logs carry hashes of the session and connection ids, lengths and
codes: never an id, a key or what the page sent.

Dependencies come from a ``StreamDeps`` (``default_deps`` builds the real ones from the
environment); tests pass in-memory ones.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.errors import (
    ChatApiError,
    ConfigurationError,
    InvalidRequestError,
    InvalidSessionIdError,
    StreamUnavailableError,
    UnknownActionError,
)
from chalicelib.logs import get_logger
from chalicelib.session_ids import SessionIds, session_hash
from chalicelib.session_key import default_session_ids
from chalicelib.stream_bindings import BindingStore
from chalicelib.stream_clients import dynamodb_client, management_client
from chalicelib.stream_config import StreamSettings
from chalicelib.stream_keys import is_connection_id
from chalicelib.stream_replies import Replies

__all__ = [
    "MAX_FRAME_BYTES",
    "STREAM_MESSAGES",
    "Bindings",
    "ReplySender",
    "StreamDeps",
    "default_deps",
    "dispatch",
    "handle_connect",
    "handle_disconnect",
    "handle_message",
]

#: A client frame over this is refused with ``invalid_request`` before it is parsed.
MAX_FRAME_BYTES = 4 * 1024
OK: dict[str, Any] = {"statusCode": 200}

#: What the page is told, per code (the chat API's messages speak of /chat requests).
STREAM_MESSAGES = {
    InvalidRequestError.code: (
        'Send a JSON object of at most 4 KB, like {"action": "bind", "sessionId": null}.'
    ),
    InvalidSessionIdError.code: 'This conversation is no longer valid: bind with "sessionId": null.',
    UnknownActionError.code: UnknownActionError.default_message,
    ConfigurationError.code: (
        "Live answers are not set up here; answers still arrive when they are complete."
    ),
    StreamUnavailableError.code: StreamUnavailableError.default_message,
}


class Bindings(Protocol):
    """What the handlers need of the table; ``stream_bindings.BindingStore`` is the real one."""

    def bind(self, session_id: str, connection_id: str) -> int: ...
    def unbind(self, connection_id: str) -> bool: ...


class ReplySender(Protocol):
    """``stream_replies.Replies`` is the real one."""

    def send(self, connection_id: str, message: dict[str, Any]) -> tuple[str, str | None]: ...


@dataclass(frozen=True)
class StreamDeps:
    """Everything a handler talks to, built from ``settings``."""

    settings: StreamSettings
    sessions: Callable[[StreamSettings], SessionIds]
    bindings: Callable[[StreamSettings], Bindings]
    replies: Callable[[StreamSettings], ReplySender | None]


def _real_bindings(settings: StreamSettings) -> Bindings:
    client = dynamodb_client(settings.region, settings.dynamodb_timeout_seconds, 2)
    return BindingStore(client, settings.bindings_table)


def _real_replies(settings: StreamSettings) -> ReplySender | None:
    if settings.management_url is None:
        return None
    try:
        return Replies(management_client(settings.management_url, settings.region))
    except StreamUnavailableError:
        return None


def default_deps(env: Mapping[str, str] | None = None) -> StreamDeps:
    """The real dependencies, from ``env`` (default: the process environment)."""
    return StreamDeps(
        settings=StreamSettings.from_env(os.environ if env is None else env),
        sessions=default_session_ids,
        bindings=_real_bindings,
        replies=_real_replies,
    )


DepsFactory = Callable[[], StreamDeps]
Handler = Callable[[dict[str, Any], Any], Any]


def dispatch(
    event: Any, context: Any, handlers: Mapping[str, Handler], websocket_api: Any = None
) -> Any:
    """Run the handler for ``requestContext.eventType`` (``CONNECT``, ``MESSAGE``, ``DISCONNECT``).

    ``websocket_api`` is Chalice's ``app.websocket_api``: configured from the event's own
    ``domainName`` and ``stage`` first, since Chalice would otherwise insist on ``AWS_REGION`` to
    build a URL this app never uses (its replies go to ``STREAM_MANAGEMENT_URL``).
    """
    context_ = event.get("requestContext") if isinstance(event, dict) else None
    event_type = context_.get("eventType") if isinstance(context_, dict) else None
    handler = handlers.get(event_type) if isinstance(event_type, str) else None
    if handler is None or not isinstance(context_, dict) or not _has_socket_fields(context_):
        get_logger().warning(
            "stream event refused: not an API Gateway WebSocket event",
            extra={"fields": {"route": "stream", "status": 400, "eventType": str(event_type)[:20]}},
        )
        return {"statusCode": 400}
    if websocket_api is not None:
        websocket_api.configure(context_["domainName"], context_["stage"])
    try:
        return handler(event, context)
    except Exception as exc:  # a bug: never a traceback into Lambda's answer or the log
        get_logger().error(
            "stream event failed unexpectedly",
            extra={"fields": {"route": "stream", "status": 500, **_where(exc)}},
        )
        return {"statusCode": 500}


def handle_connect(event: dict[str, Any]) -> Any:
    """``$connect``: accepted; nothing is stored (or read) before a bind."""
    fields = _fields(event, "$connect")
    get_logger().info("stream connected", extra={"fields": {**fields, "status": 200}})
    return dict(OK)


def handle_message(
    event: dict[str, Any],
    deps_factory: DepsFactory = default_deps,
    clock: Callable[[], float] = time.perf_counter,
) -> Any:
    """A frame from the page: bind, or an error reply."""
    started = clock()
    fields = _fields(event, str(event["requestContext"].get("routeKey") or "message")[:20])
    connection_id = _connection_id(event)
    deps = deps_factory()
    reply: dict[str, Any]
    severity = 200  # the log level follows the error's HTTP-like status; the frame always gets 200
    try:
        data = _read_frame(event)
        fields["frameBytes"] = data[1]
        session_id, generated = _bind(data[0], connection_id, deps, fields)
        reply = {"type": "bound", "sessionId": session_id}
        fields.update(outcome="bound", sessionHash=session_hash(session_id))
        fields["sessionIdGenerated"] = generated
    except ChatApiError as err:
        reply = {
            "type": "error",
            "code": err.code,
            "message": STREAM_MESSAGES.get(err.code, err.message),
        }
        fields.update(outcome="error", code=err.code, detail=err.detail)
        severity = err.status
    fields["reply"] = _send(deps, connection_id, reply)
    fields["durationMs"] = round((clock() - started) * 1000, 3)
    level = "error" if severity >= 500 else "warning" if severity >= 400 else "info"
    getattr(get_logger(), level)("stream frame handled", extra={"fields": fields})
    return dict(OK)


def handle_disconnect(event: dict[str, Any], deps_factory: DepsFactory = default_deps) -> Any:
    """``$disconnect``: delete the connection's binding (and the session's, if still this one's)."""
    fields = _fields(event, "$disconnect")
    deps = deps_factory()
    if not deps.settings.enabled:
        fields["outcome"] = "not_configured"
    else:
        try:
            had = deps.bindings(deps.settings).unbind(_connection_id(event))
            fields["outcome"] = "unbound" if had else "unknown_connection"
        except StreamUnavailableError as err:
            fields.update(outcome="error", code=err.code, detail=err.detail)
    level = "warning" if fields["outcome"] == "error" else "info"
    getattr(get_logger(), level)("stream disconnected", extra={"fields": fields})
    return dict(OK)


def _bind(
    data: dict[str, Any], connection_id: str, deps: StreamDeps, fields: dict[str, Any]
) -> tuple[str, bool]:
    action = data.get("action")
    if action != "bind":
        shown = f"{len(action)} characters" if isinstance(action, str) else type(action).__name__
        raise UnknownActionError(detail=f"action of {shown}")  # never the text itself
    raw_id = data.get("sessionId")
    if raw_id is not None and not isinstance(raw_id, str):
        raise InvalidRequestError(detail=f"sessionId is a {type(raw_id).__name__}")
    settings = deps.settings
    if not settings.enabled:
        raise ConfigurationError(detail="STREAM_BINDINGS_TABLE is not set")
    if settings.problems:
        fields["configProblems"] = list(settings.problems)
    sessions = deps.sessions(settings)  # ConfigurationError / SessionKeyUnavailableError
    session_id = sessions.issue() if raw_id is None else sessions.verify(raw_id)
    deps.bindings(settings).bind(session_id, connection_id)
    return session_id, raw_id is None


def _read_frame(event: dict[str, Any]) -> tuple[dict[str, Any], int]:
    body = event.get("body")
    if body is None:
        raise InvalidRequestError(detail="frame without a body")
    if not isinstance(body, str):
        raise InvalidRequestError(detail=f"body is a {type(body).__name__}")
    if len(body) > MAX_FRAME_BYTES * 2:  # every character is at least a byte: skip encoding it
        raise InvalidRequestError(detail=f"frame of {len(body)} characters")
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidRequestError(detail="isBase64Encoded frame is not base64") from exc
    else:
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FRAME_BYTES:
        raise InvalidRequestError(detail=f"frame of {len(raw)} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidRequestError(detail=f"frame is not JSON ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise InvalidRequestError(detail=f"frame is a JSON {type(data).__name__}")
    return data, len(raw)


def _send(deps: StreamDeps, connection_id: str, reply: dict[str, Any]) -> str:
    try:
        replies = deps.replies(deps.settings)
    except Exception:
        replies = None
    if replies is None:
        return "no_management_url"
    outcome, _why = replies.send(connection_id, reply)
    return outcome if _why is None else f"{outcome}:{_why}"


def _connection_id(event: dict[str, Any]) -> str:
    return str(event["requestContext"]["connectionId"])


def _has_socket_fields(request_context: dict[str, Any]) -> bool:
    if not is_connection_id(request_context.get("connectionId")):
        return False
    return all(
        isinstance(request_context.get(k), str) and request_context.get(k)
        for k in ("apiId", "stage", "domainName")
    )


def _fields(event: dict[str, Any], route: str) -> dict[str, Any]:
    request_context = event.get("requestContext") or {}
    connection_id = str(request_context.get("connectionId") or "")
    fields: dict[str, Any] = {
        "route": f"stream {route}",
        "connectionHash": session_hash(connection_id),  # the same 16-hex hash as session ids
    }
    request_id = request_context.get("requestId")
    if isinstance(request_id, str) and request_id:
        fields["apiRequestId"] = request_id[:100]
    return fields


def _where(exc: BaseException) -> dict[str, Any]:
    """The exception's type and innermost frame (file:line): enough to find the bug, and no
    message, which could quote what the page sent."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else ""
    return {"errorType": type(exc).__name__, "where": where}
