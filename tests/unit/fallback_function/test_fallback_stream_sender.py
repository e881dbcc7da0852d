"""StreamSender with in-memory posters: order, the end marker, Gone, failures, the bounded wait."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from llm_fallback.errors import StreamError, StreamGone
from llm_fallback.stream_batcher import Batcher
from llm_fallback.stream_sender import StreamSender
from llm_fallback.stream_target import StreamTarget

TARGET = StreamTarget(
    endpoint_url="https://x.example/stage", connection_id="conn=", turn_id="turn-0001"
)


class ListPoster:
    """Records frames; raises ``errors`` (one per post, in order) when given; ``warm`` may fail."""

    def __init__(
        self, errors: list[Exception | None] | None = None, warm_error: Exception | None = None
    ):
        self.frames: list[dict[str, Any]] = []
        self.connections: list[str] = []
        self.errors = list(errors or [])
        self.warm_error = warm_error
        self.attempts = 0

    def warm(self) -> None:
        if self.warm_error is not None:
            raise self.warm_error

    def post(self, connection_id: str, data: bytes) -> None:
        self.attempts += 1
        error = self.errors.pop(0) if self.errors else None
        if error is not None:
            raise error
        self.connections.append(connection_id)
        self.frames.append(json.loads(data))


class BlockingPoster(ListPoster):
    """Every post hangs until ``release`` (a socket that never answers)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def post(self, connection_id: str, data: bytes) -> None:
        self.entered.set()
        self.release.wait(10)
        super().post(connection_id, data)


class ListLogger:
    def __init__(self) -> None:
        self.records: list[tuple[str, str, dict[str, Any]]] = []

    def _log(self, level: str, msg: str, extra: dict[str, Any] | None = None) -> None:
        self.records.append((level, msg, extra or {}))

    def info(self, msg: str, extra: dict[str, Any] | None = None) -> None:
        self._log("info", msg, extra)

    def warning(self, msg: str, extra: dict[str, Any] | None = None) -> None:
        self._log("warning", msg, extra)

    def error(self, msg: str, extra: dict[str, Any] | None = None) -> None:
        self._log("error", msg, extra)


def sender(poster: ListPoster, **options: Any) -> tuple[StreamSender, ListLogger]:
    logger = ListLogger()
    return StreamSender(TARGET, poster=poster, logger=logger, **options).start(), logger


def test_pieces_go_out_in_order_then_the_end_marker() -> None:
    poster = ListPoster()
    stream, _ = sender(poster)
    pieces = [f"w{n} " for n in range(40)]
    for piece in pieces:
        stream.text(piece)
    stream.finish("complete")
    assert stream.close(5.0) is True
    *chunks, end = poster.frames
    assert "".join(c["text"] for c in chunks) == "".join(pieces)
    assert [f["seq"] for f in poster.frames] == list(range(1, len(poster.frames) + 1))
    assert end == {
        "type": "end",
        "turn": "turn-0001",
        "seq": len(poster.frames),
        "status": "complete",
    }
    assert set(poster.connections) == {"conn="}
    assert stream.outcome == "complete" and stream.posted == len(poster.frames)


def test_the_first_piece_is_posted_before_the_turn_ends() -> None:
    poster = ListPoster()
    stream, _ = sender(poster)
    stream.text("First")
    deadline = time.monotonic() + 5
    while not poster.frames and time.monotonic() < deadline:
        time.sleep(0.005)
    assert poster.frames == [{"type": "chunk", "turn": "turn-0001", "seq": 1, "text": "First"}]
    stream.finish("complete")
    stream.close(5.0)


def test_a_failed_turn_ends_failed() -> None:
    poster = ListPoster()
    stream, _ = sender(poster)
    stream.finish("failed")
    stream.close(5.0)
    assert poster.frames == [{"type": "end", "turn": "turn-0001", "seq": 1, "status": "failed"}]


def test_gone_stops_every_later_post() -> None:
    poster = ListPoster(errors=[StreamGone("gone")])
    stream, logger = sender(poster, batcher=Batcher(min_pieces=1, interval=0.0))
    for n in range(20):
        stream.text(f"{n} ")
    stream.finish("complete")
    assert stream.close(5.0) is False
    assert poster.attempts == 1 and poster.frames == []
    assert stream.outcome == "gone"
    assert [r[0] for r in logger.records] == ["info"]


def test_any_other_post_error_stops_the_stream_with_a_warning() -> None:
    poster = ListPoster(
        errors=[None, StreamError("cannot post to the connection (ReadTimeoutError)")]
    )
    stream, logger = sender(poster, batcher=Batcher(min_pieces=1, interval=0.0))
    stream.text("a")
    while poster.attempts < 1:
        time.sleep(0.005)
    stream.text("b")
    stream.finish("complete")
    stream.close(5.0)
    assert poster.attempts == 2 and [f["text"] for f in poster.frames] == ["a"]
    assert stream.outcome == "failed"
    ((level, _, extra),) = logger.records
    assert level == "warning" and extra["reason"].endswith("(ReadTimeoutError)")


def test_a_client_that_cannot_be_built_posts_nothing() -> None:
    poster = ListPoster(warm_error=StreamError("cannot build the client (NoRegionError)"))
    stream, logger = sender(poster)
    stream.text("a")
    stream.finish("complete")
    assert stream.close(5.0) is False
    assert poster.attempts == 0 and stream.outcome == "failed"
    assert logger.records[0][0] == "warning"


def test_a_hanging_socket_is_abandoned_after_the_wait() -> None:
    poster = BlockingPoster()
    stream, _ = sender(poster)
    stream.text("a")
    assert poster.entered.wait(5)
    stream.text("b")
    stream.finish("complete")
    started = time.monotonic()
    assert stream.close(0.2) is False
    assert time.monotonic() - started < 1.0
    assert stream.outcome == "abandoned"
    poster.release.set()  # the call in flight ends; nothing after it is posted
    time.sleep(0.1)
    assert [f["seq"] for f in poster.frames] == [1]


def test_text_never_blocks_and_a_full_queue_ends_the_stream() -> None:
    poster = BlockingPoster()
    stream, _ = sender(poster, queue_size=4)
    stream.text("a")
    assert poster.entered.wait(5)
    started = time.monotonic()
    for n in range(100):
        stream.text(f"{n}")
    stream.finish("complete")
    assert time.monotonic() - started < 0.5
    assert stream.outcome == "failed"
    poster.release.set()
    assert stream.close(5.0) is False
    assert [f["seq"] for f in poster.frames] == [1]


def test_a_bug_in_the_poster_is_logged_without_a_traceback() -> None:
    poster = ListPoster(errors=[RuntimeError("boom")])
    stream, logger = sender(poster)
    stream.text("a")
    stream.finish("complete")
    stream.close(5.0)
    assert stream.outcome == "failed"
    assert logger.records == [("error", "stream sender failed", {"error": "RuntimeError"})]
