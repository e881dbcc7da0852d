"""Glue between Chalice's request/response objects and the chat logic, plus the error format.

Every error leaves as ``{"error": {"code", "message"}}``:

- ``handle_chat`` reads the raw event body itself (size first, then Content-Type, then JSON), so
  Chalice's own ``json_body`` and ``content_types`` checks never run: the route accepts ``*/*``.
- ``make_error_format_middleware`` rewrites whatever Chalice still answers on its own (405 for a
  wrong method, its ``{"Code", "Message"}`` 4xx/5xx bodies) and is the last-resort catch-all
  (500, ``internal_error``, traceback in the log only).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from chalice.app import Request, Response

from chalicelib.chat_service import LexRuntime, run_chat_turn, stream_attributes
from chalicelib.config import Settings
from chalicelib.errors import (
    ChatApiError,
    InternalError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotFoundError,
    RequestError,
    StreamUnavailableError,
    UnsupportedMediaTypeError,
)
from chalicelib.lex_client import get_lex_runtime
from chalicelib.logs import get_logger
from chalicelib.metrics import record_error, record_turn
from chalicelib.session_ids import SessionIds, session_hash
from chalicelib.session_key import default_session_ids
from chalicelib.stream_config import StreamSettings
from chalicelib.stream_lookup import default_binding_lookup
from chalicelib.validation import (
    ChatRequest,
    check_content_type,
    parse_chat_request,
    read_body,
)

__all__ = ["error_response", "handle_chat", "handle_health", "make_error_format_middleware"]

_NO_STORE = {"Cache-Control": "no-store"}


class ConnectionFinder(Protocol):
    """``stream_lookup.BindingLookup`` is the real one."""

    def find_connection(self, session_id: str) -> str | None: ...


def handle_health() -> dict[str, str]:
    """Liveness only: no Lex call, so it stays cheap and never costs a Lex request."""
    return {"status": "ok"}


def handle_chat(
    request: Request | None,
    lambda_context: Any = None,
    *,
    env: Mapping[str, str] | None = None,
    lex_factory: Callable[[Settings], LexRuntime] = get_lex_runtime,
    sessions_factory: Callable[[Settings], SessionIds] = default_session_ids,
    lookup_factory: Callable[[StreamSettings], ConnectionFinder] = default_binding_lookup,
) -> Response:
    """POST /chat: check the request, run one Lex turn, answer JSON (errors included).

    With a ``turnId`` and a live binding of the session (``lookup_factory``) the turn is streamed:
    RecognizeText gets the ``llmStream*`` request attributes. Logs carry ``sessionHash``, never the
    session id (a credential) nor the user's text.
    """
    if request is None:  # Chalice passes None only for events without a resource path
        return error_response(NotFoundError())
    started = time.perf_counter()
    fields: dict[str, Any] = {"route": "POST /chat", **_request_ids(request, lambda_context)}
    try:
        event = request.to_original_event()
        raw = read_body(event.get("body"), is_base64=bool(event.get("isBase64Encoded")))
        check_content_type(request.headers.get("content-type"))
        env_map = os.environ if env is None else env
        settings = Settings.from_env(env_map)
        chat_request = parse_chat_request(raw, settings, sessions=sessions_factory(settings))
        fields.update(
            sessionHash=session_hash(chat_request.session_id),
            sessionIdGenerated=chat_request.session_id_generated,
            localeId=chat_request.locale_id,
            textLength=len(chat_request.text),
        )
        attributes, fields["stream"] = _stream_turn(
            chat_request, StreamSettings.from_env(env_map), lookup_factory
        )
        lex_started = time.perf_counter()
        body = run_chat_turn(
            chat_request, settings, lex_factory(settings), request_attributes=attributes
        )
        lex_ms = (time.perf_counter() - lex_started) * 1000
    except ChatApiError as err:
        _log_error(err, fields, started)
        record_error(err.code)
        return error_response(err)
    except Exception:
        fields.update(status=500, code=InternalError.code, durationMs=_elapsed_ms(started))
        get_logger().exception("chat request failed unexpectedly", extra={"fields": fields})
        record_error(InternalError.code)
        return error_response(InternalError())
    record_turn(body["source"], lex_ms)
    intent = body["intent"]
    fields.update(
        status=200,
        source=body["source"],
        intent=intent["name"] if intent else None,
        intentState=intent["state"] if intent else None,
        dialogAction=body["dialogAction"],
        messageCount=len(body["messages"]),
        durationMs=_elapsed_ms(started),
    )
    get_logger().info("chat turn answered", extra={"fields": fields})
    return Response(body=body, status_code=200, headers=dict(_NO_STORE))


def _stream_turn(
    request: ChatRequest,
    stream: StreamSettings,
    lookup_factory: Callable[[StreamSettings], ConnectionFinder],
) -> tuple[dict[str, str] | None, str]:
    """The turn's stream attributes (or ``None``) and, for the log, why: ``streamed``, ``no_turn``
    (no ``turnId``), ``off`` (no bindings table), ``unbound`` or ``unavailable`` (the table could
    not be read: the turn goes unstreamed, never fails)."""
    if request.turn_id is None:
        return None, "no_turn"
    if not stream.enabled:
        return None, "off"
    if request.session_id_generated:  # issued just now: nothing can have bound it yet
        return None, "unbound"
    try:
        connection_id = lookup_factory(stream).find_connection(request.session_id)
    except StreamUnavailableError as err:
        get_logger().warning(
            "bindings table unavailable; turn answered without streaming",
            extra={"fields": {"route": "POST /chat", "code": err.code, "detail": err.detail}},
        )
        return None, "unavailable"
    if connection_id is None:
        return None, "unbound"
    return stream_attributes(connection_id, request.turn_id), "streamed"


def error_response(err: ChatApiError) -> Response:
    """The JSON error response for one error of the tree."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/json",
        **_NO_STORE,
        **err.headers,
    }
    return Response(body=err.to_body(), status_code=err.status, headers=headers)


