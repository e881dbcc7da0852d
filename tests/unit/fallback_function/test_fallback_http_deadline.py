"""The per-call deadline under the HTTP client: every socket operation gets at most the time left."""

from __future__ import annotations

from typing import Any

import httpcore2
import pytest

from llm_fallback.http_deadline import DeadlineBackend, DeadlineTransport, deadline, time_left


class RecordingStream(httpcore2.NetworkStream):
    def __init__(self, log: list[tuple[str, float | None]]) -> None:
        self.log = log

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.log.append(("read", timeout))
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.log.append(("write", timeout))

    def close(self) -> None:
        self.log.append(("close", None))

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout=None):
        self.log.append(("tls", timeout))
        return RecordingStream(self.log)

    def get_extra_info(self, info: str) -> Any:
        return info


class RecordingBackend(httpcore2.NetworkBackend):
    def __init__(self) -> None:
        self.log: list[tuple[str, float | None]] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.log.append(("connect", timeout))
        return RecordingStream(self.log)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        self.log.append(("unix", timeout))
        return RecordingStream(self.log)

    def sleep(self, seconds: float) -> None:
        self.log.append(("sleep", seconds))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_outside_a_deadline_timeouts_pass_through_unchanged():
    inner = RecordingBackend()
    stream = DeadlineBackend(inner).connect_tcp("h", 1, timeout=5.0)
    stream.read(10, timeout=7.0)
    stream.write(b"a", timeout=None)
    assert inner.log == [("connect", 5.0), ("read", 7.0), ("write", None)]
    assert time_left() is None


def test_each_operation_gets_at_most_the_time_left():
    inner, clock = RecordingBackend(), Clock()
    with deadline(lambda: 2.0 - clock()):
        stream = DeadlineBackend(inner).connect_tcp("h", 1, timeout=5.0)
        clock.now = 0.5
        tls = stream.start_tls(object(), "h", timeout=5.0)
        clock.now = 1.5
        tls.read(10, timeout=20.0)  # the per-read timeout alone would allow 20 s
        tls.read(10, timeout=0.1)  # a shorter own timeout is kept
        tls.write(b"x")  # no own timeout: the time left
        assert tls.get_extra_info("socket") == "socket"
    assert inner.log == [
        ("connect", 2.0),
        ("tls", 1.5),
        ("read", 0.5),
        ("read", 0.1),
        ("write", 0.5),
    ]


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        (lambda s: s.read(1, timeout=10.0), httpcore2.ReadTimeout),
        (lambda s: s.write(b"x", timeout=10.0), httpcore2.WriteTimeout),
        (lambda s: s.start_tls(object(), "h", timeout=10.0), httpcore2.ConnectTimeout),
    ],
)
def test_after_the_deadline_every_operation_fails_as_a_timeout(operation, error):
    inner, clock = RecordingBackend(), Clock()
    with deadline(lambda: 1.0 - clock()):
        stream = DeadlineBackend(inner).connect_tcp("h", 1)
        clock.now = 1.0
        with pytest.raises(error):
            operation(stream)
        with pytest.raises(httpcore2.ConnectTimeout):
            DeadlineBackend(inner).connect_tcp("h", 1)
    assert inner.log == [("connect", 1.0)]  # nothing reached the socket after the deadline


def test_the_deadline_is_scoped_and_nests():
    with deadline(lambda: 3.0):
        assert time_left() == 3.0
        with deadline(lambda: 1.0):
            assert time_left() == 1.0
        assert time_left() == 3.0
    assert time_left() is None


def test_the_transport_uses_the_deadline_backend():
    import httpx2

    transport = DeadlineTransport(limits=httpx2.Limits(max_connections=3))
    try:
        assert isinstance(transport._pool._network_backend, DeadlineBackend)
    finally:
        transport.close()
