"""How a streamed answer is cut into WebSocket messages, and what those messages say.

Every message is a paid API Gateway message and a repaint on the page, so pieces of text (one per
model token, roughly) are batched. ``Batcher`` decides, with the caller's clock:

* the first text goes out at once, so the page shows the model's first-token latency and no more;
* after that a message carries at least ``MIN_BATCH_PIECES`` new pieces and goes out at most every
  ``FLUSH_INTERVAL_SECONDS`` (at a typical 50-150 tokens/s that is a message every 75-160 ms, and
  at most tokens / 5 messages per answer of 40 tokens or more, the end marker included, from any
  model of 8 tokens/s or faster);
* ``MAX_BATCH_CHARS`` pending characters go out at once (a server that sends big pieces);
* text never waits longer than ``MAX_WAIT_SECONDS`` (a model slower than ~8 tokens/s still moves);
* ``final`` takes whatever is left.

``TurnFrames`` numbers them: ``{"type": "chunk", "turn", "seq": 1.., "text"}`` then one
``{"type": "end", "turn", "seq": last + 1, "status": "complete" | "failed"}`` (docs/contracts.md).
A batch longer than ``MAX_FRAME_CHARS`` is sent as several chunks, so a frame stays far below API
Gateway's 32 KB (at most 4 UTF-8 bytes per character, JSON escapes included).
"""

from __future__ import annotations

import json
from typing import Literal

__all__ = [
    "FLUSH_INTERVAL_SECONDS",
    "MAX_BATCH_CHARS",
    "MAX_FRAME_CHARS",
    "MAX_WAIT_SECONDS",
    "MIN_BATCH_PIECES",
    "Batcher",
    "EndStatus",
    "TurnFrames",
]

FLUSH_INTERVAL_SECONDS = 0.075
MIN_BATCH_PIECES = 8
MAX_BATCH_CHARS = 400
MAX_WAIT_SECONDS = 1.0
MAX_FRAME_CHARS = 6000

EndStatus = Literal["complete", "failed"]


class Batcher:
    """Pending text and the rule above; no clock of its own (``now`` comes from the caller)."""

    def __init__(
        self,
        *,
        interval: float = FLUSH_INTERVAL_SECONDS,
        min_pieces: int = MIN_BATCH_PIECES,
        max_chars: int = MAX_BATCH_CHARS,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        self._interval = interval
        self._min_pieces = min_pieces
        self._max_chars = max_chars
        self._max_wait = max_wait
        self._pending: list[str] = []
        self._chars = 0
        self._sent_at: float | None = None

    def add(self, piece: str) -> None:
        if piece:
            self._pending.append(piece)
            self._chars += len(piece)

    def take(self, now: float, *, final: bool = False) -> str | None:
        """The text to send now, or None to keep waiting."""
        if not self._pending:
            return None
        if not final and self._sent_at is not None:
            since = now - self._sent_at
            due = (
                self._chars >= self._max_chars
                or since >= self._max_wait
                or (since >= self._interval and len(self._pending) >= self._min_pieces)
            )
            if not due:
                return None
        text = "".join(self._pending)
        self._pending.clear()
        self._chars = 0
        self._sent_at = now
        return text

    def wait_seconds(self, now: float) -> float | None:
        """How long until ``take`` may give text without new pieces; None when nothing waits."""
        if not self._pending:
            return None
        if self._sent_at is None or self._chars >= self._max_chars:
            return 0.0
        limit = self._interval if len(self._pending) >= self._min_pieces else self._max_wait
        return max(0.0, self._sent_at + limit - now)


def _frame(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class TurnFrames:
    """The numbered messages of one turn."""

    def __init__(self, turn_id: str, *, max_frame_chars: int = MAX_FRAME_CHARS) -> None:
        self._turn = turn_id
        self._seq = 0
        self._max = max_frame_chars

    @property
    def last_seq(self) -> int:
        return self._seq

    def chunks(self, text: str) -> list[bytes]:
        frames = []
        for start in range(0, len(text), self._max):
            self._seq += 1
            part = text[start : start + self._max]
            frames.append(
                _frame({"type": "chunk", "turn": self._turn, "seq": self._seq, "text": part})
            )
        return frames

    def end(self, status: EndStatus) -> bytes:
        self._seq += 1
        return _frame({"type": "end", "turn": self._turn, "seq": self._seq, "status": status})