def make_error_format_middleware(
    routes: Mapping[str, Any],
) -> Callable[[Request | None, Callable[[Request | None], Response]], Response]:
    """Chalice ``http`` middleware: our error format for Chalice's own errors, and a last resort.

    ``routes`` is the app's route table, so an event for a path the app does not serve gets a
    404 instead of Chalice's ``KeyError``.
    """

    def error_format_middleware(
        event: Request | None, get_response: Callable[[Request | None], Response]
    ) -> Response:
        if event is not None and event.path not in routes:
            record_error(NotFoundError.code)
            return error_response(NotFoundError())
        try:
            response = get_response(event)
        except Exception:
            get_logger().exception(
                "unhandled error in the Chalice app",
                extra={"fields": {"status": 500, "code": InternalError.code}},
            )
            return error_response(InternalError())
        return _rewrite_chalice_error(response)

    return error_format_middleware


def _rewrite_chalice_error(response: Response) -> Response:
    body = response.body
    if response.status_code < 400 or not (
        isinstance(body, dict) and "Code" in body and "error" not in body
    ):
        return response
    status = response.status_code
    err: ChatApiError
    if status == 405:
        allow = {k: str(v) for k, v in response.headers.items() if k.lower() == "allow"}
        err = MethodNotAllowedError(headers=allow)
    elif status == 415:
        err = UnsupportedMediaTypeError()
    elif status == 404 or body.get("Message") == "Unknown request.":
        err = NotFoundError()
    elif status == 400:
        err = InvalidRequestError()
    elif status < 500:
        err = RequestError()
    else:
        err = InternalError()
    if err.status != status and not (status == 500 and isinstance(err, NotFoundError)):
        status_kept = status  # e.g. a 429 or 503: keep Chalice's status, use our body
    else:
        status_kept = err.status
    record_error(err.code)
    get_logger().warning(
        "Chalice answered on its own; rewritten to the API's error format",
        extra={
            "fields": {"status": status_kept, "code": err.code, "chaliceCode": body.get("Code")}
        },
    )
    rewritten = error_response(err)
    rewritten.status_code = status_kept
    return rewritten


def _log_error(err: ChatApiError, fields: dict[str, Any], started: float) -> None:
    fields.update(
        status=err.status,
        code=err.code,
        errorType=type(err).__name__,
        detail=err.detail,
        durationMs=_elapsed_ms(started),
    )
    logger = get_logger()
    if err.status >= 500:
        logger.error("chat request failed", extra={"fields": fields})
    else:
        logger.warning("chat request refused", extra={"fields": fields})


def _request_ids(request: Request, lambda_context: Any) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    api_request_id = (request.context or {}).get("requestId")
    if api_request_id:
        ids["apiRequestId"] = api_request_id
    aws_request_id = getattr(lambda_context, "aws_request_id", None)
    if aws_request_id:
        ids["awsRequestId"] = aws_request_id
    return ids


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
