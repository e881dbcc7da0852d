"""Past turns of the LLM conversation, kept in ``sessionAttributes["llmHistory"]``.

The attribute is a JSON list of ``{"role": "user"|"assistant", "content": str}``
(docs/contracts.md). It is bounded to ``MAX_HISTORY_CHARS`` characters *as serialised with
``json.dumps`` defaults*: ``ensure_ascii`` escapes every non-ASCII character, so characters equal
UTF-8 bytes and 4,000 of them stay far under Lex's 12 KB session-attribute limit even for Korean
(a Korean syllable is 3 bytes raw but 6 ASCII characters escaped: the bound holds in bytes too).
Garbage in the attribute (not JSON, wrong shapes, unknown roles) is dropped, never an error.
Only well-formed text is stored (``text.well_formed``), and what is read back is checked the same
way, so one malformed answer (a lone surrogate, control characters) cannot poison later turns. An
attribute longer than ``MAX_READ_CHARS`` (Lex's 12 KB session-attribute budget) is not even parsed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from llm_fallback.text import well_formed

__all__ = [
    "HISTORY_ATTRIBUTE",
    "MAX_ENTRY_CHARS",
    "MAX_HISTORY_CHARS",
    "MAX_READ_CHARS",
    "Turn",
    "append_exchange",
    "bound_history",
    "dump_history",
    "load_history",
]

HISTORY_ATTRIBUTE = "llmHistory"
MAX_HISTORY_CHARS = 4000
MAX_ENTRY_CHARS = 1200
MAX_READ_CHARS = 12 * 1024
"""Lex keeps at most 12 KB of session attributes; a longer attribute did not come from us."""
"""Upper bound on one serialised entry, so one long answer can't push out every earlier turn."""
ELLIPSIS = "…"

Turn = dict[str, str]
_ROLES = ("user", "assistant")


def dump_history(turns: Sequence[Turn]) -> str:
    return json.dumps(list(turns), separators=(",", ":"))


def _size(turns: Sequence[Turn]) -> int:
    return len(dump_history(turns))


def load_history(session_attributes: Mapping[str, str]) -> list[Turn]:
    """The stored turns, oldest first; whatever can't be read is skipped."""
    raw = session_attributes.get(HISTORY_ATTRIBUTE)
    if not isinstance(raw, str) or not raw or len(raw) > MAX_READ_CHARS:
        return []
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    turns: list[Turn] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        role, content = item.get("role"), item.get("content")
        if role in _ROLES and isinstance(content, str):
            content = well_formed(content).strip()
            if content:
                turns.append({"role": role, "content": content})
    return turns


def _truncate_entry(turn: Turn, limit: int) -> Turn:
    """Shorten ``content`` so the serialised entry fits in ``limit`` characters."""
    if _size([turn]) <= limit:
        return turn
    content = turn["content"]
    low, high = 0, len(content)  # longest prefix that fits, by bisection
    while low < high:
        mid = (low + high + 1) // 2
        if _size([{"role": turn["role"], "content": content[:mid] + ELLIPSIS}]) <= limit:
            low = mid
        else:
            high = mid - 1
    return {"role": turn["role"], "content": content[:low].rstrip() + ELLIPSIS}


def bound_history(
    turns: Sequence[Turn],
    max_pairs: int,
    *,
    max_chars: int = MAX_HISTORY_CHARS,
    max_entry_chars: int = MAX_ENTRY_CHARS,
) -> list[Turn]:
    """The newest ``max_pairs`` user/assistant pairs that fit in ``max_chars``, oldest dropped."""
    if max_pairs <= 0:
        return []
    kept = [_truncate_entry(t, max_entry_chars) for t in turns[-2 * max_pairs :]]
    while kept and (_size(kept) > max_chars or kept[0]["role"] != "user"):
        kept.pop(0)  # drop the oldest; never start with an orphan assistant turn
    return kept


def append_exchange(
    turns: Sequence[Turn], user_text: str, answer: str, max_pairs: int
) -> list[Turn]:
    """History after this exchange, bounded; both texts stored well-formed."""
    exchange = [
        {"role": "user", "content": well_formed(user_text).strip()},
        {"role": "assistant", "content": well_formed(answer).strip()},
    ]
    return bound_history([*turns, *exchange], max_pairs)
