"""The front server over loopback HTTP: static files, path safety, the /chat passthrough."""

from __future__ import annotations

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from devstack.front_server import FrontServer


class _Backend(BaseHTTPRequestHandler):
    """Stands in for the Chalice app; records what it received."""

    protocol_version = "HTTP/1.1"
    received: ClassVar[list[dict[str, Any]]] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        type(self).received.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers),
                "body": body,
                "client_port": self.client_address[1],
            }
        )
        if self.path.startswith("/health") and "slow" in self.path:
            time.sleep(2.0)
        payload = json.dumps({"echo": body.decode("utf-8"), "path": self.path}).encode()
        status = 429 if b"throttle" in body else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Retry-After", "3")
        self.send_header("X-Custom", "kept")
        self.end_headers()
        self.wfile.write(payload)
        if "drop" in self.path:
            # Close without saying so, as a backend does when an idle keep-alive times out.
            self.close_connection = True

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format, *args):
        pass


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    return thread


@pytest.fixture
def backend():
    """A fake Chalice app on loopback."""
    _Backend.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(tmp_path):
    """A page folder with files that must and must not be served, and a secret beside it."""
    root = tmp_path / "frontend"
    (root / "js").mkdir(parents=True)
    (root / "vendor").mkdir()
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>chat</title>", encoding="utf-8")
    (root / "chat.css").write_text("body{}", encoding="utf-8")
    (root / "js" / "api.js").write_text("export {}", encoding="utf-8")
    (root / "vendor" / "purify.min.js").write_text("/*p*/", encoding="utf-8")
    (root / "node_modules" / "x" / "index.js").write_text("nm", encoding="utf-8")
    (root / "package.json").write_text("{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def front(site, backend):
    """The front server for ``site``, passing /chat and /health to ``backend``."""
    host, port = backend.server_address[:2]
    server = FrontServer(
        ("127.0.0.1", 0), static_root=site, backend_url=f"http://{host}:{port}", backend_timeout=0.5
    )
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


def _request(server, method, path, body=None, headers=None):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_root_serves_index_html(front):
    status, headers, body = _request(front, "GET", "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body.startswith(b"<!doctype html>")
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/chat.css", "text/css; charset=utf-8", b"body{}"),
        ("/js/api.js", "text/javascript; charset=utf-8", b"export {}"),
        ("/vendor/purify.min.js", "text/javascript; charset=utf-8", b"/*p*/"),
    ],
)
def test_files_are_served_with_their_content_type(front, path, content_type, body):
    status, headers, got = _request(front, "GET", path)
    assert (status, headers["content-type"], got) == (200, content_type, body)


def test_head_sends_headers_without_body(front):
    status, headers, body = _request(front, "HEAD", "/chat.css")
    assert status == 200
    assert headers["content-length"] == "6"
    assert body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/js/..%2f..%2fsecret.txt",
        "/escape.txt",  # symlink leaving the folder
        "/js/",  # no directory listing
        "/js",
        "/node_modules/x/index.js",
        "/package.json",
        "/missing.js",
    ],
)
def test_nothing_outside_the_page_is_served(front, path):
    status, _, body = _request(front, "GET", path)
    assert status == 404
    assert b"TOP-SECRET" not in body
    assert b"api.js" not in body


def test_other_methods_on_static_paths_are_refused(front):
    status, headers, body = _request(front, "POST", "/index.html", body=b"{}")
    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    assert json.loads(body)["error"]["code"] == "method_not_allowed"


def test_chat_is_passed_through_with_status_headers_and_body(front, backend):
    text = json.dumps({"text": "안녕 throttle"}, ensure_ascii=False).encode()
    status, headers, body = _request(
        front, "POST", "/chat?x=1", body=text, headers={"Content-Type": "application/json"}
    )
    assert status == 429
    assert headers["retry-after"] == "3"
    assert headers["x-custom"] == "kept"
    assert json.loads(body) == {"echo": text.decode(), "path": "/chat?x=1"}
    seen = _Backend.received[-1]
    assert seen["method"] == "POST"
    assert seen["body"] == text
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"


def test_health_is_passed_through(front):
    status, _, body = _request(front, "GET", "/health")
    assert status == 200
    assert json.loads(body)["path"] == "/health"


def test_backend_down_gives_502_json(front, backend):
    backend.shutdown()
    backend.server_close()
    status, headers, body = _request(front, "POST", "/chat", body=b"{}")
    assert status == 502
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "bad_gateway"
    assert error["message"]


def test_backend_timeout_gives_504_json(front):
    status, _, body = _request(front, "GET", "/health?slow=1")
    assert status == 504
    assert json.loads(body)["error"]["code"] == "gateway_timeout"


def test_oversized_body_is_refused_before_the_backend(front):
    status, _, body = _request(
        front, "POST", "/chat", body=b"x" * (1024 * 1024 + 1), headers={"Content-Type": "a/b"}
    )
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert _Backend.received == []


def test_keep_alive_serves_several_requests_on_one_connection(front):
    host, port = front.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        for path in ("/", "/health", "/chat.css"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 200
    finally:
        conn.close()


def test_backend_connections_are_kept_alive_and_reused(front):
    for _ in range(3):
        assert _request(front, "GET", "/health")[0] == 200
    ports = {r["client_port"] for r in _Backend.received}
    assert len(ports) == 1


def test_a_backend_that_dropped_an_idle_connection_gets_a_fresh_one(front):
    assert _request(front, "GET", "/health?drop=1")[0] == 200
    status, _, body = _request(front, "POST", "/chat", body=b'{"text": "hi"}')
    assert status == 200
    assert json.loads(body)["echo"] == '{"text": "hi"}'
    assert len({r["client_port"] for r in _Backend.received}) == 2
