"""One turn's stream: pieces of the answer in, batched chunks out to the page, off the LLM's path.

The thread that reads the model only calls ``text`` (a ``put_nowait`` on a bounded queue: it never
blocks and never raises) and, once, ``finish``. A single daemon sender thread takes the pieces,
batches them (``stream_batcher``) and posts them in order (``Poster``: ``management_api`` in
production). Posting stops for the rest of the turn at the first failure: ``StreamGone`` (the page
left) or any other error (a slow socket that hit the client's short timeout, throttling): a later
chunk after a lost one would leave a hole the page cannot fill, and the page gets the whole answer
from ``/chat`` anyway. ``close(wait)`` waits a bounded time for the last chunks and the end marker,
then abandons the thread (it posts nothing more after the call in flight), so the Lex answer is
never held by the socket. Logs carry counts and error class names only: no text, no connection id.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from llm_fallback.errors import StreamError, StreamGone
from llm_fallback.stream_batcher import Batcher, EndStatus, TurnFrames
from llm_fallback.stream_target import StreamTarget

__all__ = ["QUEUE_SIZE", "Poster", "StreamSender"]

QUEUE_SIZE = 4096
"""Pieces waiting for the sender; more than any answer has while a post is in flight."""


class Poster(Protocol):
    """Posts one frame to one connection, or raises ``StreamGone`` / ``StreamError``."""

    def warm(self) -> None:
        """Get ready to post (build the client) before the first text is there."""
        ...

    def post(self, connection_id: str, data: bytes) -> None: ...


class _End:
    def __init__(self, status: EndStatus) -> None:
        self.status = status


class StreamSender:
    """Streams one turn to ``target``. ``clock`` and ``batcher`` are injectable for tests."""

    def __init__(
        self,
        target: StreamTarget,
        *,
        poster: Poster,
        logger: logging.Logger | Any,
        clock: Callable[[], float] = time.monotonic,
        batcher: Batcher | None = None,
        queue_size: int = QUEUE_SIZE,
    ) -> None:
        self._target = target
        self._poster = poster
        self._logger = logger
        self._clock = clock
        self._batcher = batcher or Batcher()
        self._frames = TurnFrames(target.turn_id)
        self._queue: queue.Queue[str | _End] = queue.Queue(maxsize=queue_size)
        self._abandoned = threading.Event()
        self._stopped = False
        self._finished = False
        self._posted = 0
        self._outcome = "open"
        self._thread = threading.Thread(target=self._run, name="stream-sender", daemon=True)

    # -- the LLM reader's side -----------------------------------------------------------------
    def start(self) -> StreamSender:
        self._thread.start()
        return self

    def text(self, piece: str) -> None:
        """Queue a piece of the answer (never blocks: a full queue ends the stream)."""
        if piece and not self._stopped and not self._finished:
            self._put(piece)

    def finish(self, status: EndStatus) -> None:
        """No more text: send what is left, then the end marker with ``status``."""
        if not self._finished:
            self._finished = True
            self._put(_End(status))

    def close(self, wait_seconds: float) -> bool:
        """Wait at most ``wait_seconds`` for the sender; True when it had posted everything."""
        self._thread.join(max(wait_seconds, 0.0))
        if self._thread.is_alive():
            self._abandoned.set()
            self._outcome = "abandoned" if self._outcome == "open" else self._outcome
            return False
        return self._outcome == "complete"

    @property
    def posted(self) -> int:
        """Messages the Management API accepted."""
        return self._posted

    @property
    def outcome(self) -> str:
        """``complete``, ``gone``, ``failed``, ``abandoned`` (still busy at ``close``) or ``open``."""
        return self._outcome

    def _put(self, item: str | _End) -> None:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._stopped = True
            self._outcome = "failed"

    # -- the sender thread ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            if self._warm():
                self._loop()
        except Exception as exc:  # a background thread must not print a traceback
            self._stopped = True
            self._outcome = "failed"
            self._logger.error("stream sender failed", extra={"error": type(exc).__name__})

    def _warm(self) -> bool:
        try:
            self._poster.warm()
        except StreamError as error:
            self._stop("failed")
            self._logger.warning("stream not started", extra={"reason": str(error)})
            return False
        return True

    def _next_items(self) -> list[str | _End]:
        wait = self._batcher.wait_seconds(self._clock())
        items: list[str | _End] = []
        try:
            if wait is None:
                items.append(self._queue.get())
            elif wait > 0:
                items.append(self._queue.get(timeout=wait))
        except queue.Empty:
            pass
        while True:  # everything that came in meanwhile goes into one batch
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def _loop(self) -> None:
        while not self._stopped and not self._abandoned.is_set():
            end: _End | None = None
            for item in self._next_items():
                if isinstance(item, _End):
                    end = item
                else:
                    self._batcher.add(item)
            text = self._batcher.take(self._clock(), final=end is not None)
            if text is not None:
                for frame in self._frames.chunks(text):
                    self._send(frame)
            if end is not None:
                self._send(self._frames.end(end.status))
                if not self._stopped:
                    self._outcome = "complete"
                return

    def _send(self, frame: bytes) -> None:
        if self._stopped or self._abandoned.is_set():
            return
        try:
            self._poster.post(self._target.connection_id, frame)
        except StreamGone:
            self._stop("gone")
            self._logger.info("stream connection gone; the rest of the turn is not posted")
        except StreamError as error:
            self._stop("failed")
            self._logger.warning(
                "stream post failed; the rest of the turn is not posted",
                extra={"reason": str(error), "posted": self._posted},
            )
        else:
            self._posted += 1

    def _stop(self, outcome: str) -> None:
        self._stopped = True
        self._outcome = outcome
