"""The fallback's orchestration: event in, Lex response out, every failure turned into a notice.

Collaborators are injected so tests can drive it without patching: ``key_resolver`` (settings ->
key), ``llm_factory`` (settings, key -> ``LLMClient``), ``stream_opener`` (``StreamTarget`` -> a
started ``TurnStream``), ``clock`` and ``remaining_ms`` (the context's clock).

A turn with a ``StreamTarget`` (``stream_target``) asks the model with ``LLMClient.stream``, its
pieces going to the turn's stream; the answer to Lex is built exactly as for an unstreamed turn.
Whatever happens, the stream gets its end marker (``complete``, or ``failed`` when there is no
answer) and up to ``STREAM_DRAIN_SECONDS`` to post it, never past the LLM budget, so the Lex answer
still leaves within ``budget_seconds`` plus the safety margin.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from llm_fallback import history, prompts, response
from llm_fallback.config import Settings
from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMRequestError,
    LLMTimeout,
)
from llm_fallback.event import LexEvent
from llm_fallback.llm import MIN_ATTEMPT_SECONDS, ChatMessage, LLMClient, OpenAIChat
from llm_fallback.management_api import ManagementApi
from llm_fallback.messages import Notice, notice_text
from llm_fallback.metrics import FallbackMetrics, cause_of
from llm_fallback.secrets import resolve_api_key
from llm_fallback.stream_batcher import EndStatus
from llm_fallback.stream_sender import StreamSender
from llm_fallback.stream_target import StreamTarget, stream_target
from llm_fallback.text import fit_utf16, utf16_len, well_formed

__all__ = [
    "FALLBACK_INTENT",
    "FULFILLMENT_CODE_HOOK",
    "MAX_TRANSCRIPT_UNITS",
    "SAFETY_MARGIN_SECONDS",
    "STREAM_DRAIN_SECONDS",
    "FallbackService",
    "TurnStream",
    "notice_for",
]

FALLBACK_INTENT = "FallbackIntent"
FULFILLMENT_CODE_HOOK = "FulfillmentCodeHook"
MAX_TRANSCRIPT_UNITS = 1024
"""RecognizeText takes 1-1024 characters (UTF-16 units; botocore's lexv2-runtime model, ``Text``):
a longer transcript did not come from Lex, and is cut instead of being sent to the LLM."""
SAFETY_MARGIN_SECONDS = 2.0
"""Kept back from the Lambda's remaining time to build the response and return it to Lex."""

STREAM_DRAIN_SECONDS = 0.5
"""At most this long, after the model's last word, for the last chunks and the end marker."""

KeyResolver = Callable[[Settings], str]
LLMFactory = Callable[[Settings, str], LLMClient]


class TurnStream(Protocol):
    """One turn's side channel to the page (``StreamSender``); none of its methods may block
    except ``close``, which waits at most its argument."""

    def text(self, piece: str) -> None: ...

    def finish(self, status: EndStatus) -> None: ...

    def close(self, wait_seconds: float) -> bool: ...

    @property
    def posted(self) -> int: ...

    @property
    def outcome(self) -> str: ...


StreamOpener = Callable[[StreamTarget], TurnStream]


def default_llm_factory(settings: Settings, api_key: str) -> LLMClient:
    return OpenAIChat(
        api_key=api_key,
        base_url=settings.base_url,
        model=settings.model,
        max_tokens=settings.max_tokens,
        max_retries=settings.max_retries,
    )


def notice_for(error: LLMError) -> Notice:
    if isinstance(error, LLMNotConfigured):
        return Notice.NOT_CONFIGURED
    if isinstance(error, LLMTimeout):
        return Notice.TIMEOUT
    if isinstance(error, LLMRateLimited):
        return Notice.BUSY
    return Notice.UNAVAILABLE


class FallbackService:
    def __init__(
        self,
        settings: Settings,
        *,
        logger: logging.Logger | Any,
        key_resolver: KeyResolver = resolve_api_key,
        llm_factory: LLMFactory = default_llm_factory,
        metrics: FallbackMetrics | None = None,
        stream_opener: StreamOpener | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics or FallbackMetrics.from_env(logger=logger)
        self._settings = settings
        self._logger = logger
        self._resolve_key = key_resolver
        self._llm_factory = llm_factory
        self._open_stream = stream_opener or self._default_stream
        self._clock = clock

    def _default_stream(self, target: StreamTarget) -> TurnStream:
        poster = ManagementApi(target.endpoint_url)
        return StreamSender(target, poster=poster, logger=self._logger).start()

    def budget_seconds(self, remaining_ms: float | None) -> float:
        """min(LLM_TIMEOUT_SECONDS, the Lambda's remaining time minus the safety margin)."""
        budget = self._settings.timeout_seconds
        if remaining_ms is not None:
            budget = min(budget, remaining_ms / 1000.0 - SAFETY_MARGIN_SECONDS)
        return max(budget, 0.0)

    def handle(self, event: LexEvent, remaining_ms: Callable[[], float] | None) -> dict[str, Any]:
        if event.invocation_source != FULFILLMENT_CODE_HOOK or event.intent_name != FALLBACK_INTENT:
            self._logger.info(
                "delegating to Lex",
                extra={"invocation_source": event.invocation_source, "intent": event.intent_name},
            )
            return response.delegate(event)

        raw_text = event.input_transcript
        if utf16_len(raw_text) > MAX_TRANSCRIPT_UNITS:
            self._logger.warning(
                "transcript over Lex's limit; cut",
                extra={"transcript_units": utf16_len(raw_text), "limit": MAX_TRANSCRIPT_UNITS},
            )
            raw_text = fit_utf16(raw_text, MAX_TRANSCRIPT_UNITS)
        user_text = well_formed(raw_text).strip()
        if not user_text:
            self._logger.info("empty transcript; asking the user again")
            self._metrics.failed("empty_input")
            return response.close_failed(event, notice_text(Notice.EMPTY_INPUT, event.locale_id))

        attributes = event.session_attributes
        bounded = response.bound_session_attributes(attributes)
        if len(bounded) < len(attributes):
            self._logger.warning(
                "session attributes over Lex's 12 KB; some are not echoed back",
                extra={"attributes": len(attributes), "kept": len(bounded)},
            )
        past = history.bound_history(history.load_history(attributes), self._settings.history_turns)
        messages: list[ChatMessage] = [
            {
                "role": "system",
                "content": prompts.system_prompt(event.locale_id, self._settings.system_prompt),
            },
            *past,
            {"role": "user", "content": user_text},
        ]
        target = stream_target(event, self._settings.stream_management_url, logger=self._logger)
        stream: TurnStream | None = None
        status: EndStatus = "failed"
        asked_at: float | None = None
        ends_at = self._clock()
        try:
            api_key = self._resolve_key(self._settings)
            budget = self.budget_seconds(remaining_ms() if remaining_ms else None)
            if budget < MIN_ATTEMPT_SECONDS:
                raise LLMTimeout("too little time left to ask the LLM")
            asked_at = time.perf_counter()
            ends_at = self._clock() + budget
            stream = None if target is None else self._start_stream(target)
            llm = self._llm_factory(self._settings, api_key)
            if stream is None:
                completion = llm.complete(messages, budget_seconds=budget)
            else:
                completion = llm.stream(messages, budget_seconds=budget, on_text=stream.text)
            llm_ms = (time.perf_counter() - asked_at) * 1000
            status = "complete"
        except LLMError as error:
            self._log_failure(error, event)
            latency = None if asked_at is None else (time.perf_counter() - asked_at) * 1000
            self._metrics.failed(cause_of(error), latency_ms=latency)
            return response.close_failed(event, notice_text(notice_for(error), event.locale_id))
        finally:
            if stream is not None:
                self._end_stream(stream, status, ends_at)

        self._logger.info(
            "LLM answered",
            extra={
                "locale": event.locale_id,
                "model": completion.model,
                "finish_reason": completion.finish_reason,
                "attempts": completion.attempts,
                "answer_chars": len(completion.text),
                "history_turns": len(past),
            },
        )
        self._metrics.answered(
            latency_ms=llm_ms,
            model=completion.model or self._settings.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            first_token_ms=(
                None
                if completion.first_text_seconds is None
                else completion.first_text_seconds * 1000
            ),
        )
        updated = history.append_exchange(
            past, user_text, completion.text, self._settings.history_turns
        )
        attributes[history.HISTORY_ATTRIBUTE] = history.dump_history(updated)
        return response.close_fulfilled(event, completion.text, attributes)

    def _end_stream(self, stream: TurnStream, status: EndStatus, ends_at: float) -> None:
        """The end marker, and a bounded wait for it: never past the LLM budget's end."""
        stream.finish(status)
        stream.close(min(STREAM_DRAIN_SECONDS, max(ends_at - self._clock(), 0.0)))
        self._logger.info(
            "stream closed",
            extra={"status": status, "outcome": stream.outcome, "messages": stream.posted},
        )

    def _start_stream(self, target: StreamTarget) -> TurnStream | None:
        try:
            return self._open_stream(target)
        except Exception as exc:  # e.g. no thread to be had: answer without streaming
            self._logger.warning(
                "cannot start the stream; answering without it", extra={"error": type(exc).__name__}
            )
            return None

    def _log_failure(self, error: LLMError, event: LexEvent) -> None:
        cause = error.__cause__
        fields = {
            "error": type(error).__name__,
            "reason": str(error),
            "status": error.status,
            "cause": type(cause).__name__ if cause is not None else None,
            "locale": event.locale_id,
        }
        if isinstance(error, LLMNotConfigured):
            fields["fix"] = (
                "set OPENAI_API_KEY or OPENAI_BASE_URL (env.json locally), or put the API key in "
                "the secret OPENAI_API_KEY_SECRET_ARN names"
            )
        if isinstance(error, (LLMNotConfigured, LLMAuthError, LLMBadResponse, LLMRequestError)):
            self._logger.error("no LLM answer", extra=fields)
        else:
            self._logger.warning("no LLM answer", extra=fields)
