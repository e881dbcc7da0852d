"""Conversation history in sessionAttributes["llmHistory"]: tolerant reading, hard bounds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_fallback.history import (
    HISTORY_ATTRIBUTE,
    MAX_ENTRY_CHARS,
    MAX_HISTORY_CHARS,
    append_exchange,
    bound_history,
    dump_history,
    load_history,
)


def _pairs(n: int, text: str = "q") -> list[dict[str, str]]:
    turns = []
    for i in range(n):
        turns += [
            {"role": "user", "content": f"{text} {i}"},
            {"role": "assistant", "content": f"answer {i}"},
        ]
    return turns


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not json",
        "{}",
        "42",
        "null",
        "[1, 2]",
        '[{"role": "system", "content": "x"}]',
        "[" * 5000,
    ],
)
def test_garbage_reads_as_empty(value: str) -> None:
    assert load_history({HISTORY_ATTRIBUTE: value}) == []


def test_bad_entries_are_skipped_good_ones_kept() -> None:
    raw = json.dumps(
        [
            {"role": "user", "content": "hi"},
            {"role": "assistant"},
            {"role": "wizard", "content": "x"},
            "string",
            {"role": "assistant", "content": "hello", "extra": 1},
        ]
    )
    assert load_history({HISTORY_ATTRIBUTE: raw}) == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]


def test_fixture_history_loads(load_event: Any) -> None:
    attrs = load_event("lexV2FallbackLongHistory")["sessionState"]["sessionAttributes"]
    assert len(load_history(attrs)) == 16


def test_keeps_only_the_last_n_pairs() -> None:
    kept = bound_history(_pairs(10), 3)
    assert kept == _pairs(10)[-6:]


def test_zero_turns_keeps_nothing() -> None:
    assert bound_history(_pairs(2), 0) == []


def test_never_starts_with_an_assistant_turn() -> None:
    turns = [{"role": "assistant", "content": "orphan"}, *_pairs(2)]
    assert bound_history(turns, 5)[0]["role"] == "user"


@pytest.mark.parametrize("char", ["a", "한", "😀"])
def test_serialised_size_is_bounded(char: str) -> None:
    turns = [
        {"role": role, "content": char * 3000} for _ in range(10) for role in ("user", "assistant")
    ]
    kept = bound_history(turns, 10)
    assert kept, "the newest exchange must survive, truncated"
    assert len(dump_history(kept)) <= MAX_HISTORY_CHARS
    assert len(dump_history(kept).encode("utf-8")) <= MAX_HISTORY_CHARS
    assert all(len(dump_history([t])) <= MAX_ENTRY_CHARS for t in kept)
    assert all(t["content"].endswith("…") for t in kept)
    assert kept[-1]["role"] == "assistant"


def test_oldest_turns_are_dropped_first_when_over_size() -> None:
    turns = _pairs(6, text="x" * 700)
    kept = bound_history(turns, 6)
    assert len(dump_history(kept)) <= MAX_HISTORY_CHARS
    assert kept == turns[-len(kept) :]
    assert len(kept) < len(turns)


def test_append_exchange_adds_a_pair_and_stays_bounded() -> None:
    updated = append_exchange(_pairs(6), "new question", "new answer", 6)
    assert updated[-2:] == [
        {"role": "user", "content": "new question"},
        {"role": "assistant", "content": "new answer"},
    ]
    assert len(updated) == 12
    assert load_history({HISTORY_ATTRIBUTE: dump_history(updated)}) == updated
