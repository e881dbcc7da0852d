"""OpenAIChat.stream with an in-memory SDK stand-in: pieces, usage, retries only before text."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import openai
import pytest

from llm_fallback.errors import LLMBadResponse, LLMTimeout, LLMUnavailable
from llm_fallback.llm import OpenAIChat
from tests.unit.fallback_function.test_fallback_llm import (
    MESSAGES,
    REQUEST,
    FakeClock,
    FakeSDK,
    completion,
    status_error,
    total,
)


def chunk(
    content: str | None = None,
    *,
    finish: str | None = None,
    usage: Any = None,
    choices: bool = True,
    refusal: str | None = None,
    index: int = 0,
) -> Any:
    delta = SimpleNamespace(content=content, refusal=refusal, role=None)
    choice = SimpleNamespace(index=index, delta=delta, finish_reason=finish)
    return SimpleNamespace(choices=[choice] if choices else [], model="fake-model", usage=usage)


class FakeStream:
    """What ``create(stream=True)`` returns: a context manager over chunks; each read costs
    ``cost`` seconds of the clock; ``error`` is raised after the chunks (a broken-off stream)."""

    def __init__(
        self,
        clock: FakeClock,
        chunks: list[Any],
        error: Exception | None = None,
        cost: float = 0.05,
    ) -> None:
        self.clock = clock
        self.chunks = chunks
        self.error = error
        self.cost = cost
        self.closed = False

    def __enter__(self) -> FakeStream:
        return self

    def __exit__(self, *_: Any) -> None:
        self.closed = True

    def __iter__(self) -> Iterator[Any]:
        for item in self.chunks:
            self.clock.now += self.cost
            yield item
        if self.error is not None:
            raise self.error


USAGE = SimpleNamespace(prompt_tokens=12, completion_tokens=3)


def streamer(sdk: FakeSDK, clock: FakeClock, retries: int = 1) -> OpenAIChat:
    return OpenAIChat(
        api_key="sk-unit",
        base_url="",
        model="gpt-test",
        max_tokens=64,
        max_retries=retries,
        client=sdk,
        clock=clock,
        sleep=clock.sleep,
    )  # type: ignore[arg-type]


def test_pieces_go_to_on_text_and_make_the_answer() -> None:
    clock = FakeClock()
    body = [
        chunk(""),
        chunk("\n Can"),
        chunk("berra"),
        chunk("."),
        chunk(finish="stop"),
        chunk(choices=False, usage=USAGE),
    ]
    stream = FakeStream(clock, body)
    sdk = FakeSDK(clock, [stream], cost=0.2)
    pieces: list[str] = []
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=pieces.append)
    assert pieces == ["Can", "berra", "."]  # leading whitespace held back, empty deltas skipped
    assert result.text == "Canberra."
    assert (result.input_tokens, result.output_tokens) == (12, 3)
    assert result.finish_reason == "stop" and result.model == "fake-model"
    assert result.first_text_seconds == pytest.approx(0.2 + 0.1)  # the call, then 2 reads
    assert stream.closed
    call = sdk.calls[0]
    assert call["stream"] is True and call["stream_options"] == {"include_usage": True}
    assert total(call["timeout"]) == pytest.approx(5.0)


def test_no_usage_means_no_token_counts() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [FakeStream(clock, [chunk("Hi"), chunk(finish="stop")])])
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=lambda _: None)
    assert (result.input_tokens, result.output_tokens) == (None, None)


def test_pieces_are_made_well_formed_one_by_one() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [FakeStream(clock, [chunk("a\u202eb"), chunk("\ud83d"), chunk("c")])])
    pieces: list[str] = []
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=pieces.append)
    assert pieces == ["ab", "\ufffd", "c"]
    assert result.text == "".join(pieces)


def test_only_choice_zero_counts() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [FakeStream(clock, [chunk("yes"), chunk("NO", index=1)])])
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=lambda _: None)
    assert result.text == "yes"


def test_a_refusal_is_the_answer_when_there_is_no_text() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [FakeStream(clock, [chunk(refusal="I can't "), chunk(refusal="help.")])])
    pieces: list[str] = []
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=pieces.append)
    assert result.text == "I can't help." and pieces == []


def test_a_stream_without_text_is_a_bad_response() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [FakeStream(clock, [chunk("  "), chunk(finish="stop")])])
    with pytest.raises(LLMBadResponse):
        streamer(sdk, clock, retries=0).stream(MESSAGES, budget_seconds=5.0, on_text=lambda _: None)


def test_an_error_before_any_text_is_retried() -> None:
    clock = FakeClock()
    broken = FakeStream(clock, [chunk("")], error=openai.APIConnectionError(request=REQUEST))
    sdk = FakeSDK(
        clock,
        [status_error(openai.InternalServerError, 500), broken, FakeStream(clock, [chunk("ok")])],
    )
    result = streamer(sdk, clock, retries=2).stream(
        MESSAGES, budget_seconds=10.0, on_text=lambda _: None
    )
    assert result.text == "ok" and result.attempts == 3


def test_an_error_after_text_is_not_retried() -> None:
    clock = FakeClock()
    broken = FakeStream(
        clock, [chunk("Half an ")], error=openai.APIConnectionError(request=REQUEST)
    )
    sdk = FakeSDK(clock, [broken, FakeStream(clock, [chunk("again")])])
    pieces: list[str] = []
    with pytest.raises(LLMUnavailable):
        streamer(sdk, clock, retries=3).stream(MESSAGES, budget_seconds=10.0, on_text=pieces.append)
    assert pieces == ["Half an "] and len(sdk.calls) == 1


def test_a_timeout_mid_stream_is_a_timeout() -> None:
    clock = FakeClock()
    broken = FakeStream(clock, [chunk("a")], error=openai.APITimeoutError(request=REQUEST))
    sdk = FakeSDK(clock, [broken])
    with pytest.raises(LLMTimeout):
        streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=lambda _: None)


@pytest.mark.parametrize("status", [400, 422])
def test_a_server_refusing_streaming_is_asked_again_without_it(status: int) -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [status_error(openai.BadRequestError, status), completion("Plain.")])
    pieces: list[str] = []
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=5.0, on_text=pieces.append)
    assert result.text == "Plain." and pieces == []
    assert "stream" not in sdk.calls[1]
    assert total(sdk.calls[1]["timeout"]) == pytest.approx(5.0 - 0.1)  # the same budget


def test_the_budget_covers_the_whole_stream() -> None:
    """No attempt starts when the budget is spent (here by a slow first attempt)."""
    clock = FakeClock()
    slow = FakeStream(
        clock, [chunk("")] * 10, error=openai.APIConnectionError(request=REQUEST), cost=0.5
    )
    sdk = FakeSDK(clock, [slow, FakeStream(clock, [chunk("late")])])
    with pytest.raises(LLMUnavailable):
        streamer(sdk, clock, retries=3).stream(MESSAGES, budget_seconds=5.0, on_text=lambda _: None)
    assert len(sdk.calls) == 1


def test_a_retry_forgets_what_the_failed_attempt_collected() -> None:
    clock = FakeClock()
    broken = FakeStream(
        clock,
        [chunk(refusal="No. "), chunk(choices=False, usage=USAGE)],
        error=openai.APIConnectionError(request=REQUEST),
    )
    sdk = FakeSDK(clock, [broken, FakeStream(clock, [chunk(refusal="No.")])])
    result = streamer(sdk, clock).stream(MESSAGES, budget_seconds=10.0, on_text=lambda _: None)
    assert result.text == "No." and result.attempts == 2
    assert (result.input_tokens, result.output_tokens) == (None, None)
