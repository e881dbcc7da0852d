"""Lex V2 runtime REST on loopback, thin over an in-process engine. For local development only.

The routes, methods and the split between URI, headers and body follow botocore's own
``lexv2-runtime`` service model, so an unchanged ``boto3.client("lexv2-runtime", endpoint_url=...)``
works against it:

Paths are under ``/bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}``:

=================  ======  ====================================================================
operation          method  path
=================  ======  ====================================================================
RecognizeText      POST    ``/sessions/{sessionId}/text`` - JSON in, JSON out
PutSession         POST    ``/sessions/{sessionId}`` - JSON in, answer in ``x-amz-lex-*`` headers
GetSession         GET     ``/sessions/{sessionId}``
DeleteSession      DELETE  ``/sessions/{sessionId}``
RecognizeUtterance POST    ``/sessions/{sessionId}/utterance`` - refused: no speech offline
=================  ======  ====================================================================

Errors use AWS's REST-JSON error format - the HTTP status, an ``x-amzn-ErrorType: <Code>`` header
and a ``{"message": ...}`` body - so botocore raises the modelled exception
(``ValidationException``, ``ResourceNotFoundException``, ``DependencyFailedException``, ...). The
engine reports its errors by raising ``lex_emulator.errors.LexError`` subclasses. Anything else it
raises becomes a 500 ``InternalServerException``; the traceback goes to the log, never to the
client.

SigV4 ``Authorization`` headers are accepted without being checked.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import logging
import re
import threading
import uuid
from collections.abc import Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import SHUT_RDWR, socket
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from lex_emulator.errors import InternalServerException, LexError, ValidationException

__all__ = [
    "MAX_BODY_BYTES",
    "EmulatorServer",
    "LexEngine",
    "UnknownOperationException",
    "decode_lex_header",
    "encode_lex_header",
    "redact_session_ids",
]

logger = logging.getLogger("lex_emulator.http")

MAX_BODY_BYTES = 1024 * 1024
_SESSION_SEGMENT = re.compile(r"(/sessions/)([^/?#\s]+)")


def redact_session_ids(text: str) -> str:
    """``text`` (a request line or path) with each session id replaced by a hash of it.

    A session id is a credential (docs/contracts.md, "Session ids"): logs carry the first 16 hex
    digits of its SHA-256 instead, the same ``sessionHash`` the functions log, so lines still join.
    """

    def _hash(match: re.Match[str]) -> str:
        raw = unquote(match.group(2)).encode("utf-8", "surrogatepass")
        return f"{match.group(1)}<sessionHash:{hashlib.sha256(raw).hexdigest()[:16]}>"

    return _SESSION_SEGMENT.sub(_hash, text)


DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8"

_PREFIX = (
    r"^/bots/(?P<botId>[^/]+)/botAliases/(?P<botAliasId>[^/]+)"
    r"/botLocales/(?P<localeId>[^/]+)/sessions/(?P<sessionId>[^/]+)"
)
_ROUTES: dict[str, re.Pattern[str]] = {
    "": re.compile(_PREFIX + r"/?$"),
    "text": re.compile(_PREFIX + r"/text/?$"),
    "utterance": re.compile(_PREFIX + r"/utterance/?$"),
    "conversation": re.compile(_PREFIX + r"/conversation/?$"),
}
_OPERATIONS: dict[tuple[str, str], str] = {
    ("POST", "text"): "RecognizeText",
    ("POST", ""): "PutSession",
    ("GET", ""): "GetSession",
    ("DELETE", ""): "DeleteSession",
    ("POST", "utterance"): "RecognizeUtterance",
    ("POST", "conversation"): "StartConversation",
}


class LexEngine(Protocol):
    """What the server needs from the engine (``lex_emulator.LexEmulator`` or a test fake)."""

    def recognize_text(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        text: str,
        session_state: dict[str, Any] | None = None,
        request_attributes: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...

    def get_session(
        self, *, bot_id: str, bot_alias_id: str, locale_id: str, session_id: str
    ) -> dict[str, Any]: ...

    def put_session(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        session_state: dict[str, Any],
        messages: list[dict[str, Any]] | None = None,
        request_attributes: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...

    def delete_session(
        self, *, bot_id: str, bot_alias_id: str, locale_id: str, session_id: str
    ) -> dict[str, Any]: ...


class UnknownOperationException(LexError):
    """No Lex V2 runtime operation has this method and path (what AWS answers, too)."""

    code = "UnknownOperationException"
    status = 404


def encode_lex_header(value: Any) -> str:
    """JSON, gzip, base64: how Lex puts structured values in ``x-amz-lex-*`` headers."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, mtime=0)).decode("ascii")


