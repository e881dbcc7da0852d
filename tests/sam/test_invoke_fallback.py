"""``sam local invoke FallbackFunction`` with every Lex fixture in ``events/``, in a container.

The fake OpenAI-compatible server listens on Docker's bridge address, so the function in the
container reaches it the way it would reach Ollama or OpenAI. For each LLM behaviour (answering,
down, slow, refusing the key, nothing listening), every answer must be a valid Lex V2 response,
checked with the emulator's own validator (what Lex accepts) and the documented rules.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from lex_emulator.code_hook import validate_response
from sam_local.invoke import invoke
from sam_local.sam_cli import REPO_ROOT
from tests.support.lex_response_rules import assert_valid

LEX_EVENTS = sorted((REPO_ROOT / "events").glob("lexV2*.json"))
ASKS_THE_LLM = {
    "lexV2FallbackEn.json",
    "lexV2FallbackKo.json",
    "lexV2FallbackLongHistory.json",
    "lexV2FallbackMalformedHistory.json",
    "lexV2FallbackStreamTurn.json",  # no STREAM_MANAGEMENT_URL here: answered as before
}
API_KEY = "sk-sam-tier-test-key"  # must never show in the function's logs
PARALLEL = 2  # containers at once; each invocation mostly waits for Docker


def _env(base_url: str) -> dict[str, dict[str, str]]:
    return {
        "FallbackFunction": {
            "OPENAI_API_KEY": API_KEY,
            "OPENAI_BASE_URL": base_url,
            "LLM_TIMEOUT_SECONDS": "3",
            "LLM_MAX_RETRIES": "0",
        }
    }


def _invoke_all(image, env, events=LEX_EVENTS) -> list[tuple[Path, Any, str]]:
    def one(event: Path) -> tuple[Path, Any, str]:
        logs: list[str] = []
        answer = invoke("FallbackFunction", event, env, image=image, timeout=90, logs=logs)
        return event, answer, "".join(logs)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, events))


# The fixtures that reach the LLM; the others (a dialog hook that delegates, an empty transcript,
# another intent) never call it, so the LLM's failures cannot change their answers.
LLM_EVENTS = [e for e in LEX_EVENTS if e.name in ASKS_THE_LLM]


def function_logs(logs: str) -> str:
    """What the function printed during the invocation (the runtime client's own shutdown noise
    after END is not the function's)."""
    start = logs.find("SAM_CONTAINER_ID")
    end = logs.find("END RequestId", start)
    assert start >= 0 and end > start, logs[-2000:]
    return logs[start:end]


def _check(answer: Any, logs: str) -> dict[str, Any]:
    validate_response(answer)  # raises DependencyFailedException for what Lex would reject
    assert_valid(answer)
    assert API_KEY not in logs
    assert "Traceback" not in function_logs(logs)
    return answer


def test_every_fixture_gets_the_llm_answer(lambda_image, bridge_llm, janitor):
    bridge_llm.set_behavior("ok")
    bridge_llm.clear()
    results = _invoke_all(lambda_image, _env(bridge_llm.base_url))
    for event, answer, logs in results:
        _check(answer, logs)
        if event.name in ASKS_THE_LLM:
            assert answer["messages"][0]["content"].startswith("[fake-llm] You asked:"), event.name
            assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert len(bridge_llm.requests) == len(ASKS_THE_LLM)
    assert set(bridge_llm.authorizations) == {f"Bearer {API_KEY}"}


@pytest.mark.parametrize(
    ("behavior", "options"),
    [
        ("down", {"mode": "status", "status": 500}),
        ("slow", {"mode": "slow", "delay": 8.0}),
        ("refusing", {"mode": "status", "status": 401}),
    ],
)
def test_llm_fixtures_get_a_valid_notice_when_the_llm_fails(
    lambda_image, bridge_llm, janitor, behavior, options
):
    bridge_llm.set_behavior(options.pop("mode"), **options)
    for event, answer, logs in _invoke_all(lambda_image, _env(bridge_llm.base_url), LLM_EVENTS):
        _check(answer, logs)
        assert answer["sessionState"]["intent"]["state"] == "Failed", (behavior, event.name)
        assert "[fake-llm]" not in answer["messages"][0]["content"]
    bridge_llm.set_behavior("ok")


def test_nothing_listening_gets_a_valid_notice(lambda_image, gateway, janitor):
    with socket.socket() as sock:  # a bridge port that was free a moment ago
        sock.bind((gateway, 0))
        port = sock.getsockname()[1]
    url = f"http://{gateway}:{port}/v1"
    for event, answer, logs in _invoke_all(lambda_image, _env(url), LLM_EVENTS):
        _check(answer, logs)
        assert answer["sessionState"]["intent"]["state"] == "Failed", event.name
