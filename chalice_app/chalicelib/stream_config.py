"""Settings of the streaming side channel (docs/contracts.md, "Streaming"), read from the environment.

``StreamSettings.from_env`` never raises: a missing or unusable value turns the part that needs it
off (``bindings_table`` empty: no binding, no lookup; ``management_url`` ``None``: no replies), and
``problems`` says why, for the log. The chat API only needs the table; the StreamFunction needs
all of it plus the session key (same variables as the chat API).

A management URL counts only with an ``http(s)`` scheme and a host whose every label is non-empty:
the template's ``https://${StreamApi}.execute-api.${AWS::Region}.amazonaws.com/stream`` resolved
offline (no deployed API id) reads ``https://.execute-api.us-east-1.amazonaws.com/stream``, and that
must read as unset, not as an endpoint.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["StreamSettings", "usable_management_url"]

# DynamoDB table names: 3-255 characters of [a-zA-Z0-9_.-] (a table ARN is accepted too).
_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}|arn:[A-Za-z0-9-]+:dynamodb:[^\s]{1,1000}")
_HOST_LABEL = re.compile(r"[A-Za-z0-9-]{1,63}")


def usable_management_url(raw: str) -> str | None:
    """``raw`` (trimmed, without a trailing slash) when it can be an endpoint, else ``None``."""
    url = raw.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        return None
    if ":" in host:  # an IPv6 literal
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
        return url
    if not host or not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        return None
    return url


@dataclass(frozen=True)
class StreamSettings:
    """Where bindings live and where replies go; the session key exactly as the chat API reads it."""

    bindings_table: str = ""
    management_url: str | None = None
    region: str | None = None
    #: The session-id key itself (local runs); wins over the secret. Kept out of ``repr``.
    session_key: str = field(default="", repr=False)
    session_key_secret_arn: str = ""
    dynamodb_timeout_seconds: float = 1.0
    problems: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        """Bindings can be stored and read (``STREAM_BINDINGS_TABLE`` is set and well-formed)."""
        return bool(self.bindings_table)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StreamSettings:
        problems: list[str] = []
        table = env.get("STREAM_BINDINGS_TABLE", "").strip()
        if table and not _TABLE.fullmatch(table):
            problems.append(f"STREAM_BINDINGS_TABLE is not a table name ({len(table)} characters)")
            table = ""
        raw_url = env.get("STREAM_MANAGEMENT_URL", "")
        management_url = usable_management_url(raw_url)
        if raw_url.strip() and management_url is None:
            problems.append("STREAM_MANAGEMENT_URL has no usable http(s) host")
        region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip() or None
        timeout = 1.0
        raw_timeout = env.get("STREAM_DYNAMODB_TIMEOUT_SECONDS", "").strip()
        if raw_timeout:
            try:
                timeout = float(raw_timeout)
            except ValueError:
                timeout = math.nan
            if not math.isfinite(timeout) or timeout <= 0:
                problems.append("STREAM_DYNAMODB_TIMEOUT_SECONDS must be a positive number")
                timeout = 1.0
        return cls(
            bindings_table=table,
            management_url=management_url,
            region=region,
            session_key=env.get("SESSION_KEY", "").strip(),
            session_key_secret_arn=env.get("SESSION_KEY_SECRET_ARN", "").strip(),
            dynamodb_timeout_seconds=timeout,
            problems=tuple(problems),
        )
