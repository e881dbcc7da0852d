"""One wall-clock deadline for a whole HTTP call, enforced on every socket operation.

httpx's timeouts are per operation: a read timeout of 20 s bounds each ``recv``, not the call, so a
server that sends one byte (or one header line) every 0.5 s keeps a call alive for as long as it
likes. ``DeadlineTransport`` is an ``httpx2.HTTPTransport`` whose connections go through
``DeadlineBackend``: each connect, TLS handshake, read and write gets
``min(its own timeout, time left until the deadline)``, and fails with httpcore's own
``ConnectTimeout`` / ``ReadTimeout`` / ``WriteTimeout`` once the deadline has passed. httpx and the
``openai`` SDK translate those as they translate any timeout (``openai.APITimeoutError``).

The deadline belongs to the caller's context (a ``ContextVar``): ``with deadline(remaining): ...``
around the call. Connections are shared by the pool, the deadline is not: a pooled connection used
outside ``deadline`` runs with its ordinary timeouts. A connection abandoned mid-response is closed
by httpcore, so it never returns to the pool half read.

Name resolution is bounded too: the OS resolver has no timeout of its own (a VPC with broken DNS
waits ``timeout x attempts`` of resolv.conf), so inside a deadline a new connection resolves the
host in a helper thread and gives up when the time is up (the abandoned lookup finishes on its own;
TLS still verifies the URL's host name, since httpcore passes it to ``start_tls``).

Not covered: requests an environment proxy (``HTTPS_PROXY``) routes through httpx's own transport.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore2
import httpx2

__all__ = ["DeadlineBackend", "DeadlineTransport", "deadline", "resolve_host", "time_left"]

Remaining = Callable[[], float]
"""Seconds left until the deadline (negative once it has passed)."""

_REMAINING: ContextVar[Remaining | None] = ContextVar("http_deadline", default=None)


@contextlib.contextmanager
def deadline(remaining: Remaining) -> Iterator[None]:
    """Every socket operation of HTTP calls made inside the block ends by ``remaining() == 0``."""
    token = _REMAINING.set(remaining)
    try:
        yield
    finally:
        _REMAINING.reset(token)


def time_left() -> float | None:
    """Seconds left in the current deadline, or None outside ``deadline``."""
    remaining = _REMAINING.get()
    return None if remaining is None else remaining()


def _bounded(timeout: float | None, error: type[Exception], what: str) -> float | None:
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise error(f"the call's deadline passed before the {what}")
    return left if timeout is None else min(timeout, left)


Resolver = Callable[[str, int], list[str]]
"""(host, port) -> addresses to try, in order."""


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver (``getaddrinfo``), TCP addresses in its order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve_within(resolve: Resolver, host: str, port: int, seconds: float) -> list[str]:
    """``resolve(host, port)`` in a helper thread, or ``ConnectTimeout`` after ``seconds``."""
    result: list[list[str]] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(resolve(host, port))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    worker = threading.Thread(target=run, name="deadline-resolve", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise httpcore2.ConnectTimeout("the call's deadline passed while resolving the host")
    if failure:
        raise httpcore2.ConnectError(f"cannot resolve the host ({type(failure[0]).__name__})")
    return result[0]


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore2.ReadTimeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore2.WriteTimeout, "write"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout, "TLS handshake")
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """httpcore's sync backend with every operation bounded by the context's deadline."""

    def __init__(
        self, inner: httpcore2.NetworkBackend | None = None, resolve: Resolver = resolve_host
    ) -> None:
        self._inner = inner if inner is not None else httpcore2.SyncBackend()
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout, "connect")
        if time_left() is None or _is_address(host):
            stream = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
            return _DeadlineStream(stream)
        limit = bounded if bounded is not None else 0.0
        addresses = _resolve_within(self._resolve, host, port, limit)
        error: Exception = httpcore2.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _bounded(timeout, httpcore2.ConnectTimeout, "connect"),
                    local_address,
                    socket_options,
                )
            except httpcore2.ConnectTimeout:
                raise
            except httpcore2.ConnectError as exc:
                error = exc  # refused on this address: try the next
                continue
            return _DeadlineStream(stream)
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout, "connect")
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx2.HTTPTransport):
    """``httpx2.HTTPTransport`` (TLS verification, keep-alive pool) over ``DeadlineBackend``."""

    def __init__(self, *, limits: httpx2.Limits) -> None:
        super().__init__(limits=limits)
        self._pool.close()  # built by the parent without our backend; nothing was opened on it
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )
