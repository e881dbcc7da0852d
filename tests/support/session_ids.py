"""The session-id key the tests and the events/ fixtures share, and an independent signer.

``events/apiGatewayChatPost.json`` (and the Lex events) carry ids signed with ``TEST_SESSION_KEY``,
so ``sam local invoke -e`` and the tests can replay them with ``SESSION_KEY`` set to it. It is a
test value, not a secret: never use it anywhere real.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

TEST_SESSION_KEY = "events-and-tests-session-key-not-a-secret-0001"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(random_part: str, key: str = TEST_SESSION_KEY) -> str:
    """``s1.<random_part>.<mac>`` written from docs/contracts.md, apart from the app's code."""
    signed = "s1." + random_part
    mac = hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()[:16]
    return f"{signed}.{b64(mac)}"
