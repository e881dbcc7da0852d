"""A TCP relay from Docker's bridge to a server on the host's loopback.

A base URL such as ``http://127.0.0.1:11434/v1`` (an Ollama on the host) means the container itself
inside a container. The relay listens on the bridge gateway address, which containers can reach
and nothing outside this host can, and copies bytes to the loopback server; the container gets
``http://<gateway>:<relay port>/v1`` instead.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit, urlunsplit

__all__ = ["LOOPBACK_HOSTS", "Relay", "is_loopback_url"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_BUFFER = 65536


def is_loopback_url(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS or (
        urlsplit(url).hostname or ""
    ).startswith("127.")


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(_BUFFER):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            with contextlib.suppress(OSError):
                sock.shutdown(how)


class Relay:
    """``Relay(listen_host, target_url)``: ``.url`` is ``target_url`` with the relay's address."""

    def __init__(self, listen_host: str, target_url: str) -> None:
        parts = urlsplit(target_url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._parts = parts
        self._server = socket.create_server((listen_host, 0))
        self._server.settimeout(0.5)
        self.host = listen_host
        self.port: int = self._server.getsockname()[1]
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        netloc = f"{self.host}:{self.port}"
        return urlunsplit(self._parts._replace(netloc=netloc))

    def start(self) -> Relay:
        thread = threading.Thread(target=self._accept, name="bridge-relay", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._server.close()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.close()
            self._conns.clear()
