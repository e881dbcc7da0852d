"""DeadlineReader over a real socket pair: a read ends by its deadline however bytes drip in."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from devstack.deadline_reader import DeadlineReader


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


def _drip(sock: socket.socket, data: bytes, interval: float, stop: threading.Event) -> None:
    for byte in data:
        if stop.wait(interval):
            return
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return


def test_a_dripped_line_times_out_by_the_deadline_not_per_byte(pair) -> None:
    server, client = pair
    stop = threading.Event()
    thread = threading.Thread(target=_drip, args=(client, b"x" * 200, 0.02, stop), daemon=True)
    thread.start()
    reader = DeadlineReader(server)
    reader.set_timeout(0.3)
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            reader.readline(1000)
    finally:
        stop.set()
        thread.join(2)
    assert time.monotonic() - started < 1.0  # 200 bytes at 0.02 s would take 4 s


def test_lines_bodies_and_pipelined_bytes(pair) -> None:
    server, client = pair
    client.sendall(b"first\r\nsecond\nBODYnext")
    reader = DeadlineReader(server)
    reader.set_timeout(1.0)
    assert reader.readline(100) == b"first\r\n"
    assert reader.readline(100) == b"second\n"
    assert reader.read(4) == b"BODY"
    assert reader.buffered == 4  # the next request's bytes stay for the next read
    assert reader.readline(3) == b"nex"  # at most the limit
    client.close()
    assert reader.readline(100) == b"t"  # what was left, then the end
    assert reader.readline(100) == b""
    assert reader.wait_for_data() is False


def test_a_short_body_returns_what_came_before_the_peer_closed(pair) -> None:
    server, client = pair
    client.sendall(b"abc")
    client.close()
    reader = DeadlineReader(server)
    reader.set_timeout(1.0)
    assert reader.read(10) == b"abc"
