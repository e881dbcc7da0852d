"""The FallbackFunction handler named by template.yaml, with the template's environment, talking to
a fake OpenAI-compatible server through the real ``openai`` SDK over loopback HTTP."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from llm_fallback.history import HISTORY_ATTRIBUTE, MAX_HISTORY_CHARS, load_history
from llm_fallback.messages import Notice, notice_text
from tests.fakes.fake_openai import FakeOpenAI
from tests.functional.fallback_function.conftest import API_KEY, FakeLambdaContext
from tests.support.lex_response_rules import assert_valid

Handler = Callable[..., dict[str, Any]]
ALL_EVENTS = [
    "lexV2FallbackKo",
    "lexV2FallbackEn",
    "lexV2FallbackEmptyTranscript",
    "lexV2FallbackLongHistory",
    "lexV2FallbackMalformedHistory",
    "lexV2DialogCodeHook",
    "lexV2UnknownIntent",
]


def invoke(handler: Handler, event: dict[str, Any], remaining: float = 25.0) -> dict[str, Any]:
    answer = handler(event, FakeLambdaContext(remaining))
    assert_valid(answer)
    json.dumps(answer)  # what Lambda will serialise
    return answer


def texts(answer: dict[str, Any]) -> list[str]:
    return [m["content"] for m in answer.get("messages", [])]


def assert_no_key(answer: dict[str, Any], logs: io.StringIO, capfd: pytest.CaptureFixture[str]):
    out, err = capfd.readouterr()
    for where in (json.dumps(answer, ensure_ascii=False), logs.getvalue(), out, err):
        assert API_KEY not in where


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_every_fixture_gets_a_valid_response(
    handler: Handler, llm: FakeOpenAI, load_event: Any, name: str
) -> None:
    answer = invoke(handler, load_event(name))
    assert answer["sessionState"]["dialogAction"]["type"] in ("Close", "Delegate")


@pytest.mark.parametrize(
    ("name", "language"), [("lexV2FallbackKo", "Korean"), ("lexV2FallbackEn", "English")]
)
def test_answers_through_the_llm_in_the_locale_language(
    handler: Handler,
    llm: FakeOpenAI,
    load_event: Any,
    logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    name: str,
    language: str,
) -> None:
    event = load_event(name)
    answer = invoke(handler, event)
    assert texts(answer) == [f"[fake-llm] You asked: {event['inputTranscript']}"]
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert answer["sessionState"]["intent"]["name"] == "FallbackIntent"

    [request] = llm.requests
    assert request["model"] == "gpt-4o-mini"
    assert request["max_tokens"] == 512
    system, *history, user = request["messages"]
    assert system["role"] == "system" and language in system["content"]
    assert history == load_history(event["sessionState"]["sessionAttributes"])
    assert user == {"role": "user", "content": event["inputTranscript"]}

    stored = load_history(answer["sessionState"]["sessionAttributes"])
    assert stored[-2:] == [user, {"role": "assistant", "content": texts(answer)[0]}]
    assert event["inputTranscript"] not in logs.getvalue()  # never log the user's words
    assert "LLM answered" in logs.getvalue()
    assert_no_key(answer, logs, capfd)
    # The session id is a credential: the logs carry only the hash the chat API logs too.
    digest = hashlib.sha256(event["sessionId"].encode()).hexdigest()[:16]
    assert event["sessionId"] not in logs.getvalue() + capfd.readouterr().out
    assert f'"session_hash":"{digest}"' in logs.getvalue().replace(" ", "")


def test_reply_is_passed_through_verbatim(handler: Handler, llm: FakeOpenAI, load_event: Any):
    reply = "<b>Canberra</b> is the **capital**.\n\n- not Sydney"
    llm.set_behavior("ok", reply=reply)
    assert texts(invoke(handler, load_event("lexV2FallbackEn"))) == [reply]


def test_a_second_turn_sends_the_first(handler: Handler, llm: FakeOpenAI, load_event: Any):
    event = load_event("lexV2FallbackEn")
    first = invoke(handler, event)
    event["sessionState"]["sessionAttributes"] = first["sessionState"]["sessionAttributes"]
    event["inputTranscript"] = "And of New Zealand?"
    invoke(handler, event)
    second = llm.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "What is the capital of Australia?"


def test_long_history_is_bounded(handler: Handler, llm: FakeOpenAI, load_event: Any) -> None:
    event = load_event("lexV2FallbackLongHistory")
    answer = invoke(handler, event)
    sent = llm.requests[0]["messages"][1:-1]
    assert len(sent) == 2 * 6  # LLM_HISTORY_TURNS default
    assert sent == load_history(event["sessionState"]["sessionAttributes"])[-12:]
    stored = answer["sessionState"]["sessionAttributes"][HISTORY_ATTRIBUTE]
    assert len(stored) <= MAX_HISTORY_CHARS
    assert answer["sessionState"]["sessionAttributes"]["userTier"] == "free"


def test_long_answers_are_split(handler: Handler, llm: FakeOpenAI, load_event: Any) -> None:
    llm.set_behavior(
        "ok", reply="\n\n".join(f"Sentence number {i} is here. " * 20 for i in range(20))
    )
    answer = invoke(handler, load_event("lexV2FallbackEn"))
    assert 1 < len(answer["messages"]) <= 10


@pytest.mark.parametrize(
    "name", ["lexV2DialogCodeHook", "lexV2UnknownIntent", "lexV2FallbackEmptyTranscript"]
)
def test_no_llm_call_when_not_needed(handler: Handler, llm: FakeOpenAI, load_event: Any, name: str):
    invoke(handler, load_event(name))
    assert llm.requests == []


@pytest.mark.parametrize(
    ("status", "notice", "requests"),
    [
        (429, Notice.BUSY, 2),
        (500, Notice.UNAVAILABLE, 2),
        (503, Notice.UNAVAILABLE, 2),
        (401, Notice.UNAVAILABLE, 1),
    ],
)
@pytest.mark.parametrize(
    ("name", "locale"), [("lexV2FallbackKo", "ko_KR"), ("lexV2FallbackEn", "en_US")]
)
def test_http_errors_become_friendly_answers(
    handler: Handler,
    llm: FakeOpenAI,
    load_event: Any,
    logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    status: int,
    notice: Notice,
    requests: int,
    name: str,
    locale: str,
) -> None:
    llm.set_behavior("status", status=status)
    event = load_event(name)
    answer = invoke(handler, event)
    assert texts(answer) == [notice_text(notice, locale)]
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert answer["sessionState"]["sessionAttributes"] == event["sessionState"]["sessionAttributes"]
    assert len(llm.requests) == requests  # one retry for 429/5xx, none for 401
    assert f'"status":{status}' in logs.getvalue().replace(" ", "")
    assert_no_key(answer, logs, capfd)


def test_garbage_json_is_a_friendly_answer(
    handler: Handler, llm: FakeOpenAI, load_event: Any, logs: io.StringIO
) -> None:
    llm.set_behavior("garbage")
    answer = invoke(handler, load_event("lexV2FallbackEn"))
    assert texts(answer) == [notice_text(Notice.UNAVAILABLE, "en_US")]
    assert "LLMBadResponse" in logs.getvalue()
    assert len(llm.requests) == 1


def test_slow_server_is_cut_off_by_the_lambda_budget(
    handler: Handler, llm: FakeOpenAI, load_event: Any, logs: io.StringIO
) -> None:
    delay = 10.0
    llm.set_behavior("slow", delay=delay)
    started = time.monotonic()
    answer = invoke(handler, load_event("lexV2FallbackKo"), remaining=3.5)  # budget 1.5 s
    elapsed = time.monotonic() - started
    assert texts(answer) == [notice_text(Notice.TIMEOUT, "ko_KR")]
    assert elapsed < delay  # answered without waiting for the server
    assert "LLMTimeout" in logs.getvalue()


def test_slow_server_is_cut_off_by_llm_timeout_seconds(
    configure: Any, llm: FakeOpenAI, load_event: Any
) -> None:
    handler = configure(
        OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=API_KEY, LLM_TIMEOUT_SECONDS="1"
    )
    llm.set_behavior("slow", delay=10.0)
    started = time.monotonic()
    answer = invoke(handler, load_event("lexV2FallbackEn"), remaining=25.0)
    assert time.monotonic() - started < 10.0
    assert texts(answer) == [notice_text(Notice.TIMEOUT, "en_US")]


def test_connection_refused(configure: Any, load_event: Any, logs: io.StringIO) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = configure(OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1", OPENAI_API_KEY=API_KEY)
    answer = invoke(handler, load_event("lexV2FallbackEn"))
    assert texts(answer) == [notice_text(Notice.UNAVAILABLE, "en_US")]
    assert "LLMUnavailable" in logs.getvalue()


@pytest.mark.parametrize(
    ("name", "locale"), [("lexV2FallbackKo", "ko_KR"), ("lexV2FallbackEn", "en_US")]
)
def test_not_configured(
    configure: Any, load_event: Any, logs: io.StringIO, name: str, locale: str
) -> None:
    handler = configure()  # the template's env: no key, empty secret ARN offline, no base URL
    answer = invoke(handler, load_event(name))
    assert texts(answer) == [notice_text(Notice.NOT_CONFIGURED, locale)]
    assert "OPENAI" not in texts(answer)[0]  # the public learns nothing about the setup
    logged = json.loads(next(line for line in logs.getvalue().splitlines() if "LLMNot" in line))
    assert logged["level"] == "ERROR" and "OPENAI_API_KEY" in logged["fix"]


def test_base_url_without_key_uses_a_dummy_key(configure: Any, llm: FakeOpenAI, load_event: Any):
    handler = configure(OPENAI_BASE_URL=llm.base_url)
    answer = invoke(handler, load_event("lexV2FallbackEn"))
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert len(llm.requests) == 1


class BrokenClockContext(FakeLambdaContext):
    def get_remaining_time_in_millis(self) -> int:
        raise RuntimeError("clock exploded")


def test_never_raises_to_lex(handler: Handler, load_event: Any, logs: io.StringIO) -> None:
    answer = handler(load_event("lexV2FallbackEn"), BrokenClockContext(25.0))
    assert_valid(answer)
    assert texts(answer) == [notice_text(Notice.UNAVAILABLE, "en_US")]
    assert "unexpected error" in logs.getvalue()


@pytest.mark.parametrize("event", [{}, {"sessionState": "x"}, {"invocationSource": 7}])
def test_malformed_events_still_get_valid_answers(handler: Handler, event: Any) -> None:
    assert_valid(handler(event, FakeLambdaContext(25.0)))


def test_works_without_a_lambda_context(handler: Handler, llm: FakeOpenAI, load_event: Any):
    answer = handler(load_event("lexV2FallbackEn"), None)
    assert_valid(answer)
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"


def test_one_openai_client_and_pool_serve_every_warm_turn(
    handler: Handler, llm: FakeOpenAI, load_event: Any
) -> None:
    """Issue 9: the client (and its connection pool) is built once per container, not per turn."""
    import llm_fallback.llm as llm_module

    llm_module.openai_client.cache_clear()
    for _ in range(3):
        invoke(handler, load_event("lexV2FallbackEn"))
    info = llm_module.openai_client.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert len(llm.requests) == 3
