"""Lex V2 conversation text log entries → ``Turn``s, tolerant of whatever surrounds the JSON.

Entry format: https://docs.aws.amazon.com/lexv2/latest/dg/conversation-logs-cw.html. A line may be
the bare JSON object (the local stack's log, ``aws logs tail --format json``-style exports) or the
object after a timestamp and other columns (``aws logs filter-log-events --output text``, S3
exports: ``2026-12-01T10:00:00.000Z {...}``); the object is taken from the first ``{``. Unknown
fields are ignored; a line without a usable entry is counted as skipped, never fatal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["FALLBACK_INTENT", "ReadStats", "Turn", "parse_line", "read_turns"]

FALLBACK_INTENT = "FallbackIntent"


@dataclass(frozen=True)
class Turn:
    timestamp: dt.datetime | None
    locale: str
    text: str
    intent: str
    missed: bool
    answer: str
    answered: bool = True  # the intent did not end Failed (a fallback that got a notice did)


@dataclass
class ReadStats:
    lines: int = 0
    turns: int = 0
    skipped: int = 0


def _timestamp(raw: Any) -> dt.datetime | None:
    if isinstance(raw, int | float):
        return dt.datetime.fromtimestamp(raw / 1000 if raw > 1e11 else raw, dt.UTC)
    if not isinstance(raw, str) or not raw:
        return None
    try:
        stamp = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entry(data: dict[str, Any]) -> Turn | None:
    text = data.get("inputTranscript")
    if not isinstance(text, str) or not text.strip():
        return None
    bot = _mapping(data.get("bot"))
    state = _mapping(data.get("sessionState"))
    intent_data = _mapping(state.get("intent"))
    intent = intent_data.get("name") if isinstance(intent_data.get("name"), str) else ""
    missed = data.get("missedUtterance")
    if isinstance(missed, str):
        missed = missed.lower() == "true"
    is_missed = bool(missed) or intent == FALLBACK_INTENT
    raw_messages = data.get("messages")
    messages: list[Any] = raw_messages if isinstance(raw_messages, list) else []
    answer = next(
        (
            m["content"]
            for m in messages
            if isinstance(m, dict) and isinstance(m.get("content"), str)
        ),
        "",
    )
    locale = bot.get("localeId") if isinstance(bot.get("localeId"), str) else ""
    return Turn(
        timestamp=_timestamp(data.get("timestamp")),
        locale=locale or "unknown",
        text=text.strip(),
        intent=intent or (FALLBACK_INTENT if is_missed else ""),
        missed=is_missed,
        answer=answer,
        answered=intent_data.get("state") != "Failed",
    )


def parse_line(line: str) -> Turn | None:
    start = line.find("{")
    if start < 0:
        return None
    try:
        data = json.loads(line[start:])
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("message"), str) and "bot" not in data:
        # A CloudWatch event object ({"timestamp", "message": "<the entry as a string>"}).
        return parse_line(data["message"])
    return _entry(data) if isinstance(data, dict) else None


def read_turns(lines: Iterable[str], stats: ReadStats) -> Iterator[Turn]:
    for line in lines:
        stats.lines += 1
        if not line.strip():
            continue
        turn = parse_line(line)
        if turn is None:
            stats.skipped += 1
            continue
        stats.turns += 1
        yield turn
