"""Buffered reads from a socket that end by a wall-clock deadline, however slowly bytes drip in.

A socket timeout bounds each ``recv``, not a whole read: a client that sends one byte a second
keeps a plain ``readline`` going for ever. Here every ``recv`` waits at most until ``deadline``,
so a request line, a header block or a body either arrives in time or ``TimeoutError`` is raised.
"""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Callable

__all__ = ["DeadlineReader"]

_RECV_BYTES = 64 * 1024


class DeadlineReader:
    """Reads lines and bodies from ``sock``; bytes of a pipelined next request stay buffered."""

    def __init__(self, sock: socket.socket, clock: Callable[[], float] = time.monotonic) -> None:
        self._sock = sock
        self._clock = clock
        self._buffer = bytearray()
        self._eof = False
        self.deadline = math.inf

    def set_timeout(self, seconds: float) -> None:
        """From now on, reads must finish within ``seconds``."""
        self.deadline = self._clock() + seconds

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def _fill(self) -> bool:
        """Receive more bytes; False at end of stream. TimeoutError once the deadline passed."""
        if self._eof:
            return False
        remaining = self.deadline - self._clock()
        if remaining <= 0:
            raise TimeoutError("read deadline passed")
        self._sock.settimeout(None if math.isinf(remaining) else remaining)
        data = self._sock.recv(_RECV_BYTES)  # socket.timeout is TimeoutError
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True

    def wait_for_data(self) -> bool:
        """Block until at least one byte is buffered (True) or the peer closed (False)."""
        return bool(self._buffer) or self._fill()

    def readline(self, limit: int) -> bytes:
        """Up to and including the next ``\\n``; at most ``limit`` bytes; ``b""`` at end of stream."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self._buffer) >= limit:
                return self._take(limit)
            start = len(self._buffer)
            if not self._fill():
                return self._take(len(self._buffer))

    def read(self, size: int) -> bytes:
        """Exactly ``size`` bytes, or fewer if the peer closed first."""
        while len(self._buffer) < size and self._fill():
            pass
        return self._take(min(size, len(self._buffer)))

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data
