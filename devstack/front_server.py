"""One local origin for the page and the API, the way CloudFront serves them. Local dev only.

* ``GET``/``HEAD`` of any other path serves a published file of ``frontend/`` (``/`` is
  ``index.html``) with its content type; never a directory listing, never a file outside the folder.
* ``/chat`` and ``/health`` go to the Chalice app unchanged: method, headers and body in; status,
  headers and body streamed back.
* When the Chalice app cannot be reached or answers garbage the client gets ``502``
  (``504`` on timeout) with the API's own error shape, ``{"error": {"code", "message"}}``.
* Every response carries ``devstack.security_headers.SECURITY_HEADERS``, as CloudFront's
  response headers policy adds them.

Hardened against a hostile client on the same machine (issue 10):

* requests are framed strictly (``devstack.http_request``): a request that could be read two
  ways is refused with a 400, a ``GET``/``HEAD`` with a body with a 403 (as CloudFront does), and
  a connection whose body was not read (any refusal, a static path) is closed after the answer,
  so stray bytes never become a request;
* each phase has a wall-clock limit (``devstack.deadline_reader``): an idle keep-alive
  connection, a request head and a body that do not arrive in time end the connection (408 for a
  started request), and at most ``max_connections`` are served at once;
* a backend connection used for ``HEAD`` is never pooled (its answer has no body to frame).

Streaming (issue 12): a WebSocket upgrade (``GET`` with ``Connection: upgrade`` and
``Upgrade: websocket``) on ``/stream`` is passed to the local stream gateway
(``--stream-backend``), whose answer comes back with the security headers; after a ``101`` the
connection is a byte tunnel (``devstack.stream_tunnel``). A WebSocket upgrade on any other path,
or on ``/stream`` with streaming off, is refused; other ``Upgrade`` offers (``h2c``) are ignored
as before.

``python -m devstack.front_server --backend http://127.0.0.1:PORT --root frontend --port 8000``
prints ``Front server on http://HOST:PORT`` once it listens.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from devstack.deadline_reader import DeadlineReader
from devstack.frontend_files import content_type_for, request_path_to_key
from devstack.http_request import (
    MAX_HEADER_BYTES,
    MAX_HEADER_LINES,
    MAX_LINE_BYTES,
    FramingError,
    body_length,
    parse_header_line,
    parse_request_line,
)
from devstack.metrics_store import MetricsStore
from devstack.security_headers import SECURITY_HEADERS
from devstack.stats_routes import StatsRoutes
from devstack.stream_tunnel import is_websocket_upgrade, pipe

__all__ = ["PROXIED_PATHS", "STREAM_PATH", "FrontServer", "Timeouts", "main"]

PROXIED_PATHS = frozenset({"/chat", "/health"})
STREAM_PATH = "/stream"
# The gateway's answer to an upgrade: a 101 head, or a short refusal.
_MAX_UPGRADE_ANSWER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
# Above Lex's 30 s code-hook limit, like CloudFront's 30 s origin read timeout plus a margin.
BACKEND_TIMEOUT_SECONDS = 35.0
MAX_CONNECTIONS = 256
_CHUNK = 64 * 1024
# After refusing a request whose body is still arriving, read and drop this much of it before
# closing, so the client sees the answer instead of a TCP reset.
_LINGER_BYTES = 4 * 1024 * 1024
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "expect",
    }
)
# The backend's own versions of these are replaced by ours.
_NOT_RELAYED = _HOP_BY_HOP | {name.lower() for name in SECURITY_HEADERS} | {"server", "date"}
# The same for the gateway's answer to an upgrade; this one sets Connection and Upgrade itself.
_NOT_RELAYED_UPGRADE = (
    {"connection", "upgrade", "keep-alive", "transfer-encoding"}
    | {name.lower() for name in SECURITY_HEADERS}
    | {"server", "date"}
)


class Timeouts:
    """Wall-clock limits for each phase of a client connection, in seconds.

    ``idle``: a keep-alive connection waiting for its next request; ``header``: the request line
    and headers, from their first byte; ``body``: the whole request body; ``write``: each send of
    the answer to a client that does not read; ``linger``: draining an unread body before closing.
    """

    def __init__(
        self,
        *,
        idle: float = 30.0,
        header: float = 10.0,
        body: float = 20.0,
        write: float = 30.0,
        linger: float = 2.0,
    ) -> None:
        self.idle = idle
        self.header = header
        self.body = body
        self.write = write
        self.linger = linger


class BackendPool:
    """Keep-alive connections to the Chalice app, reused across requests.

    Saves a TCP handshake and a server thread per request, as CloudFront's origin keep-alive does.
    A reused connection the backend has closed in the meantime is retried once on a fresh one.
    Only a connection whose last answer was read to its end may come back (``release``).
    """

    def __init__(self, host: str, port: int, timeout: float, max_idle: int = 64) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def acquire(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection, and whether it was used before."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout), False

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class FrontServer(ThreadingHTTPServer):
    """A threaded HTTP server that knows the static folder and the backend address."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        *,
        static_root: str | Path,
        backend_url: str,
        backend_timeout: float = BACKEND_TIMEOUT_SECONDS,
        timeouts: Timeouts | None = None,
        max_connections: int = MAX_CONNECTIONS,
        access_log: Callable[[str], None] | None = None,
        stats: StatsRoutes | None = None,
        stream_backend_url: str | None = None,
    ) -> None:
        """``stream_backend_url``: the stream gateway's ``http://HOST:PORT``; None: no ``/stream``."""
        self.stats = stats
        parts = urlsplit(backend_url)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            raise ValueError(f"backend URL must be http://HOST:PORT, got {backend_url!r}")
        self.stream_backend: tuple[str, int] | None = None
        if stream_backend_url:
            stream = urlsplit(stream_backend_url)
            if stream.scheme != "http" or not stream.hostname or stream.port is None:
                raise ValueError(
                    f"stream backend URL must be http://HOST:PORT, got {stream_backend_url!r}"
                )
            self.stream_backend = (stream.hostname, stream.port)
        self.static_root = Path(static_root).resolve()
        self.backend = BackendPool(parts.hostname, parts.port, backend_timeout)
        self.timeouts = timeouts or Timeouts()
        self.access_log = access_log
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, FrontHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve in a new thread, unless ``max_connections`` are open: then close at once."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished mid-answer is normal; anything else is a bug worth a traceback."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.backend.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


class FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "devstack-front"
    server: FrontServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate sends: without this, Nagle's algorithm and the
        # client's delayed ACK can hold the body back for 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = DeadlineReader(self.connection)
        self.body_length = 0
        self.websocket_upgrade = False
        self._unread_input = False
        self._started = time.monotonic()

    # ------------------------------------------------------------------ connection loop
    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            self.handle_one_request()
        if self._unread_input:
            self._linger()

    def handle_one_request(self) -> None:
        """Read one request within the time limits, frame it strictly, and answer it."""
        self.close_connection = True
        self.command = ""
        self.requestline = ""
        self.request_version = "HTTP/1.1"
        self.body_length = 0
        self.websocket_upgrade = False
        timeouts = self.server.timeouts
        try:
            self.reader.set_timeout(timeouts.idle)
            if not self.reader.wait_for_data():
                return  # the client closed its keep-alive connection
        except OSError:  # TimeoutError included: idle too long, close quietly
            return
        self._started = time.monotonic()
        self.reader.set_timeout(timeouts.header)
        try:
            try:
                complete = self._read_head()
            except FramingError as exc:
                self._unread_input = True
                self._send_json(exc.status, exc.code, exc.message)
                return
            except TimeoutError:
                self._unread_input = True
                self._send_json(408, "request_timeout", "The request headers took too long.")
                return
            if complete:
                self._route()
        except OSError:  # the client stopped reading or went away: nothing left to tell it
            self.close_connection = True

    def _read_head(self) -> bool:
        """Request line and headers into ``command``/``path``/``headers``; False on EOF."""
        raw = self.reader.readline(MAX_LINE_BYTES + 1)
        if raw in (b"\r\n", b"\n"):  # RFC 9112 2.2: ignore one empty line before a request
            raw = self.reader.readline(MAX_LINE_BYTES + 1)
        if not raw.endswith(b"\n") and len(raw) <= MAX_LINE_BYTES:
            return False
        self.requestline = raw.rstrip(b"\r\n")[:200].decode("latin-1")
        line = parse_request_line(raw)
        self.command, self.path, self.request_version = line.method, line.target, line.version_text
        fields: list[tuple[str, str]] = []
        total = len(raw)
        while True:
            raw = self.reader.readline(MAX_LINE_BYTES + 1)
            if raw in (b"\r\n", b"\n"):
                break
            if not raw.endswith(b"\n") and len(raw) <= MAX_LINE_BYTES:
                return False
            total += len(raw)
            too_long = len(raw) > MAX_LINE_BYTES or total > MAX_HEADER_BYTES
            if too_long or len(fields) >= MAX_HEADER_LINES:
                raise FramingError(431, "headers_too_large", "The request headers are too large.")
            fields.append(parse_header_line(raw))
        self.body_length = body_length(fields, line.version)
        message = http.client.HTTPMessage()
        for name, value in fields:
            message[name] = value
        self.headers = message
        tokens = {
            t.strip().lower() for v in message.get_all("Connection", []) for t in v.split(",")
        }
        keep_alive = line.version >= (1, 1) or "keep-alive" in tokens
        self.close_connection = "close" in tokens or not keep_alive
        self.websocket_upgrade = is_websocket_upgrade(tokens, message.get("Upgrade"))
        return True

    def _linger(self) -> None:
        """Half-close, then drop what the client still sends for a moment, then close.

        Closing a socket with unread input makes the kernel send a reset, which can destroy the
        answer in flight; this is Apache's and nginx's "lingering close".
        """
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            self.reader.set_timeout(self.server.timeouts.linger)
            dropped = 0
            while dropped < _LINGER_BYTES:
                chunk = self.reader.read(_CHUNK)
                if not chunk:
                    break
                dropped += len(chunk)

    # ------------------------------------------------------------------ routing
    def _route(self) -> None:
        path = self.path.split("?", 1)[0]
        if self.body_length and self.command in ("GET", "HEAD"):
            # As CloudFront does ("GET requests that include a body", RequestAndResponseBehavior-
            # CustomOrigin.html in its developer guide); the body is never read or passed on.
            self._unread_input = True
            self._send_json(403, "forbidden", "A GET or HEAD request cannot have a body.")
            return
        if self.websocket_upgrade:
            self._upgrade(path)
            return
        if path in PROXIED_PATHS:
            self._proxy()
            return
        if self.body_length:
            # Static paths never read a body (only a 405 gets here with one): end the connection
            # after the answer, so the body's bytes are never taken for the next request.
            self._unread_input = True
            self.close_connection = True
        stats = self.server.stats.respond(self.command, path) if self.server.stats else None
        if stats is not None:
            self._send_bytes(stats.status, stats.body, stats.content_type, stats.headers)
            return
        if self.command in ("GET", "HEAD"):
            self._static()
        else:
            self._send_json(
                405,
                "method_not_allowed",
                "Only GET and HEAD are allowed here.",
                extra={"Allow": "GET, HEAD"},
            )

    # ------------------------------------------------------------------ static files
    def _static(self) -> None:
        key = request_path_to_key(self.path)
        path = self._existing_file(key) if key is not None else None
        if path is None:
            self._send_bytes(404, b"Not found\n", "text/plain; charset=utf-8")
            return
        try:
            body = path.read_bytes()
        except OSError:
            self._send_bytes(404, b"Not found\n", "text/plain; charset=utf-8")
            return
        assert key is not None
        self._send_bytes(200, body, content_type_for(key), {"Cache-Control": "no-cache"})

    def _existing_file(self, key: str) -> Path | None:
        root = self.server.static_root
        candidate = (root / key).resolve()
        try:
            candidate.relative_to(root)  # a symlink may point outside the folder
        except ValueError:
            return None
        return candidate if candidate.is_file() else None

    # ------------------------------------------------------------------ WebSocket upgrade
    def _upgrade(self, path: str) -> None:
        """Pass a WebSocket upgrade on ``/stream`` to the gateway; refuse it anywhere else."""
        backend = self.server.stream_backend
        if path != STREAM_PATH or self.command != "GET" or self.body_length:
            self._unread_input = bool(self.body_length)
            self.close_connection = True
            self._send_json(
                400, "upgrade_not_allowed", "Only GET /stream can be upgraded to a WebSocket."
            )
            return
        if backend is None:
            self.close_connection = True
            self._send_json(404, "not_found", "Streaming is turned off on this server.")
            return
        self.close_connection = True
        timeouts = self.server.timeouts
        try:
            upstream = socket.create_connection(backend, timeout=timeouts.header)
        except OSError:
            self._send_json(502, "bad_gateway", "The stream gateway is not reachable right now.")
            return
        with upstream:
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._tunnel(upstream)

    def _tunnel(self, upstream: socket.socket) -> None:
        timeouts = self.server.timeouts
        lines = [f"GET {self.path} HTTP/1.1"]
        for name, value in self.headers.items():
            if name.lower() not in ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"):
                lines.append(f"{name}: {value}")
        # Only the client's own address: the gateway takes the last hop as identity.sourceIp.
        lines.append(f"X-Forwarded-For: {self.client_address[0]}")
        lines.append("X-Forwarded-Proto: http")
        lines.append(f"X-Forwarded-Host: {self.headers.get('Host', '')}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        early = self.reader.read(self.reader.buffered) if self.reader.buffered else b""
        reader = DeadlineReader(upstream)
        try:
            upstream.settimeout(timeouts.write)
            upstream.sendall(head + early)
            reader.set_timeout(BACKEND_TIMEOUT_SECONDS)
            status, reason, fields = _read_answer_head(reader)
        except (OSError, ValueError):
            self._send_json(502, "bad_gateway", "The stream gateway answered badly.")
            return
        body = b""
        if status != 101:
            length = next((v for k, v in fields if k.lower() == "content-length"), "0")
            size = min(int(length) if length.isdigit() else 0, _MAX_UPGRADE_ANSWER_BYTES)
            with contextlib.suppress(OSError):
                body = reader.read(size)
        self.connection.settimeout(timeouts.write)
        self.send_response(status, reason)
        for name, value in fields:
            lower = name.lower()
            if lower in _NOT_RELAYED_UPGRADE or (status != 101 and lower == "content-length"):
                continue
            self.send_header(name, value)
        self._send_security_headers()
        if status == 101:
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "websocket")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self._log(status)
        if status != 101:
            return
        if reader.buffered:
            self.connection.sendall(reader.read(reader.buffered))
        pipe(self.connection, upstream, write_timeout=timeouts.write)

    # ------------------------------------------------------------------ proxy
    def _read_body(self) -> bytes | None:
        """The request body, read within the body time limit; None if an answer was sent."""
        length = self.body_length
        if length > MAX_BODY_BYTES:
            self._unread_input = True
            self._send_json(413, "payload_too_large", "The request body is too large.")
            return None
        expect = self.headers.get("Expect")
        if expect is not None:
            if expect.strip().lower() != "100-continue":
                self._unread_input = True
                self._send_json(417, "expectation_failed", "Only Expect: 100-continue works.")
                return None
            if length and self.request_version == "HTTP/1.1":
                self.handle_expect_100()
        self.reader.set_timeout(self.server.timeouts.body)
        try:
            body = self.reader.read(length) if length else b""
        except TimeoutError:
            self._unread_input = True
            self._send_json(408, "request_timeout", "The request body took too long.")
            return None
        if len(body) < length:  # the client went away before sending it all
            self.close_connection = True
            return None
        return body

    def _proxy(self) -> None:
        body = self._read_body()
        if body is None:
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        client_ip = self.client_address[0]
        prior = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{prior}, {client_ip}" if prior else client_ip
        headers["X-Forwarded-Proto"] = "http"
        headers["X-Forwarded-Host"] = self.headers.get("Host", "")
        if body or self.command not in ("GET", "HEAD", "DELETE", "OPTIONS"):
            headers["Content-Length"] = str(len(body))
        pool = self.server.backend
        while True:
            conn, reused = pool.acquire()
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                response = conn.getresponse()
            except TimeoutError:
                conn.close()
                self._send_json(504, "gateway_timeout", "The chat API did not answer in time.")
                return
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                conn.close()
                if reused:  # the backend closed an idle keep-alive connection: try a fresh one
                    continue
                self._send_json(502, "bad_gateway", "The chat API is not reachable right now.")
                return
            except (OSError, http.client.HTTPException):
                conn.close()
                self._send_json(502, "bad_gateway", "The chat API is not reachable right now.")
                return
            break
        released = False

        def release_if_reusable() -> None:
            # A HEAD answer has no body to frame: whatever a backend sent after its headers would
            # be read as the next answer on that connection, so it is never reused. The connection
            # goes back as soon as the backend's answer is read to its end, before its last bytes
            # reach the client: the client's next request then finds it idle in the pool.
            nonlocal released
            if (
                not released
                and self.command != "HEAD"
                and response.isclosed()
                and not response.will_close
            ):
                pool.release(conn)
                released = True

        self._relay(response, release_if_reusable)
        if not released:
            conn.close()

    def _relay(
        self, response: http.client.HTTPResponse, on_backend_drained: Callable[[], None]
    ) -> bool:
        """Stream the backend's answer to the client; return whether it was read completely.

        ``on_backend_drained`` runs once, when the backend's answer has been read to its end.
        """
        self.connection.settimeout(self.server.timeouts.write)
        self.send_response(response.status, response.reason)
        length = response.getheader("Content-Length")
        for name, value in response.getheaders():
            if name.lower() not in _NOT_RELAYED:
                self.send_header(name, value)
        self._send_security_headers()
        if length is not None and length.isdigit():
            self.send_header("Content-Length", length)
        else:
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            if self.command == "HEAD":
                response.read()  # nothing, by RFC 9110; http.client knows, and marks it closed
            while self.command != "HEAD":
                chunk = response.read(_CHUNK)
                if response.isclosed():
                    on_backend_drained()
                if not chunk:
                    break
                self.wfile.write(chunk)
        except (OSError, http.client.HTTPException):
            # Headers are gone already: all we can do is cut the connection.
            self.close_connection = True
            self._log(response.status)
            return False
        self._log(response.status)
        return True

    # ------------------------------------------------------------------ responses
    def _send_security_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)

    def _send_json(
        self, status: int, code: str, message: str, extra: dict[str, str] | None = None
    ) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self._send_bytes(status, body, "application/json", extra)

    def _send_bytes(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        if self._unread_input:
            self.close_connection = True
        self.connection.settimeout(self.server.timeouts.write)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._send_security_headers()
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(status)

    def _log(self, status: int) -> None:
        sink = self.server.access_log
        if sink is not None:
            elapsed_ms = (time.monotonic() - self._started) * 1000
            target = self.path[:200] if self.command else "-"
            sink(f"{self.command or '-'} {target} {status} {elapsed_ms:.0f} ms")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence BaseHTTPRequestHandler's own lines; ``_log`` writes one line per request."""


def _read_answer_head(reader: DeadlineReader) -> tuple[int, str, list[tuple[str, str]]]:
    """The status, reason and header fields of an HTTP/1.1 answer; ValueError if malformed."""
    raw = reader.readline(MAX_LINE_BYTES + 1)
    parts = raw.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ValueError("not an HTTP answer")
    fields: list[tuple[str, str]] = []
    total = len(raw)
    while True:
        raw = reader.readline(MAX_LINE_BYTES + 1)
        if raw in (b"\r\n", b"\n"):
            break
        total += len(raw)
        if not raw.endswith(b"\n") or total > _MAX_UPGRADE_ANSWER_BYTES:
            raise ValueError("answer head too long or cut off")
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep:
            raise ValueError("bad header line")
        fields.append((name.strip(), value.strip()))
    return int(parts[1]), parts[2] if len(parts) > 2 else "", fields


def _stop(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.front_server", description=__doc__)
    parser.add_argument("--backend", required=True, help="the Chalice app, http://HOST:PORT")
    parser.add_argument("--root", default="frontend", help="the folder with index.html")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--quiet", action="store_true", help="no access log")
    parser.add_argument("--metrics-file", default=None, help="EMF lines for the /stats/ page")
    parser.add_argument(
        "--stream-backend", default=None, help="the stream gateway, http://HOST:PORT (/stream)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        server = FrontServer(
            (args.host, args.port),
            static_root=args.root,
            backend_url=args.backend,
            access_log=None if args.quiet else log,
            stats=StatsRoutes(MetricsStore(Path(args.metrics_file))) if args.metrics_file else None,
            stream_backend_url=args.stream_backend,
        )
    except OSError as exc:
        print(
            f"front_server: cannot listen on {args.host}:{args.port}: {exc.strerror}"
            + (" (another program uses it; pick another with PORT=...)" if args.port else ""),
            file=sys.stderr,
            flush=True,
        )
        return 1
    except ValueError as exc:
        print(f"front_server: {exc}", file=sys.stderr, flush=True)
        return 2
    print(f"Front server on {server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
