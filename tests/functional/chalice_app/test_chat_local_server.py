"""The app served over real HTTP by Chalice's local dev server (what ``chalice local`` runs)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from chalice.config import Config
from chalice.local import LocalDevServer


@pytest.fixture
def local_url(chalice_app):
    """``chalice local`` on 127.0.0.1 with a free port, in a thread."""
    server = LocalDevServer(chalice_app, Config.create(), "127.0.0.1", 0)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server.server_close()
    thread.join(timeout=5)


def call(url: str, method: str = "GET", body: bytes | None = None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def test_chat_round_trip_over_http(local_url, fake_lex):
    body = json.dumps({"text": "안녕"}).encode()
    status, answer, _ = call(f"{local_url}/chat", "POST", body, "application/json")
    assert status == 200
    assert answer["sessionId"] == fake_lex.requests[0].session_id
    assert answer["messages"] == [{"content": "[fake-lex] 안녕", "contentType": "PlainText"}]
    assert fake_lex.requests[0].text == "안녕"
    again = json.dumps({"text": "홍길동", "sessionId": answer["sessionId"]}).encode()
    status, _, _ = call(f"{local_url}/chat", "POST", again, "application/json")
    assert status == 200 and fake_lex.requests[1].session_id == answer["sessionId"]


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "status", "code"),
    [
        ("POST", "/chat", b'{"text": "hi"}', "text/plain", 415, "unsupported_media_type"),
        ("POST", "/chat", b"{" * 20_000, "application/json", 413, "payload_too_large"),
        ("POST", "/chat", b"{oops", "application/json", 400, "invalid_json"),
        ("GET", "/chat", None, None, 405, "method_not_allowed"),
    ],
)
def test_errors_over_http_use_our_format(local_url, method, path, body, content_type, status, code):
    got_status, answer, headers = call(f"{local_url}{path}", method, body, content_type)
    assert got_status == status
    assert answer["error"]["code"] == code and answer["error"]["message"]
    assert headers["Content-Type"] == "application/json"


def test_health_over_http(local_url):
    assert call(f"{local_url}/health")[:2] == (200, {"status": "ok"})
