"""FallbackService with an in-memory LLM, key resolver and logger."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import pytest

from llm_fallback.config import Settings
from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from llm_fallback.event import LexEvent
from llm_fallback.history import HISTORY_ATTRIBUTE, load_history
from llm_fallback.llm import ChatMessage, Completion
from llm_fallback.messages import Notice, notice_text
from llm_fallback.service import SAFETY_MARGIN_SECONDS, FallbackService
from tests.support.lex_response_rules import assert_valid


class FakeLLM:
    """Answers with ``answer`` or raises ``error``; records what it was asked."""

    def __init__(self, answer: str = "fake answer", error: LLMError | None = None) -> None:
        self.answer = answer
        self.error = error
        self.calls: list[tuple[list[ChatMessage], float]] = []

    def complete(self, messages: Sequence[ChatMessage], *, budget_seconds: float) -> Completion:
        self.calls.append((list(messages), budget_seconds))
        if self.error is not None:
            raise self.error
        return Completion(text=self.answer, model="fake", finish_reason="stop", attempts=1)


def service(
    llm: FakeLLM, settings: Settings | None = None, key_error: LLMError | None = None
) -> FallbackService:
    def resolve(_settings: Settings) -> str:
        if key_error is not None:
            raise key_error
        return "sk-unit"

    return FallbackService(
        settings or Settings(),
        logger=logging.getLogger("test.fallback"),
        key_resolver=resolve,
        llm_factory=lambda _settings, _key: llm,
    )


def test_korean_fallback_asks_in_korean_with_history(load_event: Any) -> None:
    raw = load_event("lexV2FallbackKo")
    llm = FakeLLM("KTX로 약 2시간 30분 걸려요.")
    answer = service(llm).handle(LexEvent(raw), lambda: 25_000)
    assert_valid(answer)
    messages, budget = llm.calls[0]
    assert messages[0]["role"] == "system" and "Korean" in messages[0]["content"]
    assert messages[1:3] == load_history(raw["sessionState"]["sessionAttributes"])
    assert messages[-1] == {"role": "user", "content": raw["inputTranscript"]}
    assert budget == pytest.approx(20.0)
    assert answer["messages"] == [
        {"contentType": "PlainText", "content": "KTX로 약 2시간 30분 걸려요."}
    ]
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    stored = json.loads(answer["sessionState"]["sessionAttributes"][HISTORY_ATTRIBUTE])
    assert stored[-2:] == [
        {"role": "user", "content": raw["inputTranscript"]},
        {"role": "assistant", "content": "KTX로 약 2시간 30분 걸려요."},
    ]


def test_long_history_is_trimmed_to_the_configured_turns(load_event: Any) -> None:
    raw = load_event("lexV2FallbackLongHistory")
    llm = FakeLLM()
    answer = service(llm, Settings(history_turns=2)).handle(LexEvent(raw), None)
    assert_valid(answer)
    messages, _ = llm.calls[0]
    assert len(messages) == 1 + 4 + 1
    assert messages[1:5] == load_history(raw["sessionState"]["sessionAttributes"])[-4:]
    assert answer["sessionState"]["sessionAttributes"]["userTier"] == "free"
    assert len(json.loads(answer["sessionState"]["sessionAttributes"][HISTORY_ATTRIBUTE])) == 4


def test_system_prompt_override(load_event: Any) -> None:
    llm = FakeLLM()
    settings = Settings(system_prompt="You are Pirate Pete. Answer in {language}.")
    service(llm, settings).handle(LexEvent(load_event("lexV2FallbackEn")), None)
    assert llm.calls[0][0][0]["content"] == "You are Pirate Pete. Answer in English."


@pytest.mark.parametrize("name", ["lexV2DialogCodeHook", "lexV2UnknownIntent"])
def test_delegates_what_it_does_not_own(load_event: Any, name: str) -> None:
    llm = FakeLLM()
    answer = service(llm).handle(LexEvent(load_event(name)), None)
    assert_valid(answer)
    assert answer["sessionState"]["dialogAction"]["type"] == "Delegate"
    assert llm.calls == []


def test_dialog_code_hook_on_fallback_intent_delegates(load_event: Any) -> None:
    raw = load_event("lexV2FallbackEn")
    raw["invocationSource"] = "DialogCodeHook"
    answer = service(FakeLLM()).handle(LexEvent(raw), None)
    assert answer["sessionState"]["dialogAction"]["type"] == "Delegate"


def test_empty_transcript_asks_again_without_calling_the_llm(load_event: Any) -> None:
    llm = FakeLLM()
    answer = service(llm).handle(LexEvent(load_event("lexV2FallbackEmptyTranscript")), None)
    assert_valid(answer)
    assert llm.calls == []
    assert answer["messages"][0]["content"] == notice_text(Notice.EMPTY_INPUT, "en_US")


@pytest.mark.parametrize(
    ("error", "notice"),
    [
        (LLMTimeout("t"), Notice.TIMEOUT),
        (LLMRateLimited("r"), Notice.BUSY),
        (LLMUnavailable("u", status=500), Notice.UNAVAILABLE),
        (LLMAuthError("a", status=401), Notice.UNAVAILABLE),
        (LLMBadResponse("b"), Notice.UNAVAILABLE),
    ],
)
@pytest.mark.parametrize(
    ("name", "locale"), [("lexV2FallbackKo", "ko_KR"), ("lexV2FallbackEn", "en_US")]
)
def test_llm_errors_become_friendly_failed_closes(
    load_event: Any, error: LLMError, notice: Notice, name: str, locale: str
) -> None:
    raw = load_event(name)
    answer = service(FakeLLM(error=error)).handle(LexEvent(raw), None)
    assert_valid(answer)
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert answer["messages"] == [
        {"contentType": "PlainText", "content": notice_text(notice, locale)}
    ]
    # a failed turn leaves the history as it was
    assert answer["sessionState"]["sessionAttributes"] == raw["sessionState"]["sessionAttributes"]


@pytest.mark.parametrize("name", ["lexV2FallbackEn", "lexV2FallbackKo"])
def test_not_configured_tells_users_nothing_about_the_setup_and_the_log_everything(
    load_event: Any, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    """Issue 9: the notice is public, so it is generic; the fix is in the log."""
    llm = FakeLLM()
    with caplog.at_level(logging.INFO, logger="test.fallback"):
        answer = service(llm, key_error=LLMNotConfigured("none")).handle(
            LexEvent(load_event(name)), None
        )
    assert_valid(answer)
    assert llm.calls == []
    text = answer["messages"][0]["content"]
    for detail in ("OPENAI", "env.json", "Secrets Manager", "API", "LLM", "secret", "시크릿"):
        assert detail not in text
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    (record,) = [r for r in caplog.records if r.getMessage() == "no LLM answer"]
    assert record.levelno == logging.ERROR
    fix = record.__dict__["fix"]
    assert "OPENAI_API_KEY" in fix and "OPENAI_BASE_URL" in fix and "env.json" in fix


@pytest.mark.parametrize(
    ("remaining_ms", "expected"),
    [(None, 20.0), (60_000, 20.0), (10_000, 10.0 - SAFETY_MARGIN_SECONDS), (500, 0.0)],
)
def test_budget_is_the_smaller_of_the_setting_and_the_lambda_time(
    remaining_ms: float | None, expected: float
) -> None:
    assert service(FakeLLM()).budget_seconds(remaining_ms) == pytest.approx(expected)


def test_too_little_lambda_time_answers_timeout_without_calling(load_event: Any) -> None:
    llm = FakeLLM()
    answer = service(llm).handle(LexEvent(load_event("lexV2FallbackEn")), lambda: 2_100)
    assert llm.calls == []
    assert answer["messages"][0]["content"] == notice_text(Notice.TIMEOUT, "en_US")


def test_long_answers_are_split_into_valid_messages(load_event: Any) -> None:
    long_answer = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(12))
    answer = service(FakeLLM(long_answer)).handle(LexEvent(load_event("lexV2FallbackEn")), None)
    assert_valid(answer)
    assert 1 < len(answer["messages"]) <= 10
