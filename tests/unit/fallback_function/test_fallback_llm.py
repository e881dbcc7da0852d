"""OpenAIChat: error translation, time budget and retries, with an in-memory SDK stand-in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx2
import openai
import pytest

from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from llm_fallback.llm import MIN_ATTEMPT_SECONDS, OpenAIChat, attempt_timeout, translate_error

REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
MESSAGES = [{"role": "user", "content": "hi"}]


def status_error(cls: type[openai.APIStatusError], status: int, **extra: Any) -> Exception:
    headers = extra.pop("headers", {})
    body = {"message": "boom", "type": "x", "code": extra.pop("code", None)}
    response = httpx2.Response(status, request=REQUEST, headers=headers, json={"error": body})
    return cls("boom", response=response, body=body)


def total(timeout: httpx2.Timeout) -> float:
    """Connect plus read: the longest one attempt can take."""
    assert timeout.connect is not None and timeout.read is not None
    return timeout.connect + timeout.read


def completion(content: Any = "Hello!", *, choices: bool = True) -> Any:
    message = SimpleNamespace(role="assistant", content=content, refusal=None)
    choice = SimpleNamespace(message=message, finish_reason="stop", index=0)
    return SimpleNamespace(choices=[choice] if choices else [], model="fake-model")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeSDK:
    """Stands in for ``openai.OpenAI``: scripted outcomes, each costing ``cost`` seconds."""

    def __init__(self, clock: FakeClock, outcomes: list[Any], cost: float = 0.1) -> None:
        self.clock = clock
        self.outcomes = outcomes
        self.cost = cost
        self.calls: list[dict[str, Any]] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

    def create(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        timeout = kwargs["timeout"]
        self.clock.now += min(self.cost, timeout.connect + timeout.read)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def chat(sdk: FakeSDK, clock: FakeClock, retries: int = 1) -> OpenAIChat:
    return OpenAIChat(
        api_key="sk-unit",
        base_url="",
        model="gpt-test",
        max_tokens=64,
        max_retries=retries,
        client=sdk,  # type: ignore[arg-type]
        clock=clock,
        sleep=clock.sleep,
    )


@pytest.mark.parametrize(
    ("exc", "expected", "retryable"),
    [
        (openai.APITimeoutError(request=REQUEST), LLMTimeout, True),
        (openai.APIConnectionError(request=REQUEST), LLMUnavailable, True),
        (status_error(openai.RateLimitError, 429), LLMRateLimited, True),
        (
            status_error(openai.RateLimitError, 429, code="insufficient_quota"),
            LLMUnavailable,
            False,
        ),
        (status_error(openai.InternalServerError, 500), LLMUnavailable, True),
        (status_error(openai.InternalServerError, 503), LLMUnavailable, True),
        (status_error(openai.AuthenticationError, 401), LLMAuthError, False),
        (status_error(openai.PermissionDeniedError, 403), LLMAuthError, False),
        (status_error(openai.BadRequestError, 400), LLMUnavailable, False),
        (status_error(openai.NotFoundError, 404), LLMUnavailable, False),
        (ValueError("Expecting value: line 1 column 1"), LLMBadResponse, False),
    ],
)
def test_translate_error(exc: Exception, expected: type[LLMError], retryable: bool) -> None:
    error = translate_error(exc)
    assert type(error) is expected
    assert error.retryable is retryable


def test_translate_error_leaves_bugs_alone() -> None:
    assert translate_error(RuntimeError("bug")) is None


def test_rate_limit_reads_retry_after() -> None:
    error = translate_error(status_error(openai.RateLimitError, 429, headers={"retry-after": "3"}))
    assert isinstance(error, LLMRateLimited)
    assert error.retry_after == 3.0


def test_success_sends_model_messages_and_the_budget_as_timeout() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [completion("  Canberra.  ")])
    result = chat(sdk, clock).complete(MESSAGES, budget_seconds=5.0)
    assert (result.text, result.attempts, result.model) == ("Canberra.", 1, "fake-model")
    call = sdk.calls[0]
    assert call["model"] == "gpt-test"
    assert call["messages"] == MESSAGES
    assert call["max_tokens"] == 64
    assert total(call["timeout"]) == pytest.approx(5.0)


@pytest.mark.parametrize(
    "answer",
    [completion(None), completion("   "), completion("\x00\x07 \x1b"), completion(choices=False)],
)
def test_empty_completion_is_a_bad_response(answer: Any) -> None:
    clock = FakeClock()
    with pytest.raises(LLMBadResponse):
        chat(FakeSDK(clock, [answer]), clock).complete(MESSAGES, budget_seconds=5.0)


def test_retries_a_500_once_with_the_remaining_budget() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [status_error(openai.InternalServerError, 500), completion()], cost=1.0)
    result = chat(sdk, clock).complete(MESSAGES, budget_seconds=5.0)
    assert result.attempts == 2
    assert len(clock.sleeps) == 1
    assert total(sdk.calls[1]["timeout"]) == pytest.approx(5.0 - 1.0 - clock.sleeps[0])


def test_gives_up_after_max_retries_with_the_real_cause() -> None:
    clock = FakeClock()
    errors = [status_error(openai.InternalServerError, 502) for _ in range(3)]
    sdk = FakeSDK(clock, errors)
    with pytest.raises(LLMUnavailable) as info:
        chat(sdk, clock, retries=1).complete(MESSAGES, budget_seconds=10.0)
    assert info.value.status == 502
    assert len(sdk.calls) == 2


@pytest.mark.parametrize(
    "exc",
    [status_error(openai.AuthenticationError, 401), ValueError("garbage")],
)
def test_does_not_retry_permanent_errors(exc: Exception) -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [exc, completion()])
    with pytest.raises(LLMError):
        chat(sdk, clock, retries=3).complete(MESSAGES, budget_seconds=10.0)
    assert len(sdk.calls) == 1


def test_no_retry_when_the_backoff_would_not_leave_time_for_an_attempt() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [status_error(openai.RateLimitError, 429), completion()], cost=0.6)
    with pytest.raises(LLMRateLimited):
        chat(sdk, clock, retries=3).complete(MESSAGES, budget_seconds=1.2)
    assert len(sdk.calls) == 1
    assert clock.sleeps == []


def test_retry_after_longer_than_the_budget_stops_retrying() -> None:
    clock = FakeClock()
    limited = status_error(openai.RateLimitError, 429, headers={"retry-after": "30"})
    sdk = FakeSDK(clock, [limited, completion()])
    with pytest.raises(LLMRateLimited):
        chat(sdk, clock, retries=3).complete(MESSAGES, budget_seconds=10.0)
    assert len(sdk.calls) == 1


def test_a_budget_below_the_minimum_is_a_timeout_without_a_call() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [completion()])
    with pytest.raises(LLMTimeout):
        chat(sdk, clock).complete(MESSAGES, budget_seconds=MIN_ATTEMPT_SECONDS / 2)
    assert sdk.calls == []


def test_a_timeout_uses_the_whole_budget_and_is_not_retried_past_it() -> None:
    clock = FakeClock()
    sdk = FakeSDK(clock, [openai.APITimeoutError(request=REQUEST), completion()], cost=99.0)
    with pytest.raises(LLMTimeout):
        chat(sdk, clock, retries=2).complete(MESSAGES, budget_seconds=4.0)
    assert len(sdk.calls) == 1
    assert clock.now == pytest.approx(104.0)


@pytest.mark.parametrize("remaining", [0.5, 2.0, 20.0])
def test_attempt_timeout_fits_the_remaining_time(remaining: float) -> None:
    timeout = attempt_timeout(remaining)
    assert total(timeout) == pytest.approx(remaining)
    assert timeout.connect is not None and 0 < timeout.connect <= 3.0
