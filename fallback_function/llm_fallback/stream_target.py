"""Whether a turn streams, and to which connection (docs/contracts.md, "Streaming").

A turn streams only when the chat API put both request attributes on it (``llmStreamConnection``,
``llmStreamTurn``: it sets them after checking the session's binding; no client input names a
connection) *and* the function has ``STREAM_MANAGEMENT_URL``. The endpoint always comes from the
environment, never from the event. A URL without a host (the template resolved offline, with no
API id: ``https://.execute-api...``) or not http(s) counts as unset, with one warning per container
on the first turn that asked to stream. Malformed attributes turn streaming off for that turn with a warning that names neither
value (the connection id is what lets anyone holding the Management API permission post to it).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from llm_fallback.event import LexEvent

__all__ = [
    "CONNECTION_ATTRIBUTE",
    "TURN_ATTRIBUTE",
    "StreamTarget",
    "stream_target",
    "usable_management_url",
]

CONNECTION_ATTRIBUTE = "llmStreamConnection"
TURN_ATTRIBUTE = "llmStreamTurn"
_TURN_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_CONNECTION_ID = re.compile(r"[A-Za-z0-9+/=_-]{1,128}")
_warned_urls: set[str] = set()


@dataclass(frozen=True)
class StreamTarget:
    """Where one turn's chunks go. The connection id stays out of ``repr`` (and so of logs)."""

    endpoint_url: str
    connection_id: str = field(repr=False)
    turn_id: str


def usable_management_url(url: str) -> bool:
    """True for an ``http(s)://host[...]`` URL whose host name is not empty (nor starts with a dot)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and not host.startswith(".")


def stream_target(
    event: LexEvent, management_url: str, *, logger: logging.Logger | Any
) -> StreamTarget | None:
    """The turn's ``StreamTarget``, or None when it answers without streaming (as before)."""
    attributes = event.request_attributes
    connection = attributes.get(CONNECTION_ATTRIBUTE)
    turn = attributes.get(TURN_ATTRIBUTE)
    if connection is None or turn is None or not management_url:
        return None
    if not usable_management_url(management_url):
        if management_url not in _warned_urls:
            _warned_urls.add(management_url)
            logger.warning(
                "STREAM_MANAGEMENT_URL has no host (or is not http/https): streaming is off",
                extra={"fix": "set it to https://{api}.execute-api.{region}.amazonaws.com/{stage}"},
            )
        return None
    if not _CONNECTION_ID.fullmatch(connection) or not _TURN_ID.fullmatch(turn):
        logger.warning(
            "stream request attributes are malformed; answering without streaming",
            extra={"connection_chars": len(connection), "turn_chars": len(turn)},
        )
        return None
    return StreamTarget(endpoint_url=management_url, connection_id=connection, turn_id=turn)
