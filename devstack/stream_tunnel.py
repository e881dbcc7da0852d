"""The byte tunnel behind an accepted WebSocket upgrade on the front server. Local use only.

After the gateway's ``101 Switching Protocols`` the front server is no longer an HTTP server for
that connection: it copies bytes both ways until either side closes. The WebSocket rules (frame
limits, idle and duration limits) are the gateway's; this only keeps one rule of its own: a
client that stops reading for ``write_timeout`` seconds is cut off, so it cannot hold a thread
and the gateway's socket for ever.
"""

from __future__ import annotations

import contextlib
import socket
import threading

__all__ = ["is_websocket_upgrade", "pipe"]

_CHUNK = 64 * 1024
_POLL_SECONDS = 1.0


def is_websocket_upgrade(connection_tokens: set[str], upgrade: str | None) -> bool:
    """``Connection: upgrade`` with ``Upgrade: websocket`` (RFC 6455 4.1), case-insensitively."""
    protocols = {p.strip().lower() for p in (upgrade or "").split(",")}
    return "upgrade" in connection_tokens and "websocket" in protocols


def _copy(
    source: socket.socket, target: socket.socket, done: threading.Event, write_timeout: float
) -> None:
    """Copy until EOF, an error, or ``done``; then end the tunnel."""
    try:
        while not done.is_set():
            source.settimeout(_POLL_SECONDS)
            try:
                data = source.recv(_CHUNK)
            except TimeoutError:
                continue  # nothing to copy yet; the gateway's idle limit ends a silent tunnel
            if not data:
                break
            target.settimeout(write_timeout)
            target.sendall(data)
    except OSError:
        pass
    finally:
        done.set()
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def pipe(client: socket.socket, backend: socket.socket, *, write_timeout: float) -> None:
    """Copy both ways; return when the tunnel has ended (both sockets are shut down then)."""
    done = threading.Event()
    back = threading.Thread(
        target=_copy,
        args=(backend, client, done, write_timeout),
        name="front-tunnel-down",
        daemon=True,
    )
    back.start()
    _copy(client, backend, done, write_timeout)
    back.join()
