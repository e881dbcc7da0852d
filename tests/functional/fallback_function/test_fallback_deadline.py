"""Issue 10 item 1: one wall-clock deadline for the whole LLM call, retries included.

A server that sends its headers and then one byte every 0.5 s (``drip``), or one header line every
0.5 s (``slow_headers``), never trips a per-read timeout: without a whole-call deadline the handler
stays busy for minutes, Lambda kills it and Lex answers DependencyFailedException. Each test runs
the handler the template names in a thread and waits a bounded time for it, so without the fix it
fails in seconds instead of hanging (the fake stops dripping when it is stopped).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from llm_fallback.messages import Notice, notice_text
from tests.fakes.fake_openai import FakeOpenAI
from tests.functional.fallback_function.conftest import API_KEY, FakeLambdaContext
from tests.support.lex_response_rules import assert_valid

SLACK_SECONDS = 1.5
"""Time allowed beyond the budget for building the answer (generous: a loaded 2-core machine)."""


def run_bounded(
    handler: Callable[..., dict[str, Any]], event: dict[str, Any], remaining: float, wait: float
) -> tuple[dict[str, Any] | None, float]:
    """The handler's answer and how long it took, or (None, wait) if it was still busy."""
    result: list[dict[str, Any]] = []
    started = time.monotonic()
    worker = threading.Thread(
        target=lambda: result.append(handler(event, FakeLambdaContext(remaining))), daemon=True
    )
    worker.start()
    worker.join(timeout=wait)
    return (result[0] if result else None), time.monotonic() - started


@pytest.mark.parametrize("mode", ["drip", "slow_headers"])
@pytest.mark.parametrize("retries", ["0", "3"])
def test_a_dripping_server_cannot_hold_the_handler_past_llm_timeout_seconds(
    configure: Any, llm: FakeOpenAI, load_event: Any, mode: str, retries: str
) -> None:
    budget = 2.0
    handler = configure(
        OPENAI_BASE_URL=llm.base_url,
        OPENAI_API_KEY=API_KEY,
        LLM_TIMEOUT_SECONDS=str(budget),
        LLM_MAX_RETRIES=retries,
    )
    llm.set_behavior(mode, interval=0.5)
    answer, elapsed = run_bounded(
        handler, load_event("lexV2FallbackEn"), remaining=25.0, wait=budget + 6
    )
    assert answer is not None, f"the handler was still busy after {elapsed:.1f} s"
    assert elapsed < budget + SLACK_SECONDS
    assert_valid(answer)
    assert [m["content"] for m in answer["messages"]] == [notice_text(Notice.TIMEOUT, "en_US")]
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert llm.drip_started >= 1


@pytest.mark.parametrize("mode", ["drip", "slow_headers"])
def test_the_lambdas_remaining_time_caps_the_deadline_too(
    configure: Any, llm: FakeOpenAI, load_event: Any, mode: str
) -> None:
    """LLM_TIMEOUT_SECONDS 20 with 4.5 s left: the budget is 2.5 s (2 s kept for the answer)."""
    handler = configure(OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=API_KEY)
    llm.set_behavior(mode, interval=0.5)
    answer, elapsed = run_bounded(handler, load_event("lexV2FallbackKo"), remaining=4.5, wait=10)
    assert answer is not None, f"the handler was still busy after {elapsed:.1f} s"
    assert elapsed < 4.5  # inside what Lambda gives it: Lex gets a real answer
    assert [m["content"] for m in answer["messages"]] == [notice_text(Notice.TIMEOUT, "ko_KR")]


def test_a_slow_but_finishing_drip_still_answers(
    configure: Any, llm: FakeOpenAI, load_event: Any
) -> None:
    """The deadline ends only calls that overrun it: a short answer dripped quickly gets through."""
    handler = configure(
        OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=API_KEY, LLM_TIMEOUT_SECONDS="15"
    )
    llm.set_behavior("drip", interval=0.001, reply="ok")
    answer, _ = run_bounded(handler, load_event("lexV2FallbackEn"), remaining=25.0, wait=20)
    assert answer is not None
    assert [m["content"] for m in answer["messages"]] == ["ok"]


def test_the_connection_after_a_deadline_is_fresh(
    configure: Any, llm: FakeOpenAI, load_event: Any
) -> None:
    """An abandoned drip must not leave a half-read connection in the pool for the next turn."""
    handler = configure(
        OPENAI_BASE_URL=llm.base_url,
        OPENAI_API_KEY=API_KEY,
        LLM_TIMEOUT_SECONDS="1",
        LLM_MAX_RETRIES="0",
    )
    llm.set_behavior("drip", interval=0.5)
    first, _ = run_bounded(handler, load_event("lexV2FallbackEn"), remaining=25.0, wait=8)
    assert first is not None
    llm.set_behavior("ok")
    second, _ = run_bounded(handler, load_event("lexV2FallbackEn"), remaining=25.0, wait=8)
    assert second is not None
    assert second["messages"][0]["content"].startswith("[fake-llm] You asked:")


def test_a_host_name_is_resolved_inside_the_deadline_and_each_address_tried(
    configure: Any, llm: FakeOpenAI, load_event: Any
) -> None:
    """``localhost`` (not an address): resolved in the helper thread; if it yields ::1 first, the
    refused IPv6 address is skipped for 127.0.0.1, where the fake listens."""
    handler = configure(
        OPENAI_BASE_URL=llm.base_url.replace("127.0.0.1", "localhost"), OPENAI_API_KEY=API_KEY
    )
    answer, _ = run_bounded(handler, load_event("lexV2FallbackEn"), remaining=25.0, wait=20)
    assert answer is not None
    assert answer["messages"][0]["content"].startswith("[fake-llm] You asked:")
