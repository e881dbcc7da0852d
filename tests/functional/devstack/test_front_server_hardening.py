"""The front server against a hostile client, over real loopback sockets (issue 10, item 3).

Every probe of the outside review is here: a HEAD that poisoned a pooled backend connection,
request desync (unread bodies, duplicate or odd Content-Length, invalid header lines), slow
clients (idle, dripped headers, a body that never comes) and the security headers. Each test is
bounded in time: the server's limits are set to fractions of a second, every client socket has a
timeout.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from devstack.front_server import FrontServer, Timeouts
from devstack.security_headers import SECURITY_HEADERS

CLIENT_TIMEOUT = 5.0
STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) ")


class _Backend(BaseHTTPRequestHandler):
    """Stands in for the Chalice app; records every request it gets."""

    protocol_version = "HTTP/1.1"
    received: ClassVar[list[dict[str, Any]]] = []
    lock = threading.Lock()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.lock:
            type(self).received.append({"method": self.command, "path": self.path, "body": body})
        payload = json.dumps({"echo": body.decode("utf-8"), "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        # A backend's own, weaker policy must not reach the browser.
        self.send_header("Content-Security-Policy", "default-src *")
        self.end_headers()
        if self.command != "HEAD" or "head-body" in self.path:  # a buggy backend sends one
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(server: ThreadingHTTPServer) -> None:
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()


@pytest.fixture
def backend() -> Iterator[ThreadingHTTPServer]:
    _Backend.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    server.daemon_threads = True
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "frontend"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>chat</title>", encoding="utf-8")
    return root


FAST = Timeouts(idle=1.0, header=1.0, body=1.0, write=2.0, linger=0.5)


def _front(site: Path, backend: ThreadingHTTPServer, **kwargs: Any) -> FrontServer:
    host, port = backend.server_address[:2]
    server = FrontServer(
        ("127.0.0.1", 0),
        static_root=site,
        backend_url=f"http://{host!s}:{port}",
        backend_timeout=2.0,
        **{"timeouts": FAST, **kwargs},
    )
    _serve(server)
    return server


@pytest.fixture
def front(site: Path, backend: ThreadingHTTPServer) -> Iterator[FrontServer]:
    server = _front(site, backend)
    yield server
    server.shutdown()
    server.server_close()


def _connect(server: FrontServer) -> socket.socket:
    host, port = server.server_address[:2]
    sock = socket.create_connection((str(host), port), timeout=CLIENT_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_to_eof(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; TimeoutError if it never does."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def _statuses(data: bytes, heads: int = 0) -> list[int]:
    """The status of each answer in ``data``, framed by Content-Length (the first ``heads``
    answers are to HEAD requests, so they have none)."""
    statuses = []
    while data:
        head, sep, data = data.partition(b"\r\n\r\n")
        match = STATUS_LINE.match(head)
        assert sep and match, f"not an HTTP answer: {head[:200]!r}"
        statuses.append(int(match.group(1)))
        length = re.search(rb"\r\nContent-Length: (\d+)", head)
        if len(statuses) > heads and length:
            data = data[int(length.group(1)) :]
    return statuses


def _exchange(server: FrontServer, raw: bytes, heads: int = 0) -> tuple[list[int], bytes]:
    """Send raw bytes on one connection; the statuses of every answer, and all bytes."""
    with _connect(server) as sock:
        sock.sendall(raw)
        data = _read_to_eof(sock)
    return _statuses(data, heads), data


def _request(server: FrontServer, method: str, path: str, body: bytes | None = None):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


SMUGGLED = b"GET /health?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n"


# ---------------------------------------------------------------------- pooled backend connections
def test_concurrent_heads_do_not_poison_pooled_backend_connections(front: FrontServer) -> None:
    """Reported: 20 concurrent HEADs made 10 of the next 30 POSTs fail with 502."""
    with ThreadPoolExecutor(max_workers=20) as pool:
        heads = list(pool.map(lambda _: _request(front, "HEAD", "/health")[0], range(20)))
    assert heads == [200] * 20
    with ThreadPoolExecutor(max_workers=10) as pool:
        posts = list(
            pool.map(lambda i: _request(front, "POST", "/chat", f"{i}".encode()), range(30))
        )
    assert [status for status, _, _ in posts] == [200] * 30
    assert sorted(json.loads(body)["echo"] for _, _, body in posts) == sorted(
        str(i) for i in range(30)
    )


def test_a_backend_that_sends_a_body_with_head_cannot_desync_the_pool(front: FrontServer) -> None:
    for i in range(5):
        assert _request(front, "HEAD", "/health?head-body=1")[0] == 200
        status, _, body = _request(front, "POST", "/chat", f"after-{i}".encode())
        assert status == 200
        assert json.loads(body) == {"echo": f"after-{i}", "path": "/chat"}


def test_a_head_answer_has_no_body_to_mistake_for_the_next_answer(front: FrontServer) -> None:
    statuses, data = _exchange(
        front,
        b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        heads=1,
    )
    assert statuses == [200, 200]
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b"Content-Length:" in head  # the length a GET would have...
    assert rest.startswith(b"HTTP/1.1 200 ")  # ...and no body after it


# ---------------------------------------------------------------------- request desync
@pytest.mark.parametrize(
    ("head", "status"),
    [
        # 413: the body is never read
        (f"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n", 413),
        # 411: chunked bodies are refused without reading them
        ("POST /chat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        # 405: a static path never reads the body
        (f"POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SMUGGLED)}\r\n\r\n", 405),
        # a GET with a body: refused, as CloudFront does, on a static path or a proxied one
        (f"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SMUGGLED)}\r\n\r\n", 403),
        (f"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SMUGGLED)}\r\n\r\n", 403),
    ],
    ids=["413", "411", "405", "get-with-body", "proxied-get-with-body"],
)
def test_an_unread_body_is_never_parsed_as_the_next_request(
    front: FrontServer, head: str, status: int
) -> None:
    statuses, data = _exchange(front, head.encode() + SMUGGLED)
    assert statuses == [status], data[:500]
    assert b"Connection: close" in data
    assert not any("smuggled" in r["path"] for r in _Backend.received)


@pytest.mark.parametrize(
    "lengths",
    [
        ["4", "40"],
        ["4", "4"],
        ["4, 40"],
        ["4_4"],
        ["+44"],
        ["-1"],
        ["0x2c"],
        ["4 4"],
        ["\u0664\u0664"],  # Arabic-Indic digits: int() takes them
        ["1" * 30],
    ],
)
def test_content_length_must_be_one_field_of_plain_digits(
    front: FrontServer, lengths: list[str]
) -> None:
    fields = "".join(f"Content-Length: {v}\r\n" for v in lengths)
    body = b"x" * 44
    statuses, data = _exchange(
        front, f"POST /chat HTTP/1.1\r\nHost: x\r\n{fields}\r\n".encode() + body
    )
    assert statuses == [400], data[:500]
    assert json.loads(data.partition(b"\r\n\r\n")[2])["error"]["code"] == "invalid_request"
    assert _Backend.received == []


def test_content_length_with_transfer_encoding_is_refused(front: FrontServer) -> None:
    statuses, _ = _exchange(
        front,
        b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n" + SMUGGLED,
    )
    assert statuses == [400]
    assert _Backend.received == []


@pytest.mark.parametrize(
    "line",
    [
        "this is not a header",
        " folded: continuation",
        "Bad Name: x",
        "Name : x",  # RFC 9112 5.1: no whitespace before the colon
        ": no name",
        "X-Nul: a\x00b",
    ],
)
def test_an_invalid_header_line_is_a_400_not_the_end_of_the_headers(
    front: FrontServer, line: str
) -> None:
    """Reported: an invalid line ended header parsing, so later headers were taken as body."""
    raw = (
        f"POST /chat HTTP/1.1\r\nHost: x\r\n{line}\r\nContent-Length: {len(SMUGGLED)}\r\n\r\n"
    ).encode() + SMUGGLED
    statuses, _ = _exchange(front, raw)
    assert statuses == [400]
    assert _Backend.received == []


@pytest.mark.parametrize(
    "raw",
    [
        b"GET / HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n",  # absolute form
        b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /\r\n\r\n",  # HTTP/0.9
        b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_malformed_request_heads_are_refused(front: FrontServer, raw: bytes) -> None:
    statuses, data = _exchange(front, raw)
    assert statuses == [400], data[:300]


def test_oversized_heads_are_refused(front: FrontServer) -> None:
    assert _exchange(front, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0] == [414]
    many = b"".join(b"X-%d: y\r\n" % i for i in range(101))
    assert _exchange(front, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")[0] == [431]


def test_well_formed_pipelined_requests_still_get_every_answer(front: FrontServer) -> None:
    body = b'{"text": "hi"}'
    raw = (
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        + b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body
        + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    statuses, _ = _exchange(front, raw)
    assert statuses == [200, 200, 200]
    assert [r["path"] for r in _Backend.received] == ["/chat", "/health"]
    assert _Backend.received[0]["body"] == body


def test_expect_100_continue_gets_an_interim_answer(front: FrontServer) -> None:
    body = b'{"text": "hi"}'
    with _connect(front) as sock:
        sock.sendall(
            b"POST /chat HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        data = _read_to_eof(sock)
    assert _statuses(data) == [200]
    assert _Backend.received[0]["body"] == body


# ---------------------------------------------------------------------- slow clients
def _closed(sock: socket.socket, seen: dict[socket.socket, bytes]) -> bool:
    """Whether the server closed ``sock``; collects what it sent first."""
    try:
        chunk = sock.recv(65536, socket.MSG_DONTWAIT)
    except BlockingIOError:
        return False
    except OSError:
        return True
    seen[sock] = seen.get(sock, b"") + chunk
    return not chunk


def test_fifty_connections_dripping_headers_are_closed_in_bounded_time(
    front: FrontServer,
) -> None:
    """Reported: 50 connections sending partial headers for 30 s all stayed open."""
    socks = [_connect(front) for _ in range(50)]
    seen: dict[socket.socket, bytes] = {}
    open_socks = set(socks)
    started = time.monotonic()
    try:
        for sock in socks:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        # One header line every 0.1 s each: every recv is quick, only the whole head is slow.
        while open_socks and time.monotonic() - started < 6.0:
            for sock in list(open_socks):
                if _closed(sock, seen):
                    open_socks.discard(sock)
                    continue
                try:
                    sock.sendall(b"X-Drip: 1\r\n")
                except OSError:
                    open_socks.discard(sock)
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        for sock in socks:
            sock.close()
    assert not open_socks, f"{len(open_socks)} of 50 dripping connections still open"
    assert elapsed < 4.0  # header limit 1 s, plus scheduling on a busy machine
    answered = [data for data in seen.values() if data.startswith(b"HTTP/1.1 408 ")]
    assert len(answered) >= 40, f"only {len(answered)} got a 408"


def test_a_byte_by_byte_request_line_is_cut_off(front: FrontServer) -> None:
    with _connect(front) as sock:
        started = time.monotonic()
        with pytest.raises(OSError):
            for byte in b"GET /" + b"a" * 100:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        assert time.monotonic() - started < 4.0


def test_an_idle_connection_is_closed(front: FrontServer) -> None:
    with _connect(front) as sock:
        started = time.monotonic()
        assert _read_to_eof(sock) == b""  # no request, no answer: just closed
        assert 0.5 < time.monotonic() - started < 4.0


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(front: FrontServer) -> None:
    with _connect(front) as sock:
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        statuses = _statuses(_read_to_eof(sock))  # the answer, then the end after 1 s idle
        assert 0.5 < time.monotonic() - started < 4.0
    assert statuses == [200]


@pytest.mark.parametrize("drip", [False, True], ids=["stalls", "drips"])
def test_a_body_that_never_arrives_does_not_hold_a_thread(front: FrontServer, drip: bool) -> None:
    """Reported: a POST declaring more body than it sends held a thread for ever."""
    with _connect(front) as sock:
        sock.sendall(b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        started = time.monotonic()
        data = b""
        while time.monotonic() - started < 4.0:
            if drip:
                time.sleep(0.1)
                try:
                    sock.sendall(b"x")
                except OSError:
                    break
            try:
                chunk = sock.recv(65536, 0 if not drip else socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                break
            data += chunk
            if not chunk:
                break
        assert time.monotonic() - started < 4.0
    assert data.startswith(b"HTTP/1.1 408 "), data[:200]
    assert _Backend.received == []


def test_connections_beyond_the_limit_are_closed_at_once(
    site: Path, backend: ThreadingHTTPServer
) -> None:
    server = _front(site, backend, max_connections=3)
    try:
        held = [_connect(server) for _ in range(3)]
        time.sleep(0.2)  # let the server accept them
        with _connect(server) as extra:
            started = time.monotonic()
            assert _read_to_eof(extra) == b""
            assert time.monotonic() - started < 0.9  # well before the 1 s idle limit
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert _request(server, "GET", "/")[0] == 200  # slots come back
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------- security headers
def _assert_security_headers(headers: list[tuple[str, str]]) -> None:
    for name, value in SECURITY_HEADERS.items():
        got = [v for k, v in headers if k.lower() == name.lower()]
        assert got == [value], (name, got)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("HEAD", "/", 200),
        ("GET", "/missing.js", 404),
        ("POST", "/index.html", 405),
        ("POST", "/chat", 200),  # the backend's own CSP is replaced
        ("GET", "/health", 200),
    ],
)
def test_every_response_carries_the_security_headers(
    front: FrontServer, method: str, path: str, status: int
) -> None:
    got, headers, _ = _request(front, method, path, b"{}" if method == "POST" else None)
    assert got == status
    _assert_security_headers(headers)


def test_error_answers_carry_the_security_headers_too(
    site: Path, backend: ThreadingHTTPServer
) -> None:
    backend.shutdown()
    backend.server_close()
    server = _front(site, backend)
    try:
        status, headers, _ = _request(server, "GET", "/health")
        assert status == 502
        _assert_security_headers(headers)
        statuses, data = _exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\nbad line\r\n\r\n")
        assert statuses == [400]
        head = data.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
        _assert_security_headers([tuple(line.split(": ", 1)) for line in head])  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()
