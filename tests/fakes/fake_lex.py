"""A fake Amazon Lex V2 runtime on loopback, speaking real HTTP, for tests only.

It answers ``RecognizeText`` (``POST /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/
sessions/{sessionId}/text``) so an unchanged boto3 ``lexv2-runtime`` client can talk to it through
``endpoint_url``. Its behaviour can be switched while it runs:

* ``respond(response)`` - HTTP 200 with this RecognizeText response (a dict, or a callable that
  builds one from the ``RecordedRequest``). The default builds a real-shaped answer from the
  request: one PlainText message ``"[fake-lex] <text>"``, intent ``FallbackIntent`` fulfilled;
* ``fail(status, error_type, message)`` - an AWS REST-JSON error: ``x-amzn-ErrorType`` header and
  ``{"message": ...}`` body, the way Lex sends ``ThrottlingException`` (429) and friends;
* ``delay(seconds)`` - wait before answering (for read timeouts); ``stop()`` cuts the wait short;
* ``drop()`` - close the connection without any answer.

Usage::

    with FakeLex() as lex:
        client = boto3.client("lexv2-runtime", endpoint_url=lex.endpoint_url, ...)
        lex.fail(429, "ThrottlingException", "Rate exceeded")
        lex.requests  # RecordedRequest list, oldest first
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote

__all__ = ["FakeLex", "RecordedRequest", "default_response"]

_RECOGNIZE_TEXT = re.compile(
    r"^/bots/(?P<bot_id>[^/]+)/botAliases/(?P<bot_alias_id>[^/]+)"
    r"/botLocales/(?P<locale_id>[^/]+)/sessions/(?P<session_id>[^/]+)/text$"
)


@dataclass(frozen=True)
class RecordedRequest:
    """One RecognizeText call as the fake received it."""

    method: str
    path: str
    bot_id: str
    bot_alias_id: str
    locale_id: str
    session_id: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))


ResponseSource = dict[str, Any] | Callable[[RecordedRequest], dict[str, Any]]


def default_response(request: RecordedRequest) -> dict[str, Any]:
    """A real-shaped RecognizeText answer derived from the request."""
    return {
        "messages": [{"content": f"[fake-lex] {request.text}", "contentType": "PlainText"}],
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {
                "name": "FallbackIntent",
                "slots": {},
                "state": "Fulfilled",
                "confirmationState": "None",
            },
            "sessionAttributes": {},
            "originatingRequestId": "00000000-0000-4000-8000-000000000000",
        },
        "interpretations": [
            {"intent": {"name": "FallbackIntent", "slots": {}, "state": "Fulfilled"}},
        ],
        "sessionId": request.session_id,
    }


@dataclass
class _Behavior:
    mode: str = "respond"  # respond | fail | drop
    response: ResponseSource = default_response
    status: int = 500
    error_type: str = "InternalServerException"
    message: str = "fake failure"
    delay: float = 0.0


class FakeLex:
    """``ThreadingHTTPServer`` on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._behavior = _Behavior()
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode("ascii")
        return f"http://{host}:{port}"

    def start(self) -> FakeLex:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-lex", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLex:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ behaviour
    def respond(self, response: ResponseSource = default_response, *, delay: float = 0.0) -> None:
        with self._lock:
            self._behavior = _Behavior(mode="respond", response=response, delay=delay)

    def fail(self, status: int, error_type: str, message: str = "fake failure") -> None:
        with self._lock:
            self._behavior = _Behavior(
                mode="fail", status=status, error_type=error_type, message=message
            )

    def delay(self, seconds: float) -> None:
        with self._lock:
            self._behavior = _Behavior(
                mode=self._behavior.mode,
                response=self._behavior.response,
                status=self._behavior.status,
                error_type=self._behavior.error_type,
                message=self._behavior.message,
                delay=seconds,
            )

    def drop(self) -> None:
        with self._lock:
            self._behavior = _Behavior(mode="drop")

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    # ------------------------------------------------------------------ HTTP
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                self._not_found()

            def do_PUT(self) -> None:
                self._not_found()

            def do_DELETE(self) -> None:
                self._not_found()

            def _not_found(self) -> None:
                fake._send_error(self, 404, "UnknownOperationException", "not faked")

        return Handler

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        raw = http.rfile.read(length) if length else b""
        match = _RECOGNIZE_TEXT.match(http.path.split("?", 1)[0])
        if match is None:
            self._send_error(http, 404, "UnknownOperationException", "only RecognizeText")
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send_error(http, 400, "SerializationException", "body is not JSON")
            return
        request = RecordedRequest(
            method="POST",
            path=http.path,
            body=body if isinstance(body, dict) else {},
            headers={k.lower(): v for k, v in http.headers.items()},
            **{k: unquote(v) for k, v in match.groupdict().items()},
        )
        with self._lock:
            self._requests.append(request)
            behavior = self._behavior
        if behavior.delay and self._stopping.wait(behavior.delay):
            return
        if behavior.mode == "drop":
            http.close_connection = True
            return
        if behavior.mode == "fail":
            self._send_error(http, behavior.status, behavior.error_type, behavior.message)
            return
        source = behavior.response
        payload = source(request) if callable(source) else copy.deepcopy(source)
        self._send_json(http, 200, payload, {"x-amzn-RequestId": "fake-request-id"})

    def _send_error(
        self, http: BaseHTTPRequestHandler, status: int, error_type: str, message: str
    ) -> None:
        self._send_json(http, status, {"message": message}, {"x-amzn-ErrorType": error_type})

    @staticmethod
    def _send_json(
        http: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]
    ) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            http.send_response(status)
            http.send_header("Content-Type", "application/json")
            http.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                http.send_header(name, value)
            http.end_headers()
            http.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its read timeout): nothing to answer
