"""Server-issued session ids, bound to a server-side key so a client can neither pick nor forge one.

A Lex session id is the only thing that ties a user to their dialog state and LLM history, so the
server issues it and checks it on every turn (docs/contracts.md, "Session ids")::

    "s1." + base64url(16 random bytes) + "." + base64url(HMAC-SHA256(key, "s1." + random)[:16])

Both parts are unpadded base64url: 48 characters, inside Lex's ``[0-9a-zA-Z._:-]{2,100}``. The
random part carries 128 bits (unguessable); the MAC makes any id the server did not issue, or issued
under another key, fail ``verify``. The id is never logged: ``session_hash`` is what the logs carry.
Nothing here does I/O; ``session_key`` finds the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from chalicelib.errors import InvalidSessionIdError

__all__ = [
    "MIN_KEY_CHARS",
    "PREFIX",
    "SessionIds",
    "session_hash",
]

PREFIX = "s1."
RANDOM_BYTES = 16
MAC_BYTES = 16
MIN_KEY_CHARS = 32
"""A shorter key is refused: the template generates 64 characters, devstack 43."""
_B64 = r"[A-Za-z0-9_-]"
_FORMAT = re.compile(rf"(s1\.{_B64}{{22,64}})\.({_B64}{{22}})")
_HASH_CHARS = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def session_hash(session_id: str) -> str:
    """What the logs carry instead of the id: 16 hex digits of its SHA-256 (the fallback function
    logs the same hash, so the two functions' lines can be joined)."""
    data = session_id.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:_HASH_CHARS]


class SessionIds:
    """Issues and verifies ids under one key. ``random_bytes`` is injectable for tests."""

    def __init__(
        self, key: bytes, *, random_bytes: Callable[[int], bytes] = secrets.token_bytes
    ) -> None:
        if len(key) < MIN_KEY_CHARS:
            raise ValueError(f"the session key must be at least {MIN_KEY_CHARS} bytes")
        self._key = key
        self._random_bytes = random_bytes

    def _mac(self, signed_part: str) -> str:
        digest = hmac.new(self._key, signed_part.encode("ascii"), hashlib.sha256).digest()
        return _b64(digest[:MAC_BYTES])

    def issue(self) -> str:
        signed_part = PREFIX + _b64(self._random_bytes(RANDOM_BYTES))
        return f"{signed_part}.{self._mac(signed_part)}"

    def is_valid(self, session_id: str) -> bool:
        match = _FORMAT.fullmatch(session_id)
        if match is None:
            return False
        signed_part, mac = match.groups()
        return hmac.compare_digest(self._mac(signed_part), mac)

    def verify(self, session_id: str) -> str:
        """``session_id`` itself when this server issued it, else ``InvalidSessionIdError``."""
        if not self.is_valid(session_id):
            raise InvalidSessionIdError(
                detail=f"sessionId {session_hash(session_id)} ({len(session_id)} characters) "
                "was not issued by this server"
            )
        return session_id
