"""The bindings table's item keys and lifetime (docs/contracts.md, "Bindings table"); no I/O.

Two items per binding, both with ``expiresAt`` (epoch seconds)::

    {"pk": "s#" + sha256hex(sessionId), "connectionId": <id>,      "expiresAt": n}
    {"pk": "c#" + connectionId,         "sessionKey": "s#<hex>",   "expiresAt": n}

The session id itself is never stored: only its full SHA-256 (not the 16-digit log hash).
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "BINDING_TTL_SECONDS",
    "MAX_CONNECTION_ID_CHARS",
    "connection_pk",
    "is_connection_id",
    "session_pk",
]

#: API Gateway's maximum WebSocket connection duration (2 h): a binding cannot outlive it.
BINDING_TTL_SECONDS = 7200
MAX_CONNECTION_ID_CHARS = 128
_CONNECTION_ID = re.compile(rf"[A-Za-z0-9+/=_.:-]{{1,{MAX_CONNECTION_ID_CHARS}}}")


def session_pk(session_id: str) -> str:
    """The ``s#`` key of a session's binding."""
    return "s#" + hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def connection_pk(connection_id: str) -> str:
    """The ``c#`` key of a connection's binding."""
    return "c#" + connection_id


def is_connection_id(value: object) -> bool:
    """Looks like an API Gateway (or local gateway) connection id: short, URL-path safe."""
    return isinstance(value, str) and _CONNECTION_ID.fullmatch(value) is not None
