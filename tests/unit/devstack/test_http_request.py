"""Strict request framing (devstack.http_request): every ambiguity is a FramingError."""

from __future__ import annotations

import pytest

from devstack.http_request import (
    MAX_LINE_BYTES,
    FramingError,
    RequestLine,
    body_length,
    parse_header_line,
    parse_request_line,
)


def test_a_request_line_is_parsed() -> None:
    assert parse_request_line(b"POST /chat?x=1 HTTP/1.1\r\n") == RequestLine(
        "POST", "/chat?x=1", (1, 1)
    )
    assert parse_request_line(b"GET / HTTP/1.0\n").version_text == "HTTP/1.0"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /\r\n", 400),
        (b"GET  / HTTP/1.1\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\n", 400),
        (b"G@T / HTTP/1.1\r\n", 400),
        (b"GET http://x/ HTTP/1.1\r\n", 400),
        (b"GET * HTTP/1.1\r\n", 400),
        (b"GET /a\x7fb HTTP/1.1\r\n", 400),
        (b"GET / HTTP/1.x\r\n", 400),
        (b"GET / HTTP/2.0\r\n", 505),
        (b"GET /" + b"a" * MAX_LINE_BYTES + b" HTTP/1.1\r\n", 414),
        (b"GET / HTTP/1.1", 414),  # no line end: the line never ended within the limit
    ],
)
def test_malformed_request_lines(raw: bytes, status: int) -> None:
    with pytest.raises(FramingError) as caught:
        parse_request_line(raw)
    assert caught.value.status == status


def test_header_lines_are_parsed_with_optional_white_space_trimmed() -> None:
    assert parse_header_line(b"Content-Type:  application/json \r\n") == (
        "Content-Type",
        "application/json",
    )
    assert parse_header_line(b"X-Empty:\r\n") == ("X-Empty", "")
    assert parse_header_line("X-Utf8: 한\r\n".encode()) == (
        "X-Utf8",
        "한".encode().decode("latin-1"),
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"no colon\r\n",
        b" folded: x\r\n",
        b"\tfolded: x\r\n",
        b"Bad Name: x\r\n",
        b"Name : x\r\n",
        b": x\r\n",
        b"X: a\x00b\r\n",
        b"X: a\rb\r\n",
        b"X: a\x01b\r\n",
    ],
)
def test_invalid_header_lines(raw: bytes) -> None:
    with pytest.raises(FramingError) as caught:
        parse_header_line(raw)
    assert caught.value.status == 400


HOST = [("Host", "x")]


def test_body_length() -> None:
    assert body_length(HOST, (1, 1)) == 0
    assert body_length([*HOST, ("Content-Length", "44")], (1, 1)) == 44
    assert body_length([*HOST, ("content-length", "0")], (1, 1)) == 0
    assert body_length([], (1, 0)) == 0  # HTTP/1.0 needs no Host


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ([("Content-Length", "4"), ("Content-Length", "40")], 400),
        ([("Content-Length", "4"), ("content-length", "4")], 400),
        ([("Content-Length", "4, 4")], 400),
        ([("Content-Length", "4_4")], 400),
        ([("Content-Length", "+44")], 400),
        ([("Content-Length", "-1")], 400),
        ([("Content-Length", "\u0664\u0664")], 400),
        ([("Content-Length", "")], 400),
        ([("Content-Length", "9" * 20)], 400),
        ([("Transfer-Encoding", "chunked")], 411),
        ([("Transfer-Encoding", "chunked"), ("Content-Length", "4")], 400),
    ],
)
def test_ambiguous_bodies(fields: list[tuple[str, str]], status: int) -> None:
    with pytest.raises(FramingError) as caught:
        body_length([*HOST, *fields], (1, 1))
    assert caught.value.status == status


@pytest.mark.parametrize("hosts", [[], [("Host", "a"), ("host", "b")]])
def test_http_1_1_needs_exactly_one_host(hosts: list[tuple[str, str]]) -> None:
    with pytest.raises(FramingError):
        body_length(hosts, (1, 1))
