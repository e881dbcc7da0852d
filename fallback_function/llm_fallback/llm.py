"""The chat model call: the only module that imports ``openai``.

``OpenAIChat.complete`` runs one chat completion inside a time budget: one wall-clock deadline for
the whole call, retries included. ``OpenAIChat.stream`` is the same call with ``stream=True``: each
new piece of text goes to ``on_text`` as it arrives (the budget covers reading the whole stream),
``stream_options.include_usage`` asks for the token counts (a server that sends none leaves them
None), and a retry happens only while no text has been handed on, so the pieces never repeat. A
server that refuses ``stream_options`` (HTTP 400 or 422 before any text) is asked once more without
streaming, inside the same budget. Each attempt gets the rest of the budget as its timeout, a retry
(429, 5xx, connection errors only) starts only when the backoff plus a minimal attempt still fit,
and every socket operation is bounded by the deadline (``http_deadline``), so a server that drips
its answer or its headers cannot stretch the call past it. ``openai``/``httpx2`` errors are
translated here, once, into the tree in ``llm_fallback.errors``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard, cast

import httpx2
import openai

from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMRateLimited,
    LLMRequestError,
    LLMTimeout,
    LLMUnavailable,
)
from llm_fallback.http_deadline import DeadlineTransport, deadline
from llm_fallback.text import well_formed

__all__ = [
    "MIN_ATTEMPT_SECONDS",
    "ChatMessage",
    "Completion",
    "LLMClient",
    "OpenAIChat",
    "TextSink",
    "attempt_timeout",
    "openai_client",
    "translate_error",
]

ChatMessage = dict[str, str]
TextSink = Callable[[str], None]
"""Takes each new piece of a streamed answer; must not block or raise."""
MIN_ATTEMPT_SECONDS = 0.5
"""An attempt with less time than this is not started: it could not finish."""
MAX_CONNECT_SECONDS = 3.0
BACKOFF_SECONDS = 0.25
MAX_BACKOFF_SECONDS = 2.0


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    finish_reason: str
    attempts: int
    input_tokens: int | None = None
    output_tokens: int | None = None
    first_text_seconds: float | None = None
    """Streamed answers: seconds from the call to the first piece of text."""


class LLMClient(Protocol):
    """What the service needs from an LLM; tests may pass any object with these methods
    (``stream`` only when the turn streams)."""

    def complete(self, messages: Sequence[ChatMessage], *, budget_seconds: float) -> Completion:
        """Answer within ``budget_seconds`` or raise an ``LLMError``."""
        ...

    def stream(
        self, messages: Sequence[ChatMessage], *, budget_seconds: float, on_text: TextSink
    ) -> Completion:
        """As ``complete``, handing each new piece of the answer to ``on_text`` as it comes."""
        ...


@functools.lru_cache(maxsize=8)
def openai_client(api_key: str, base_url: str) -> openai.OpenAI:
    """One SDK client (and connection pool) per key and base URL, kept for the container's life.

    Retries are ours (``max_retries=0``) so they stay inside the budget; the transport enforces
    the deadline ``OpenAIChat.complete`` sets (the SDK's own defaults otherwise).
    """
    http_client = openai.DefaultHttpxClient(
        transport=DeadlineTransport(limits=openai.DEFAULT_CONNECTION_LIMITS)
    )
    return openai.OpenAI(
        api_key=api_key,
        base_url=base_url or None,
        max_retries=0,
        timeout=20.0,
        http_client=http_client,
    )


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, TypeError, ValueError):
        return None


def translate_error(exc: Exception) -> LLMError | None:
    """Map an ``openai`` (or decoding) error to ours; None for anything else (a bug: let it rise).

    The messages name the cause, never the key or the server's text (which may echo the key).
    """
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout("the LLM did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        cause = type(exc.__cause__).__name__ if exc.__cause__ else "connection error"
        return LLMUnavailable(f"cannot reach the LLM server ({cause})")
    if isinstance(exc, openai.RateLimitError):
        if getattr(exc, "code", None) == "insufficient_quota":
            return LLMUnavailable("the LLM account has no quota left", status=429, retryable=False)
        return LLMRateLimited("the LLM server is rate limiting", retry_after=_retry_after(exc))
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return LLMAuthError("the LLM server refused the API key", status=exc.status_code)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status >= 500:
            return LLMUnavailable(f"the LLM server failed with HTTP {status}", status=status)
        if status == 408:
            return LLMTimeout("the LLM server timed out", status=status)
        return LLMUnavailable(
            f"the LLM server rejected the request with HTTP {status}",
            status=status,
            retryable=False,
        )
    if isinstance(exc, UnicodeEncodeError):
        # Raised while the SDK encodes *our* request (a lone surrogate): not the server's fault.
        return LLMRequestError(f"the LLM request could not be encoded ({exc.reason})")
    if isinstance(exc, (openai.APIResponseValidationError, ValueError, TypeError, KeyError)):
        return LLMBadResponse(f"the LLM answer is not a chat completion ({type(exc).__name__})")
    if isinstance(exc, openai.OpenAIError):
        return LLMUnavailable(f"LLM client error ({type(exc).__name__})", retryable=False)
    return None


def attempt_timeout(remaining: float) -> httpx2.Timeout:
    """Split the remaining time between connecting and reading.

    httpx timeouts apply per phase, so a single float would allow connect + read = 2 x remaining;
    splitting keeps one attempt inside the remaining budget.
    """
    connect = min(MAX_CONNECT_SECONDS, remaining / 2)
    return httpx2.Timeout(remaining - connect, connect=connect)


def _visible(text: Any) -> TypeGuard[str]:
    """True when ``text`` has something to show once it is made well-formed and trimmed."""
    return isinstance(text, str) and bool(well_formed(text).strip())


def _text_of(completion: Any) -> tuple[str, str, str]:
    choices = getattr(completion, "choices", None)
    if not choices:
        raise LLMBadResponse("the LLM answer has no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    content = getattr(message, "content", None)
    if not _visible(content):
        refusal = getattr(message, "refusal", None)
        if _visible(refusal):
            content = refusal
        else:
            raise LLMBadResponse("the LLM answer has no text")
    finish = getattr(choice, "finish_reason", None)
    model = getattr(completion, "model", None)
    return well_formed(content).strip(), str(finish or ""), str(model or "")


class OpenAIChat:
    """``LLMClient`` over the official SDK. ``clock``/``sleep`` are injectable for tests."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        max_tokens: int,
        max_retries: int,
        client: openai.OpenAI | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client if client is not None else openai_client(api_key, base_url)
        self._model = model
        self._max_tokens = max_tokens
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep

    def complete(self, messages: Sequence[ChatMessage], *, budget_seconds: float) -> Completion:
        ends_at = self._clock() + budget_seconds
        with deadline(lambda: ends_at - self._clock()):
            return self._complete_by(messages, ends_at)

    def stream(
        self, messages: Sequence[ChatMessage], *, budget_seconds: float, on_text: TextSink
    ) -> Completion:
        started = self._clock()
        ends_at = started + budget_seconds
        reader = _StreamReader(on_text, clock=self._clock, started=started)
        with deadline(lambda: ends_at - self._clock()):
            try:
                return self._with_retries(
                    ends_at,
                    lambda timeout, attempt: self._stream_attempt(
                        messages, reader, timeout=timeout, attempt=attempt
                    ),
                    may_retry=lambda: not reader.handed_on,
                )
            except LLMUnavailable as error:
                if error.status not in (400, 422) or reader.handed_on:
                    raise
                # Some OpenAI-compatible servers refuse stream_options (or streaming): ask plainly.
                return self._complete_by(messages, ends_at)

    def _complete_by(self, messages: Sequence[ChatMessage], ends_at: float) -> Completion:
        return self._with_retries(
            ends_at,
            lambda timeout, attempt: self._attempt(messages, timeout=timeout, attempt=attempt),
        )

    def _with_retries(
        self,
        ends_at: float,
        run: Callable[[float, int], Completion],
        may_retry: Callable[[], bool] = lambda: True,
    ) -> Completion:
        attempt = 0
        while True:
            attempt += 1
            remaining = ends_at - self._clock()
            if remaining < MIN_ATTEMPT_SECONDS:
                raise LLMTimeout("no time left in the budget for an LLM call")
            try:
                return run(remaining, attempt)
            except LLMError as error:
                if not error.retryable or attempt > self._max_retries or not may_retry():
                    raise
                wait = min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
                if isinstance(error, LLMRateLimited) and error.retry_after is not None:
                    wait = max(wait, error.retry_after)
                if ends_at - self._clock() - wait < MIN_ATTEMPT_SECONDS:
                    raise  # a retry could not finish in time: report the real cause
                self._sleep(wait)

    def _attempt(
        self, messages: Sequence[ChatMessage], *, timeout: float, attempt: int
    ) -> Completion:
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=self._max_tokens,
                timeout=attempt_timeout(timeout),
            )
        except Exception as exc:  # translated once, here
            error = translate_error(exc)
            if error is None:
                raise
            raise error from exc
        text, finish_reason, model = _text_of(completion)
        usage = getattr(completion, "usage", None)
        return Completion(
            text=text,
            model=model,
            finish_reason=finish_reason,
            attempts=attempt,
            input_tokens=_count(getattr(usage, "prompt_tokens", None)),
            output_tokens=_count(getattr(usage, "completion_tokens", None)),
        )

    def _stream_attempt(
        self,
        messages: Sequence[ChatMessage],
        reader: _StreamReader,
        *,
        timeout: float,
        attempt: int,
    ) -> Completion:
        reader.restart()
        try:
            chunks = self._client.chat.completions.create(
                model=self._model,
                messages=cast(Any, list(messages)),  # our dicts are the SDK's message params
                max_tokens=self._max_tokens,
                timeout=attempt_timeout(timeout),
                stream=True,
                stream_options={"include_usage": True},
            )
            with chunks:  # closes the response however the reading ends
                for chunk in chunks:
                    reader.read(chunk)
        except Exception as exc:  # translated once, here
            error = translate_error(exc)
            if error is None:
                raise
            raise error from exc
        return reader.completion(attempt)


