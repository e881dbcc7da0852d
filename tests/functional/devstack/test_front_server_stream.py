"""``/stream`` through the front server: the upgrade tunnelled to the gateway, on one origin.

A real websockets client talks to the front server, which tunnels to a real ``StreamGateway``
invoking the stand-in handler; boto3 posts through the Management API. Hostile clients: garbage
upgrades, upgrades elsewhere, huge frames, a client that never reads. Waits are bounded.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from devstack.front_server import FrontServer, Timeouts
from devstack.security_headers import SECURITY_HEADERS
from devstack.stream_events import GatewayLimits
from devstack.stream_gateway import StreamGateway
from tests.functional.devstack.stream_fixtures import RecordingHandler, management_client

TIMEOUT = 10.0
STATUS = re.compile(rb"HTTP/1\.1 (\d{3}) ")
UPGRADE = (
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
)


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def gateway(handler: RecordingHandler) -> Iterator[StreamGateway]:
    running = StreamGateway(handler, limits=GatewayLimits(send_queue_frames=8))
    running.start()
    handler.management_url = running.management_url
    yield running
    running.stop()


def _front(root: Path, stream_backend: str | None, write: float = 30.0) -> FrontServer:
    (root / "index.html").write_text("<html></html>")
    server = FrontServer(
        ("127.0.0.1", 0),
        static_root=root,
        backend_url="http://127.0.0.1:9",  # /chat is not used here
        stream_backend_url=stream_backend,
        timeouts=Timeouts(write=write, header=2.0),
    )
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    return server


@pytest.fixture
def front(tmp_path: Path, gateway: StreamGateway) -> Iterator[FrontServer]:
    server = _front(tmp_path, gateway.http_url)
    yield server
    server.shutdown()
    server.server_close()


def _ws_url(server: FrontServer, path: str = "/stream") -> str:
    return server.url.replace("http://", "ws://").rstrip("/") + path


def _raw(server: FrontServer, request: bytes) -> bytes:
    """Send raw bytes, return everything the server answers before it closes."""
    host, port = server.server_address[:2]
    with socket.create_connection((str(host), port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_bind_and_post_through_the_front_origin(front, handler):
    with connect(
        _ws_url(front), additional_headers={"X-Forwarded-For": "6.6.6.6"}, open_timeout=TIMEOUT
    ) as ws:
        for name, value in SECURITY_HEADERS.items():
            assert ws.response.headers[name] == value
        ws.send(json.dumps({"action": "bind", "sessionId": None}))
        assert json.loads(ws.recv(timeout=TIMEOUT)) == {"type": "bound", "sessionId": None}
        event = handler.wait_for("$connect")[0]
        connection_id = event["requestContext"]["connectionId"]
        management_client(handler.management_url).post_to_connection(
            ConnectionId=connection_id, Data='{"type":"chunk","text":"안녕"}'.encode()
        )
        assert json.loads(ws.recv(timeout=TIMEOUT))["text"] == "안녕"
    # The client's own address, not what it claimed.
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert handler.wait_for("$disconnect")


def test_refused_connect_comes_back_with_security_headers(front):
    answer = _raw(
        front,
        f"GET /stream HTTP/1.1\r\nHost: x\r\nX-Refuse: yes\r\n{UPGRADE}\r\n".encode(),
    )
    assert STATUS.match(answer).group(1) == b"403"  # type: ignore[union-attr]
    assert b"\r\nX-Frame-Options: DENY\r\n" in answer
    assert answer.endswith(b"refused")


def test_garbage_upgrade_is_refused_by_the_gateway(front, handler):
    answer = _raw(
        front,
        b"GET /stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    )
    assert STATUS.match(answer).group(1) == b"400"  # type: ignore[union-attr]
    assert b"\r\nContent-Security-Policy: " in answer
    assert handler.events == []  # no $connect for a handshake that failed


@pytest.mark.parametrize("path", ["/chat", "/health", "/", "/stream/x", "/stats/"])
def test_upgrade_anywhere_else_is_refused(front, handler, path):
    answer = _raw(front, f"GET {path} HTTP/1.1\r\nHost: x\r\n{UPGRADE}\r\n".encode())
    assert STATUS.match(answer).group(1) == b"400"  # type: ignore[union-attr]
    assert b'"upgrade_not_allowed"' in answer
    assert handler.events == []


def test_upgrade_with_a_body_or_another_method_is_refused(front, handler):
    post = _raw(front, f"POST /stream HTTP/1.1\r\nHost: x\r\n{UPGRADE}\r\n".encode())
    assert STATUS.match(post).group(1) == b"400"  # type: ignore[union-attr]
    body = _raw(
        front,
        f"GET /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n{UPGRADE}\r\nabc".encode(),
    )
    assert STATUS.match(body).group(1) == b"403"  # type: ignore[union-attr]
    assert handler.events == []


def test_h2c_upgrade_is_ignored_as_before(front):
    answer = _raw(
        front,
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, close\r\n\r\n",
    )
    assert STATUS.match(answer).group(1) == b"200"  # type: ignore[union-attr]


def test_stream_is_not_found_when_streaming_is_off(tmp_path):
    server = _front(tmp_path, None)
    try:
        with pytest.raises(InvalidStatus) as caught:
            connect(_ws_url(server), open_timeout=TIMEOUT)
        assert caught.value.response.status_code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_gateway_down_is_502(tmp_path):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    server = _front(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(InvalidStatus) as caught:
            connect(_ws_url(server), open_timeout=TIMEOUT)
        assert caught.value.response.status_code == 502
    finally:
        server.shutdown()
        server.server_close()


def test_huge_frame_through_the_tunnel_closes_with_1009(front, handler):
    with connect(_ws_url(front), open_timeout=TIMEOUT, max_size=None) as ws:
        ws.send("x" * (64 * 1024))
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=TIMEOUT)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1009
    assert handler.wait_for("$disconnect")


def test_a_client_that_never_reads_is_cut_off_and_others_still_get_posts(tmp_path, handler):
    gateway = StreamGateway(handler, limits=GatewayLimits(send_queue_frames=8))
    gateway.start()
    handler.management_url = gateway.management_url
    server = _front(tmp_path, gateway.http_url, write=0.5)
    client = management_client(gateway.management_url)
    try:
        host, port = server.server_address[:2]
        slow = socket.create_connection((str(host), port), timeout=TIMEOUT)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(f"GET /stream HTTP/1.1\r\nHost: x\r\n{UPGRADE}\r\n".encode())
        assert slow.recv(12) == b"HTTP/1.1 101"
        slow_id = handler.wait_for("$connect")[0]["requestContext"]["connectionId"]
        with connect(_ws_url(server), open_timeout=TIMEOUT) as fast:
            fast_id = handler.wait_for("$connect", count=2)[1]["requestContext"]["connectionId"]
            chunk = b"y" * (100 * 1024)
            for _ in range(1000):  # bounded: ends with 429 or Gone once the tunnel is cut
                try:
                    client.post_to_connection(ConnectionId=slow_id, Data=chunk)
                except (
                    client.exceptions.LimitExceededException,
                    client.exceptions.GoneException,
                ):
                    break
            else:
                pytest.fail("a client that never reads took 100 MB")
            client.post_to_connection(ConnectionId=fast_id, Data=b"still here")
            assert fast.recv(timeout=TIMEOUT) == "still here"
            # The front server's write limit ends the silent client's tunnel.
            disconnects = handler.wait_for("$disconnect")
            assert disconnects[0]["requestContext"]["connectionId"] == slow_id
        slow.close()
    finally:
        server.shutdown()
        server.server_close()
        gateway.stop()


def test_garbage_after_the_upgrade_ends_the_connection_with_a_disconnect(front, handler):
    host, port = front.server_address[:2]
    with socket.create_connection((str(host), port), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET /stream HTTP/1.1\r\nHost: x\r\n{UPGRADE}\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            assert chunk, "closed before the 101"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101")
        handler.wait_for("$connect")
        sock.sendall(b"\xff" * 64)  # not a WebSocket frame (and unmasked)
        rest = b""
        while chunk := sock.recv(4096):  # the gateway closes: 1002, then EOF
            rest += chunk
    assert rest[:1] == b"\x88"  # a close frame
    assert int.from_bytes(rest[2:4], "big") == 1002
    assert handler.wait_for("$disconnect")
