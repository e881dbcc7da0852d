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


def backend(inner: httpcore2.NetworkBackend) -> DeadlineBackend:
    """A DeadlineBackend whose resolver answers at once (no DNS in unit tests)."""
    return DeadlineBackend(inner, resolve=lambda host, port: ["192.0.2.1"])


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
        stream = backend(inner).connect_tcp("h", 1, timeout=5.0)
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
        stream = backend(inner).connect_tcp("h", 1)
        clock.now = 1.0
        with pytest.raises(error):
            operation(stream)
        with pytest.raises(httpcore2.ConnectTimeout):
            backend(inner).connect_tcp("h", 1)
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


# -- name resolution --------------------------------------------------------------------------
class RefusingBackend(RecordingBackend):
    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.log.append((f"connect {host}", timeout))
        if host in self.refused:
            raise httpcore2.ConnectError("refused")
        return RecordingStream(self.log)


def test_inside_a_deadline_the_host_is_resolved_and_each_address_tried():
    import threading

    inner = RefusingBackend({"2001:db8::1"})
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        assert threading.current_thread() is not threading.main_thread()
        return ["2001:db8::1", "192.0.2.7"]

    with deadline(lambda: 5.0):
        DeadlineBackend(inner, resolve=resolve).connect_tcp("api.example", 443, timeout=3.0)
    assert asked == [("api.example", 443)]
    assert inner.log == [("connect 2001:db8::1", 3.0), ("connect 192.0.2.7", 3.0)]


def test_a_resolver_that_hangs_cannot_outlast_the_deadline():
    import threading
    import time

    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait(10)  # a VPC with broken DNS
        return ["192.0.2.7"]

    started = time.monotonic()
    try:
        with (
            deadline(lambda: 0.3 - (time.monotonic() - started)),
            pytest.raises(httpcore2.ConnectTimeout),
        ):
            DeadlineBackend(RecordingBackend(), resolve=hanging).connect_tcp("slow.example", 443)
        assert time.monotonic() - started < 2.0
    finally:
        release.set()


def test_resolution_errors_are_connect_errors_and_addresses_skip_the_resolver():
    def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with deadline(lambda: 5.0):
        with pytest.raises(httpcore2.ConnectError):
            DeadlineBackend(RecordingBackend(), resolve=failing).connect_tcp("nowhere.example", 1)
        inner = RecordingBackend()
        DeadlineBackend(inner, resolve=failing).connect_tcp("127.0.0.1", 8080, timeout=1.0)
        assert inner.log == [("connect", 1.0)]
