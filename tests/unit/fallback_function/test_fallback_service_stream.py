"""FallbackService on a streamed turn, with an in-memory LLM, stream and clock."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest

from llm_fallback.config import Settings
from llm_fallback.errors import LLMError, LLMTimeout, LLMUnavailable
from llm_fallback.event import LexEvent
from llm_fallback.llm import ChatMessage, Completion, TextSink
from llm_fallback.messages import Notice, notice_text
from llm_fallback.service import STREAM_DRAIN_SECONDS, FallbackService
from llm_fallback.stream_target import StreamTarget
from tests.support import emf
from tests.support.lex_response_rules import assert_valid

URL = "https://abc123.execute-api.us-east-1.amazonaws.com/stream"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class StreamingLLM:
    """Hands ``pieces`` on, taking ``cost`` seconds of the clock; then answers or raises."""

    def __init__(
        self,
        clock: Clock,
        pieces: list[str],
        *,
        cost: float = 1.0,
        error: LLMError | None = None,
        usage: bool = True,
    ) -> None:
        self.clock = clock
        self.pieces = pieces
        self.cost = cost
        self.error = error
        self.usage = usage
        self.streamed = 0
        self.completed = 0

    def complete(self, messages: Sequence[ChatMessage], *, budget_seconds: float) -> Completion:
        self.completed += 1
        return Completion(text="".join(self.pieces), model="m", finish_reason="stop", attempts=1)

    def stream(
        self, messages: Sequence[ChatMessage], *, budget_seconds: float, on_text: TextSink
    ) -> Completion:
        self.streamed += 1
        for piece in self.pieces:
            on_text(piece)
        self.clock.now += self.cost
        if self.error is not None:
            raise self.error
        return Completion(
            text="".join(self.pieces).strip(),
            model="m",
            finish_reason="stop",
            attempts=1,
            input_tokens=5 if self.usage else None,
            output_tokens=len(self.pieces) if self.usage else None,
            first_text_seconds=0.25,
        )


class RecordingStream:
    def __init__(self, target: StreamTarget) -> None:
        self.target = target
        self.pieces: list[str] = []
        self.finished: list[str] = []
        self.waits: list[float] = []

    def text(self, piece: str) -> None:
        self.pieces.append(piece)

    def finish(self, status: Any) -> None:
        self.finished.append(status)

    def close(self, wait_seconds: float) -> bool:
        self.waits.append(wait_seconds)
        return True

    posted = 0
    outcome = "complete"


def service(
    llm: StreamingLLM,
    clock: Clock,
    streams: list[RecordingStream],
    settings: Settings | None = None,
    opener: Any = None,
) -> FallbackService:
    def open_stream(target: StreamTarget) -> RecordingStream:
        stream = RecordingStream(target)
        streams.append(stream)
        return stream

    return FallbackService(
        settings or Settings(stream_management_url=URL, timeout_seconds=20.0),
        logger=logging.getLogger("test.fallback.stream"),
        key_resolver=lambda _s: "sk-unit",
        llm_factory=lambda _s, _k: llm,
        stream_opener=opener or open_stream,
        clock=clock,
    )


def test_a_streamed_turn_ends_complete_and_answers_lex_as_usual(
    load_event: Any, capsys: Any
) -> None:
    clock = Clock()
    llm = StreamingLLM(clock, ["Can", "berra", "."])
    streams: list[RecordingStream] = []
    answer = service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000
    )
    assert_valid(answer)
    assert answer["messages"] == [{"contentType": "PlainText", "content": "Canberra."}]
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    (stream,) = streams
    assert stream.target == StreamTarget(URL, "L0SM9cOFvHcCIhw=", "t-7c1e2a9f4b3d")
    assert stream.pieces == ["Can", "berra", "."]
    assert stream.finished == ["complete"]
    assert stream.waits == [STREAM_DRAIN_SECONDS]
    assert (llm.streamed, llm.completed) == (1, 0)
    metrics = {d.name: d.value for d in emf.data(capsys.readouterr().out)}
    assert metrics["LlmFirstTokenLatency"] == 250.0
    assert metrics["LlmOutputTokens"] == 3 and metrics["FallbackAnswered"] == 1


def test_without_the_attributes_the_llm_is_not_streamed(load_event: Any) -> None:
    clock = Clock()
    llm = StreamingLLM(clock, ["plain"])
    streams: list[RecordingStream] = []
    answer = service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackEn")), lambda: 25_000
    )
    assert answer["messages"][0]["content"] == "plain"
    assert streams == [] and (llm.streamed, llm.completed) == (0, 1)


def test_without_the_url_the_llm_is_not_streamed(load_event: Any) -> None:
    clock = Clock()
    llm = StreamingLLM(clock, ["plain"])
    streams: list[RecordingStream] = []
    svc = service(llm, clock, streams, settings=Settings())
    svc.handle(LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000)
    assert streams == [] and llm.completed == 1


@pytest.mark.parametrize(
    ("error", "notice"),
    [(LLMUnavailable("cut off"), Notice.UNAVAILABLE), (LLMTimeout("late"), Notice.TIMEOUT)],
)
def test_an_llm_failure_ends_the_stream_failed_and_lex_gets_the_notice(
    load_event: Any, error: LLMError, notice: Notice
) -> None:
    clock = Clock()
    llm = StreamingLLM(clock, ["Half"], error=error)
    streams: list[RecordingStream] = []
    answer = service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000
    )
    assert_valid(answer)
    assert answer["messages"][0]["content"] == notice_text(notice, "en_US")
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert streams[0].finished == ["failed"]


def test_a_bug_in_the_llm_still_ends_the_stream_then_rises(load_event: Any) -> None:
    class Buggy(StreamingLLM):
        def stream(self, *args: Any, **kwargs: Any) -> Completion:
            raise RuntimeError("bug")

    clock = Clock()
    streams: list[RecordingStream] = []
    with pytest.raises(RuntimeError):
        service(Buggy(clock, []), clock, streams).handle(
            LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000
        )
    assert streams[0].finished == ["failed"]


@pytest.mark.parametrize(
    ("cost", "wait"), [(5.0, STREAM_DRAIN_SECONDS), (19.9, 0.1), (20.0, 0.0), (25.0, 0.0)]
)
def test_the_drain_wait_never_goes_past_the_llm_budget(
    load_event: Any, cost: float, wait: float
) -> None:
    """Budget 20 s (LLM_TIMEOUT_SECONDS; 25 s left minus the 2 s margin is more): what is left of
    it after the model, at most STREAM_DRAIN_SECONDS, is all the stream may wait."""
    clock = Clock()
    llm = StreamingLLM(clock, ["a"], cost=cost)
    streams: list[RecordingStream] = []
    service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000
    )
    assert streams[0].waits == [pytest.approx(wait)]


def test_the_lambda_clock_caps_the_drain_too(load_event: Any) -> None:
    """4.5 s left: the budget is 2.5 s; a model done at 2.3 s leaves 0.2 s to wait."""
    clock = Clock()
    llm = StreamingLLM(clock, ["a"], cost=2.3)
    streams: list[RecordingStream] = []
    service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 4_500
    )
    assert streams[0].waits == [pytest.approx(0.2)]


def test_a_stream_that_cannot_start_answers_without_it(load_event: Any) -> None:
    def broken(_target: StreamTarget) -> Any:
        raise RuntimeError("can't start new thread")

    clock = Clock()
    llm = StreamingLLM(clock, ["plain"])
    answer = service(llm, clock, [], opener=broken).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 25_000
    )
    assert answer["messages"][0]["content"] == "plain" and llm.completed == 1


def test_no_stream_is_opened_when_there_is_no_time_to_ask(load_event: Any) -> None:
    clock = Clock()
    llm = StreamingLLM(clock, ["a"])
    streams: list[RecordingStream] = []
    answer = service(llm, clock, streams).handle(
        LexEvent(load_event("lexV2FallbackStreamTurn")), lambda: 2_100
    )
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert streams == [] and llm.streamed == 0
