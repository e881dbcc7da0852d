"""Batcher (when a message goes out) and TurnFrames (what it says), with a hand-driven clock."""

from __future__ import annotations

import json

import pytest

from llm_fallback.stream_batcher import (
    FLUSH_INTERVAL_SECONDS,
    MAX_WAIT_SECONDS,
    MIN_BATCH_PIECES,
    Batcher,
    TurnFrames,
)


def test_the_first_text_goes_out_at_once() -> None:
    batcher = Batcher()
    assert batcher.wait_seconds(0.0) is None
    batcher.add("The")
    assert batcher.wait_seconds(0.0) == 0.0
    assert batcher.take(0.0) == "The"
    assert batcher.take(0.0) is None


def test_later_text_waits_for_enough_pieces_and_the_interval() -> None:
    batcher = Batcher(interval=0.075, min_pieces=3, max_chars=1000, max_wait=1.0)
    batcher.add("a")
    assert batcher.take(0.0) == "a"
    for piece in ("b", "c", "d"):
        batcher.add(piece)
    assert batcher.take(0.05) is None  # enough pieces, too soon
    assert batcher.wait_seconds(0.05) == pytest.approx(0.025)
    assert batcher.take(0.075) == "bcd"
    batcher.add("e")
    assert batcher.take(0.5) is None  # long enough, too few pieces
    assert batcher.wait_seconds(0.5) == pytest.approx(0.575)  # until max_wait


def test_a_slow_model_still_moves_after_max_wait() -> None:
    batcher = Batcher(max_wait=1.0)
    batcher.add("x")
    batcher.take(0.0)
    batcher.add("y")
    assert batcher.take(0.99) is None
    assert batcher.take(1.0) == "y"


def test_many_characters_go_out_at_once() -> None:
    batcher = Batcher(max_chars=10)
    batcher.add("x")
    batcher.take(0.0)
    batcher.add("0123456789")
    assert batcher.wait_seconds(0.001) == 0.0
    assert batcher.take(0.001) == "0123456789"


def test_final_takes_whatever_is_left() -> None:
    batcher = Batcher()
    batcher.add("x")
    batcher.take(0.0)
    batcher.add("y")
    assert batcher.take(0.001, final=True) == "y"
    assert batcher.take(0.002, final=True) is None


def test_empty_pieces_are_ignored() -> None:
    batcher = Batcher()
    batcher.add("")
    assert batcher.take(0.0) is None


@pytest.mark.parametrize(
    ("tokens_per_second", "tokens"),
    [(8, 40), (30, 40), (50, 60), (100, 200), (200, 512), (10_000, 100)],
)
def test_messages_per_answer_stay_at_most_tokens_over_5(
    tokens_per_second: int, tokens: int
) -> None:
    """A model at a steady speed, polled as the sender thread does: chunks plus the end marker."""
    batcher = Batcher()
    messages = 0
    step = 1.0 / tokens_per_second
    for index in range(tokens):
        now = index * step
        batcher.add("tok ")
        if batcher.take(now) is not None:
            messages += 1
        wait = batcher.wait_seconds(now)
        if wait is not None and wait < step and batcher.take(now + wait) is not None:
            messages += 1
    messages += batcher.take(tokens * step, final=True) is not None
    messages += 1  # the end marker
    assert messages <= tokens / 5
    assert messages >= 3


def test_the_defaults_are_the_documented_ones() -> None:
    assert FLUSH_INTERVAL_SECONDS == 0.075 and MIN_BATCH_PIECES == 8 and MAX_WAIT_SECONDS == 1.0


def test_frames_are_numbered_per_turn_and_end_after_the_last() -> None:
    frames = TurnFrames("turn-0001")
    sent = [*frames.chunks("Hello "), *frames.chunks("**world**")]
    end = frames.end("complete")
    assert [json.loads(f) for f in sent] == [
        {"type": "chunk", "turn": "turn-0001", "seq": 1, "text": "Hello "},
        {"type": "chunk", "turn": "turn-0001", "seq": 2, "text": "**world**"},
    ]
    assert json.loads(end) == {"type": "end", "turn": "turn-0001", "seq": 3, "status": "complete"}


def test_a_turn_without_text_ends_with_seq_1() -> None:
    assert json.loads(TurnFrames("turn-0001").end("failed"))["seq"] == 1


def test_a_long_batch_is_split_into_frames_well_under_32_kb() -> None:
    frames = TurnFrames("turn-0001", max_frame_chars=6000)
    text = "가" * 5000 + '"\\\n' * 2000 + "😀" * 3000
    sent = frames.chunks(text)
    assert len(sent) == 3
    assert all(len(f) < 32 * 1024 for f in sent)
    assert "".join(json.loads(f)["text"] for f in sent) == text
    assert [json.loads(f)["seq"] for f in sent] == [1, 2, 3]
