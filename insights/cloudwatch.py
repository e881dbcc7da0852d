"""Conversation log entries straight from the alias's CloudWatch Logs group, through boto3.

``FilterLogEvents`` pages through every stream of the group (Lex writes one entry per utterance
into one of several streams under the alias's prefix). Needs ``logs:FilterLogEvents`` on the
group. ``client`` is injectable for tests (e.g. a boto3 client pointed at moto).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

__all__ = ["log_group_lines"]


def log_group_lines(
    log_group: str,
    *,
    days: float,
    client: Any = None,
    now: dt.datetime | None = None,
) -> Iterator[str]:
    """Each event's message (one JSON entry) from the last ``days`` days."""
    if client is None:
        import boto3

        client = boto3.client("logs")
    end = now or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(days=days)
    paginator = client.get_paginator("filter_log_events")
    for page in paginator.paginate(
        logGroupName=log_group,
        startTime=int(start.timestamp() * 1000),
        endTime=int(end.timestamp() * 1000),
    ):
        for event in page.get("events", []):
            message = event.get("message")
            if isinstance(message, str):
                yield message
