"""Issue 12: the real handler streams the answer to the turn's connection.

The real ``openai`` SDK reads server-sent events from the fake OpenAI server and real boto3
(``apigatewaymanagementapi``) posts the chunks to the fake Management API, both on loopback; the
handler is the one template.yaml names, with the template's environment.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from llm_fallback.messages import Notice, notice_text
from tests.fakes.fake_management_api import FakeManagementApi
from tests.fakes.fake_openai import FakeOpenAI, tokens_of
from tests.functional.fallback_function.conftest import API_KEY, FakeLambdaContext, LogCapture
from tests.support import emf
from tests.support.lex_response_rules import assert_valid

STREAM_EVENT = "lexV2FallbackStreamTurn"
CONNECTION = "L0SM9cOFvHcCIhw="  # the fixture's llmStreamConnection
TURN = "t-7c1e2a9f4b3d"  # its llmStreamTurn
ANSWER = " ".join(
    f"Rayleigh scattering makes short blue wavelengths bounce around the sky, part {n}."
    for n in range(1, 6)
)  # 50 tokens, as the fake splits them
SLACK_SECONDS = 1.5
"""Beyond what a turn needs, for a loaded 2-core machine."""


@pytest.fixture
def api() -> Iterator[FakeManagementApi]:
    """The fake Management API on loopback."""
    with FakeManagementApi() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Lambda gives the function (the fake checks only that requests are signed)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def streaming(configure: Any, llm: FakeOpenAI, api: FakeManagementApi) -> Callable[..., Any]:
    """The handler configured to stream to the fake Management API."""
    return configure(  # type: ignore[no-any-return]
        OPENAI_BASE_URL=llm.base_url,
        OPENAI_API_KEY=API_KEY,
        LLM_TIMEOUT_SECONDS="5",
        STREAM_MANAGEMENT_URL=api.endpoint_url,
    )


def run(
    handler: Callable[..., Any], event: dict[str, Any], remaining: float = 25.0
) -> tuple[Any, float, float]:
    """The answer, how long the handler took, and when it returned (``time.monotonic()``)."""
    started = time.monotonic()
    answer = handler(event, FakeLambdaContext(remaining))
    done = time.monotonic()
    return answer, done - started, done


def text_of(answer: dict[str, Any]) -> str:
    return "".join(m["content"] for m in answer["messages"])


def check_sequence(frames: list[dict[str, Any]], status: str) -> list[dict[str, Any]]:
    """Chunks numbered 1.. for the turn, then one end marker; the chunks returned."""
    assert frames, "nothing was posted"
    *chunks, end = frames
    assert [f["type"] for f in chunks] == ["chunk"] * len(chunks)
    assert [f["seq"] for f in frames] == list(range(1, len(frames) + 1))
    assert {f["turn"] for f in frames} == {TURN}
    assert end == {"type": "end", "turn": TURN, "seq": len(frames), "status": status}
    return chunks


def test_the_answer_streams_in_steps_and_the_chunks_add_up_to_the_lex_answer(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any, capsys: Any
) -> None:
    api.open_connection(CONNECTION)
    llm.set_behavior("ok", reply=ANSWER, first_token_delay=0.2, token_delay=0.02)
    answer, _, returned_at = run(streaming, load_event(STREAM_EVENT))

    assert_valid(answer)
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert text_of(answer) == ANSWER
    frames = api.frames(CONNECTION)
    chunks = check_sequence(frames, "complete")
    assert "".join(c["text"] for c in chunks) == ANSWER
    arrivals = [f.at for f in api.raw_frames(CONNECTION)]
    assert len(chunks) >= 3 and len(set(arrivals[:-1])) >= 3
    assert arrivals[0] < returned_at - 0.5  # the first words were on the page long before Lex's
    tokens = len(tokens_of(ANSWER))
    assert len(frames) <= tokens / 5
    assert all(f.signed for f in api.raw_frames())
    request = llm.requests[0]
    assert request["stream"] is True and request["stream_options"] == {"include_usage": True}

    metrics = {d.name: d.value for d in emf.data(capsys.readouterr().out)}
    assert metrics["FallbackAnswered"] == 1
    assert metrics["LlmOutputTokens"] == tokens
    assert metrics["LlmInputTokens"] > 0
    assert 200 <= metrics["LlmFirstTokenLatency"] < metrics["LlmLatency"]


def test_without_the_attributes_the_turn_is_answered_as_before(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any, capsys: Any
) -> None:
    api.open_connection(CONNECTION)
    llm.set_behavior("ok", reply=ANSWER)
    answer, _, _ = run(streaming, load_event("lexV2FallbackEn"))
    assert text_of(answer) == ANSWER
    assert api.raw_frames() == [] and api.refused == 0
    assert "stream" not in llm.requests[0]
    names = {d.name for d in emf.data(capsys.readouterr().out)}
    assert "LlmFirstTokenLatency" not in names and "LlmOutputTokens" in names


def test_without_stream_management_url_nothing_streams(
    configure: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    handler = configure(OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=API_KEY)
    api.open_connection(CONNECTION)
    answer, _, _ = run(handler, load_event(STREAM_EVENT))
    assert text_of(answer).startswith("[fake-llm] You asked:")
    assert api.raw_frames() == [] and "stream" not in llm.requests[0]


def test_a_url_without_a_host_counts_as_unset_with_one_warning(
    configure: Any, llm: FakeOpenAI, load_event: Any, logs: LogCapture
) -> None:
    stage = uuid.uuid4().hex[:8]  # a URL this process has not warned about yet
    handler = configure(
        OPENAI_BASE_URL=llm.base_url,
        OPENAI_API_KEY=API_KEY,
        STREAM_MANAGEMENT_URL=f"https://.execute-api.us-east-1.amazonaws.com/{stage}",
    )
    for _ in range(2):
        answer, _, _ = run(handler, load_event(STREAM_EVENT))
        assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert [r.get("stream") for r in llm.requests] == [None, None]
    assert logs.getvalue().count("STREAM_MANAGEMENT_URL has no host") == 1


def test_a_gone_connection_leaves_the_lex_answer_unchanged(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    """The page left before the turn: the first post is refused 410, and no other is tried."""
    llm.set_behavior("ok", reply=ANSWER, token_delay=0.005)
    answer, _, _ = run(streaming, load_event(STREAM_EVENT))
    assert_valid(answer)
    assert text_of(answer) == ANSWER
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert api.refused == 1 and api.raw_frames() == []


def test_a_connection_gone_mid_answer_stops_the_posts_not_the_answer(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    api.open_connection(CONNECTION, gone_after=2)
    llm.set_behavior("ok", reply=ANSWER, token_delay=0.02)
    answer, _, _ = run(streaming, load_event(STREAM_EVENT))
    assert text_of(answer) == ANSWER
    assert [f["seq"] for f in api.frames(CONNECTION)] == [1, 2]
    assert api.refused == 1


def test_a_slow_socket_never_holds_the_lex_answer(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    """Every post hangs 3 s: the turn still ends about when the model does, well in budget."""
    api.open_connection(CONNECTION)
    api.delay = 3.0
    llm.set_behavior("ok", reply=ANSWER, token_delay=0.01)  # ~0.5 s of streaming
    answer, elapsed, _ = run(streaming, load_event(STREAM_EVENT))
    assert text_of(answer) == ANSWER
    assert elapsed < 0.5 + 0.5 + SLACK_SECONDS  # model + the bounded drain wait + slack
    assert elapsed < 5.0  # LLM_TIMEOUT_SECONDS


def test_the_drain_wait_never_goes_past_the_llm_budget(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    """A model that answers near the end of the budget: the drain wait shrinks to what is left."""
    remaining = 4.5  # the Lambda's time left: the budget is 4.5 - 2 = 2.5 s
    api.open_connection(CONNECTION)
    api.delay = 3.0
    # ~1.7 s of the 2.5 s; each read well inside the attempt's read timeout (half the budget).
    llm.set_behavior("ok", reply="one two three four", first_token_delay=0.5, token_delay=0.4)
    answer, elapsed, _ = run(streaming, load_event(STREAM_EVENT), remaining=remaining)
    assert text_of(answer) == "one two three four"
    assert elapsed < remaining  # Lex gets the answer (the exact clamp: the service's unit tests)


def test_an_llm_failure_mid_stream_ends_the_stream_failed_and_lex_gets_the_notice(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    api.open_connection(CONNECTION)
    llm.set_behavior("cut", reply=ANSWER, cut_after=20, token_delay=0.01)
    answer, _, _ = run(streaming, load_event(STREAM_EVENT))
    assert_valid(answer)
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert text_of(answer) == notice_text(Notice.UNAVAILABLE, "en_US")
    chunks = check_sequence(api.frames(CONNECTION), "failed")
    assert "".join(c["text"] for c in chunks) == "".join(tokens_of(ANSWER)[:20])
    assert len(llm.requests) == 1  # text had gone out: no retry that would repeat it


def test_an_llm_error_before_any_text_is_retried_then_ends_failed(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    api.open_connection(CONNECTION)
    llm.set_behavior("status", status=500)
    answer, _, _ = run(streaming, load_event(STREAM_EVENT))
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert len(llm.requests) == 2  # LLM_MAX_RETRIES=1: nothing had been streamed yet
    assert api.frames(CONNECTION) == [{"type": "end", "turn": TURN, "seq": 1, "status": "failed"}]


def test_a_server_without_usage_gets_no_token_metrics(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any, capsys: Any
) -> None:
    api.open_connection(CONNECTION)
    llm.set_behavior("ok", reply=ANSWER, stream_usage=False)
    answer, _, _ = run(streaming, load_event(STREAM_EVENT))
    assert text_of(answer) == ANSWER
    names = {d.name for d in emf.data(capsys.readouterr().out)}
    assert {"FallbackAnswered", "LlmLatency", "LlmFirstTokenLatency"} <= names
    assert not names & {"LlmInputTokens", "LlmOutputTokens", "LlmCostUsd"}


def test_logs_name_no_text_no_session_no_connection_no_key(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any, logs: LogCapture
) -> None:
    api.open_connection(CONNECTION, gone_after=1)
    llm.set_behavior("ok", reply=ANSWER, token_delay=0.01)
    event = load_event(STREAM_EVENT)
    run(streaming, event)
    written = logs.getvalue()
    assert "stream closed" in written and "stream connection gone" in written
    for secret in (API_KEY, event["sessionId"], CONNECTION, event["inputTranscript"], "Rayleigh"):
        assert secret not in written


def test_turns_in_parallel_threads_stream_to_their_own_connections(
    streaming: Any, llm: FakeOpenAI, api: FakeManagementApi, load_event: Any
) -> None:
    """Two invocations at once (as ``make dev`` may run them): no frame crosses over."""
    llm.set_behavior("ok", reply=ANSWER, token_delay=0.005)
    events = []
    for name in ("connA0000001=", "connB0000002="):
        api.open_connection(name)
        event = load_event(STREAM_EVENT)
        event["requestAttributes"]["llmStreamConnection"] = name
        events.append(event)
    answers: list[Any] = []
    workers = [
        threading.Thread(target=lambda e=e: answers.append(run(streaming, e)[0])) for e in events
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
    assert [text_of(a) for a in answers] == [ANSWER, ANSWER]
    for name in ("connA0000001=", "connB0000002="):
        chunks = check_sequence(api.frames(name), "complete")
        assert "".join(c["text"] for c in chunks) == ANSWER
