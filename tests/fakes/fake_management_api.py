"""API Gateway's WebSocket Management API on loopback, for the fallback's tests only.

Just what ``boto3.client("apigatewaymanagementapi", endpoint_url=...)`` calls:

* ``POST [/<stage>]/@connections/{connectionId}`` (``post_to_connection``): the body is one frame for
  that connection; recorded, answered 200 with an empty body. An id that was never opened (or was
  closed) gets what API Gateway sends for a gone connection: HTTP 410, ``x-amzn-ErrorType:
  GoneException`` and ``{"message": null}``, which botocore raises as ``GoneException``;
* ``GET`` (``get_connection``): 200 with ``connectedAt`` / ``lastActiveAt``, or the same 410;
* ``DELETE`` (``delete_connection``): closes the connection (204), or the same 410.

``delay`` (seconds, before every answer) plays a slow socket; ``open_connection(gone_after=n)``
plays a page that goes away after ``n`` frames. The devstack's local gateway (``devstack``) is
the real local implementation; this one only records.

Usage::

    with FakeManagementApi() as api:
        connection = api.open_connection()
        client = boto3.client("apigatewaymanagementapi", endpoint_url=api.endpoint_url, ...)
        client.post_to_connection(ConnectionId=connection, Data=b'{"type": "chunk"}')
        api.frames(connection)  # [{"type": "chunk"}]
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FakeManagementApi", "Frame"]

_PATH = re.compile(r"^(?:/[^/@]+)*/@connections/([^/?]+)$")
_GONE_BODY = b'{"message":null}'


@dataclass(frozen=True)
class Frame:
    """One ``post_to_connection`` body as received; ``at`` is ``time.monotonic()`` on arrival."""

    connection_id: str
    data: bytes
    at: float
    signed: bool

    def json(self) -> Any:
        return json.loads(self.data.decode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output is for the tests."""

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", secrets.token_hex(8))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (its read timeout)

    def _gone(self) -> None:
        self._reply(410, _GONE_BODY, {"x-amzn-ErrorType": "GoneException"})

    def _connection(self) -> str | None:
        match = _PATH.match(self.path)
        return urllib.parse.unquote(match.group(1)) if match else None

    def _route(self, method: str) -> None:
        api = self.server.api
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        connection = self._connection()
        if connection is None:
            self._reply(404, b'{"message":"Not Found"}')
            return
        if api.wait_or_stop(api.delay):
            return
        signed = self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256")
        status = api.handle(method, connection, data, signed)
        if status == 410:
            self._gone()
        elif status == 200 and method == "GET":
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self._reply(200, json.dumps({"connectedAt": now, "lastActiveAt": now}).encode())
        else:
            self._reply(status)

    def do_POST(self) -> None:
        self._route("POST")

    def do_GET(self) -> None:
        self._route("GET")

    def do_DELETE(self) -> None:
        self._route("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: FakeManagementApi) -> None:
        super().__init__(address, _Handler)
        self.api = api


class FakeManagementApi:
    """The fake; a context manager that serves it from a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, stage: str = "stream") -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._open: dict[str, int | None] = {}  # id -> frames left before it goes away
        self._frames: list[Frame] = []
        self._refused = 0
        self._stopping = threading.Event()
        self._host = host
        self._stage = stage
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None
        self.delay = 0.0
        """Seconds to wait before answering any request (a slow socket)."""

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeManagementApi:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="fake-management-api", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeManagementApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """What ``STREAM_MANAGEMENT_URL`` is set to (with a stage path, as on AWS)."""
        return f"http://{self._host}:{self._server.server_address[1]}/{self._stage}"

    # -- connections ---------------------------------------------------------------------------
    def open_connection(
        self, connection_id: str | None = None, *, gone_after: int | None = None
    ) -> str:
        """A connection that takes frames (``gone_after`` of them, then it is gone)."""
        connection = connection_id or secrets.token_urlsafe(12).replace("-", "A") + "="
        with self._lock:
            self._open[connection] = gone_after
        return connection

    def close_connection(self, connection_id: str) -> None:
        with self._lock:
            self._open.pop(connection_id, None)

    def handle(self, method: str, connection: str, data: bytes, signed: bool) -> int:
        with self._changed:
            if connection not in self._open:
                self._refused += 1
                self._changed.notify_all()
                return 410
            if method == "DELETE":
                del self._open[connection]
                return 204
            if method == "GET":
                return 200
            left = self._open[connection]
            if left is not None:
                if left <= 0:
                    del self._open[connection]
                    self._refused += 1
                    self._changed.notify_all()
                    return 410
                self._open[connection] = left - 1
            self._frames.append(Frame(connection, data, time.monotonic(), signed))
            self._changed.notify_all()
            return 200

    # -- what was received ---------------------------------------------------------------------
    def frames(self, connection_id: str | None = None) -> list[Any]:
        """The JSON frames received (for one connection), oldest first."""
        return [f.json() for f in self.raw_frames(connection_id)]

    def raw_frames(self, connection_id: str | None = None) -> list[Frame]:
        with self._lock:
            return [f for f in self._frames if connection_id in (None, f.connection_id)]

    @property
    def refused(self) -> int:
        """How many requests were answered 410 Gone."""
        with self._lock:
            return self._refused

    def wait_for_frames(self, count: int, timeout: float = 5.0) -> list[Any]:
        """Wait (bounded) until ``count`` frames have arrived; the frames so far."""
        ends = time.monotonic() + timeout
        with self._changed:
            while len(self._frames) < count and not self._stopping.is_set():
                left = ends - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return self.frames()

    def wait_or_stop(self, seconds: float) -> bool:
        """Sleep ``seconds``; True if the server is stopping meanwhile."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()