def decode_lex_header(value: str) -> Any:
    """Undo :func:`encode_lex_header` (what a client does with PutSession's answer headers)."""
    return json.loads(gzip.decompress(base64.b64decode(value)).decode("utf-8"))


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationException(f"Request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationException("Request body must be a JSON object.")
    return data


def _optional_object(data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationException(f"'{key}' must be a JSON object.")
    return value


def _optional_string_map(data: Mapping[str, Any], key: str) -> dict[str, str] | None:
    value = _optional_object(data, key)
    if value is not None and not all(isinstance(v, str) for v in value.values()):
        raise ValidationException(f"Every value in '{key}' must be a string.")
    return value


def _optional_list(data: Mapping[str, Any], key: str) -> list[dict[str, Any]] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise ValidationException(f"'{key}' must be a list of objects.")
    return value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as boto3's connection pool expects
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle + delayed ACK
    # stalls every answer by ~40 ms on loopback.
    disable_nagle_algorithm = True
    server_version = "LexV2Emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are dropped after this many seconds
    server: _HttpServer

    # ------------------------------------------------------------------ plumbing
    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        line = format % args if args else format
        logger.debug("%s %s", self.address_string(), redact_session_ids(line))

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def _read_body(self) -> bytes:
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise ValidationException("Chunked request bodies are not supported.")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError as exc:
            self.close_connection = True
            raise ValidationException("Invalid Content-Length header.") from exc
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True  # the body is left unread, so the connection is unusable
            raise ValidationException(
                f"Request body of {length} bytes is larger than {MAX_BODY_BYTES} bytes.",
            )
        return self.rfile.read(length)

    def _send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Date", formatdate(usegmt=True))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Mapping[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send(status, body, {"Content-Type": "application/json"})

    def _send_error(self, code: str, status: int, message: str) -> None:
        body = json.dumps({"message": message}, ensure_ascii=False).encode("utf-8")
        self._send(status, body, {"Content-Type": "application/json", "x-amzn-ErrorType": code})

    # ------------------------------------------------------------------ routing
    def _dispatch(self, method: str) -> None:
        try:
            body = self._read_body()
            operation, params = self._route(method)
            self._operate(operation, params, body)
        except Exception as exc:  # the boundary: every failure becomes an AWS-format error
            if not isinstance(exc, LexError):
                logger.exception("unexpected error in %s %s", method, redact_session_ids(self.path))
                exc = InternalServerException("Internal error in the Lex emulator.")
            try:
                self._send_error(exc.code, exc.status, exc.message)
            except OSError:
                self.close_connection = True

    def _route(self, method: str) -> tuple[str, dict[str, str]]:
        path = urlsplit(self.path).path
        for kind, pattern in _ROUTES.items():
            match = pattern.match(path)
            if match is None:
                continue
            operation = _OPERATIONS.get((method, kind))
            if operation is None:
                break
            return operation, {k: unquote(v) for k, v in match.groupdict().items()}
        raise UnknownOperationException(
            f"No Lex V2 runtime operation at {method} {path}.",
        )

    def _operate(self, operation: str, params: dict[str, str], body: bytes) -> None:
        engine = self.server.engine
        ids = {
            "bot_id": params["botId"],
            "bot_alias_id": params["botAliasId"],
            "locale_id": params["localeId"],
            "session_id": params["sessionId"],
        }
        if operation in ("RecognizeUtterance", "StartConversation"):
            raise ValidationException(
                f"{operation} (speech and streaming) is not supported by the offline Lex emulator; "
                "use RecognizeText.",
            )
        if operation == "GetSession":
            self._send_json(200, engine.get_session(**ids))
            return
        if operation == "DeleteSession":
            self._send_json(200, engine.delete_session(**ids))
            return
        data = _json_object(body)
        if operation == "RecognizeText":
            text = data.get("text")
            if not isinstance(text, str):
                raise ValidationException("'text' is required and must be a string.")
            result = engine.recognize_text(
                **ids,
                text=text,
                session_state=_optional_object(data, "sessionState"),
                request_attributes=_optional_string_map(data, "requestAttributes"),
            )
            self._send_json(200, result)
            return
        # PutSession
        session_state = _optional_object(data, "sessionState")
        if session_state is None:
            raise ValidationException("'sessionState' is required.")
        content_type = self.headers.get("ResponseContentType") or DEFAULT_CONTENT_TYPE
        if not content_type.lower().startswith("text/plain"):
            raise ValidationException(
                f"ResponseContentType {content_type!r} is not supported offline; "
                f"use {DEFAULT_CONTENT_TYPE!r}.",
            )
        result = engine.put_session(
            **ids,
            session_state=session_state,
            messages=_optional_list(data, "messages"),
            request_attributes=_optional_string_map(data, "requestAttributes"),
        )
        self._send(200, b"", self._put_session_headers(result, content_type))

    @staticmethod
    def _put_session_headers(result: Mapping[str, Any], content_type: str) -> dict[str, str]:
        """PutSession answers in headers; structured values are JSON, gzipped, base64-encoded."""
        headers = {"Content-Type": content_type}
        for key, header in (
            ("messages", "x-amz-lex-messages"),
            ("sessionState", "x-amz-lex-session-state"),
            ("requestAttributes", "x-amz-lex-request-attributes"),
        ):
            value = result.get(key)
            if value is None or value == [] or value == {}:
                continue
            headers[header] = value if isinstance(value, str) else encode_lex_header(value)
        session_id = result.get("sessionId")
        if isinstance(session_id, str) and session_id:
            headers["x-amz-lex-session-id"] = session_id
        return headers


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # the listen backlog: room for 200+ clients connecting at once
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], engine: LexEngine) -> None:
        self.engine = engine
        self._connections: set[socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Wake handler threads parked on idle keep-alive connections so they end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(SHUT_RDWR)


class EmulatorServer:
    """The Lex V2 runtime over HTTP, in a background thread (``start``) or the foreground.

    ``EmulatorServer(engine, host="127.0.0.1", port=0)``; ``port=0`` picks a free port, and
    :attr:`url` tells which one. Use it as a context manager in tests.
    """

    def __init__(self, engine: LexEngine, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _HttpServer((host, port), engine)
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()
        self._lock = threading.Lock()

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        """Serve in a daemon thread; returns at once. Calling it twice is harmless."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._httpd.serve_forever,
                    kwargs={"poll_interval": 0.2},
                    name=f"lex-emulator-{self.port}",
                    daemon=True,
                )
                self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask :meth:`serve_forever` to return; safe to call from a signal handler."""
        self._stop_requested.set()

    def serve_forever(self) -> None:
        """Serve until :meth:`request_stop` (e.g. from a SIGTERM handler) or Ctrl-C, then stop."""
        self.start()
        try:
            while not self._stop_requested.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, close the socket and any idle keep-alive connections."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._httpd.shutdown()
                thread.join(timeout=10)
            self._httpd.server_close()
            self._httpd.close_connections()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
