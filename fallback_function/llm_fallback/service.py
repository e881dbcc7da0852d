"""The fallback's orchestration: event in, Lex response out, every failure turned into a notice.

Collaborators are injected so tests can drive it without patching: ``key_resolver`` (settings ->
key), ``llm_factory`` (settings, key -> ``LLMClient``) and ``remaining_ms`` (the context's clock).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

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
from llm_fallback.messages import Notice, notice_text
from llm_fallback.metrics import FallbackMetrics, cause_of
from llm_fallback.secrets import resolve_api_key
from llm_fallback.text import fit_utf16, utf16_len, well_formed

__all__ = [
    "FALLBACK_INTENT",
    "FULFILLMENT_CODE_HOOK",
    "MAX_TRANSCRIPT_UNITS",
    "SAFETY_MARGIN_SECONDS",
    "FallbackService",
    "notice_for",
]

FALLBACK_INTENT = "FallbackIntent"
FULFILLMENT_CODE_HOOK = "FulfillmentCodeHook"
MAX_TRANSCRIPT_UNITS = 1024
"""RecognizeText takes 1-1024 characters (UTF-16 units; botocore's lexv2-runtime model, ``Text``):
a longer transcript did not come from Lex, and is cut instead of being sent to the LLM."""
SAFETY_MARGIN_SECONDS = 2.0
"""Kept back from the Lambda's remaining time to build the response and return it to Lex."""

KeyResolver = Callable[[Settings], str]
LLMFactory = Callable[[Settings, str], LLMClient]


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
    ) -> None:
        self._metrics = metrics or FallbackMetrics.from_env(logger=logger)
        self._settings = settings
        self._logger = logger
        self._resolve_key = key_resolver
        self._llm_factory = llm_factory

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
        asked_at: float | None = None
        try:
            api_key = self._resolve_key(self._settings)
            budget = self.budget_seconds(remaining_ms() if remaining_ms else None)
            if budget < MIN_ATTEMPT_SECONDS:
                raise LLMTimeout("too little time left to ask the LLM")
            asked_at = time.perf_counter()
            completion = self._llm_factory(self._settings, api_key).complete(
                messages, budget_seconds=budget
            )
            llm_ms = (time.perf_counter() - asked_at) * 1000
        except LLMError as error:
            self._log_failure(error, event)
            latency = None if asked_at is None else (time.perf_counter() - asked_at) * 1000
            self._metrics.failed(cause_of(error), latency_ms=latency)
            return response.close_failed(event, notice_text(notice_for(error), event.locale_id))

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
        )
        updated = history.append_exchange(
            past, user_text, completion.text, self._settings.history_turns
        )
        attributes[history.HISTORY_ATTRIBUTE] = history.dump_history(updated)
        return response.close_fulfilled(event, completion.text, attributes)

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
