"""The outside probes of issue 10 item 3 against the real local stack (the Chalice app behind the
front server), not a stand-in backend."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from devstack import Stack
from devstack.security_headers import SECURITY_HEADERS

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 30.0


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    with Stack(port=0, template=str(ROOT / "template.yaml"), env_vars={}) as stack:
        parts = urlsplit(str(stack.url))
        assert parts.hostname and parts.port
        yield parts.hostname, parts.port


def _request(
    address: tuple[str, int], method: str, path: str, body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*address, timeout=TIMEOUT)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _hello(address: tuple[str, int], _: Any = None) -> int:
    body = json.dumps({"text": "안녕", "localeId": "ko_KR"}).encode()
    return _request(address, "POST", "/chat", body)[0]


def test_twenty_concurrent_heads_then_thirty_posts_all_succeed(address: tuple[str, int]) -> None:
    """Reported: 20 concurrent HEADs made 10 of the next 30 POSTs fail with 502."""
    with ThreadPoolExecutor(max_workers=20) as pool:
        heads = list(pool.map(lambda _: _request(address, "HEAD", "/chat")[0], range(20)))
    assert 502 not in heads and 504 not in heads, heads
    with ThreadPoolExecutor(max_workers=10) as pool:
        posts = list(pool.map(lambda _: _hello(address), range(30)))
    assert posts == [200] * 30


def test_a_smuggled_request_in_an_unread_body_never_reaches_the_api(
    address: tuple[str, int],
) -> None:
    smuggled = b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    raw = (
        b"POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
        + smuggled
    )
    with socket.create_connection(address, timeout=TIMEOUT) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 405 ")
    assert data.count(b"HTTP/1.1 ") == 1  # one answer: the body was not taken for a request


def test_the_apis_answers_carry_the_security_headers(address: tuple[str, int]) -> None:
    status, headers, _ = _request(address, "POST", "/chat", b"{}")
    assert status == 400
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, name