class _StreamReader:
    """Collects one streamed answer from ``chat.completion.chunk`` objects.

    Only choice 0 counts. Pieces are made well-formed one by one (what ``on_text`` gets is exactly
    what the answer is built from) and leading whitespace is held back until the first visible
    text. A refusal is collected, not handed on: it becomes the answer only if there is no text.
    """

    def __init__(self, on_text: TextSink, *, clock: Callable[[], float], started: float) -> None:
        self._on_text = on_text
        self._clock = clock
        self._started = started
        self._parts: list[str] = []
        self._refusal: list[str] = []
        self._finish = ""
        self._model = ""
        self._usage: Any = None
        self._first_at: float | None = None

    @property
    def handed_on(self) -> bool:
        return bool(self._parts)

    def restart(self) -> None:
        """Forget a failed attempt that handed nothing on (a retry starts from scratch)."""
        if not self._parts:
            self._refusal.clear()
            self._finish = self._model = ""
            self._usage = None

    def read(self, chunk: Any) -> None:
        self._model = str(getattr(chunk, "model", None) or self._model)
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self._usage = usage
        for choice in getattr(chunk, "choices", None) or ():
            if getattr(choice, "index", 0) != 0:
                continue
            delta = getattr(choice, "delta", None)
            content = getattr(delta, "content", None)
            if isinstance(content, str) and content:
                self._take(well_formed(content))
            refusal = getattr(delta, "refusal", None)
            if isinstance(refusal, str):
                self._refusal.append(refusal)
            finish = getattr(choice, "finish_reason", None)
            if finish:
                self._finish = str(finish)

    def _take(self, piece: str) -> None:
        if not self._parts:
            piece = piece.lstrip()
            if not piece:
                return
            self._first_at = self._clock()
        self._parts.append(piece)
        self._on_text(piece)

    def completion(self, attempt: int) -> Completion:
        text = "".join(self._parts).strip()
        if not text:
            refusal = "".join(self._refusal)
            if not _visible(refusal):
                raise LLMBadResponse("the streamed LLM answer has no text")
            text = well_formed(refusal).strip()
        first = None if self._first_at is None else self._first_at - self._started
        return Completion(
            text=text,
            model=self._model,
            finish_reason=self._finish,
            attempts=attempt,
            input_tokens=_count(getattr(self._usage, "prompt_tokens", None)),
            output_tokens=_count(getattr(self._usage, "completion_tokens", None)),
            first_text_seconds=first,
        )


def _count(value: Any) -> int | None:
    """A token count from ``usage``; None when the server sent none (some local servers)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
