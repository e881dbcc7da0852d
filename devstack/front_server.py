"""One local origin for the page and the API, the way CloudFront serves them. Local dev only.

* ``GET``/``HEAD`` of any other path serves a published file of ``frontend/`` (``/`` is
  ``index.html``) with its content type; never a directory listing, never a file outside the folder.
* ``/chat`` and ``/health`` go to the Chalice app unchanged: method, headers and body in; status,
  headers and body streamed back.
* When the Chalice app cannot be reached or answers garbage the client gets ``502``
  (``504`` on timeout) with the API's own error shape, ``{"error": {"code", "message"}}``.

``python -m devstack.front_server --backend http://127.0.0.1:PORT --root frontend --port 8000``
prints ``Front server on http://HOST:PORT`` once it listens.
"""

from __future__ import annotations

import argparse
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

from devstack.frontend_files import content_type_for, request_path_to_key
from devstack.metrics_store import MetricsStore
from devstack.stats_routes import StatsRoutes

__all__ = ["PROXIED_PATHS", "FrontServer", "main"]

PROXIED_PATHS = frozenset({"/chat", "/health"})
MAX_BODY_BYTES = 1024 * 1024
# Above Lex's 30 s code-hook limit, like CloudFront's 30 s origin read timeout plus a margin.
BACKEND_TIMEOUT_SECONDS = 35.0
_CHUNK = 64 * 1024
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


class BackendPool:
    """Keep-alive connections to the Chalice app, reused across requests.

    Saves a TCP handshake and a server thread per request, as CloudFront's origin keep-alive does.
    A reused connection the backend has closed in the meantime is retried once on a fresh one.
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
        access_log: Callable[[str], None] | None = None,
        stats: StatsRoutes | None = None,
    ) -> None:
        self.stats = stats
        parts = urlsplit(backend_url)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            raise ValueError(f"backend URL must be http://HOST:PORT, got {backend_url!r}")
        self.static_root = Path(static_root).resolve()
        self.backend = BackendPool(parts.hostname, parts.port, backend_timeout)
        self.access_log = access_log
        super().__init__(address, FrontHandler)

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

    # ------------------------------------------------------------------ routing
    def _route(self) -> None:
        self._started = time.monotonic()
        path = self.path.split("?", 1)[0]
        stats = self.server.stats.respond(self.command, path) if self.server.stats else None
        if stats is not None:
            self._send_bytes(stats.status, stats.body, stats.content_type, stats.headers)
        elif path in PROXIED_PATHS:
            self._proxy()
        elif self.command in ("GET", "HEAD"):
            self._static()
        else:
            self._send_json(
                405,
                "method_not_allowed",
                "Only GET and HEAD are allowed here.",
                extra={"Allow": "GET, HEAD"},
            )

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route

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

    # ------------------------------------------------------------------ proxy
    def _proxy(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._send_json(411, "length_required", "Send the body with a Content-Length.")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send_json(400, "invalid_request", "Content-Length is not a number.")
            return
        if length > MAX_BODY_BYTES:
            self._send_json(413, "payload_too_large", "The request body is too large.")
            return
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        client_ip = self.client_address[0]
        prior = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{prior}, {client_ip}" if prior else client_ip
        headers["X-Forwarded-Proto"] = "http"
        headers["X-Forwarded-Host"] = self.headers.get("Host", "")
        if body is not None:
            headers["Content-Length"] = str(len(body))
        pool = self.server.backend
        while True:
            conn, reused = pool.acquire()
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
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
        if self._relay(response) and not response.will_close:
            pool.release(conn)
        else:
            conn.close()

    def _relay(self, response: http.client.HTTPResponse) -> bool:
        """Stream the backend's answer to the client; return whether it was read completely."""
        self.send_response(response.status, response.reason)
        length = response.getheader("Content-Length")
        for name, value in response.getheaders():
            if name.lower() not in _HOP_BY_HOP and name.lower() not in ("server", "date"):
                self.send_header(name, value)
        if length is not None and length.isdigit():
            self.send_header("Content-Length", length)
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            while self.command != "HEAD":
                chunk = response.read(_CHUNK)
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
    def _send_json(
        self, status: int, code: str, message: str, extra: dict[str, str] | None = None
    ) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self._send_bytes(status, body, "application/json", extra)

    def _send_bytes(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(status)

    def _log(self, status: int) -> None:
        sink = self.server.access_log
        if sink is not None:
            elapsed_ms = (time.monotonic() - self._started) * 1000
            sink(f"{self.command} {self.path[:200]} {status} {elapsed_ms:.0f} ms")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence BaseHTTPRequestHandler's own lines; ``_log`` writes one line per request."""


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
