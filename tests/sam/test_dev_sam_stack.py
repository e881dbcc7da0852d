"""``sam local start-api`` + ``sam local start-lambda`` + the emulator: the ``make dev-sam`` stack.

``/chat`` goes through the front server to the Chalice app in a container (``start-api``), which
calls the Lex emulator on the host; the emulator calls the FallbackIntent's code hook through the
Lambda Invoke API on ``start-lambda``, so the hook runs in a container too. The fake LLM listens on
127.0.0.1 only, like an Ollama would: the containers reach it through the stack's relay on
Docker's bridge.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from devstack.sam_stack import SamStack
from sam_local.docker_env import sam_containers
from sam_local.sam_cli import REPO_ROOT
from tests.fakes.fake_openai import FakeOpenAI

API_KEY = "sk-dev-sam-test"


def _post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, Any]:
    request = urllib.request.Request(
        url + "chat", data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _chat(url: str, **body: Any) -> tuple[int, Any]:
    return _post(url, json.dumps(body).encode())


@pytest.fixture(scope="module")
def loopback_llm():
    with FakeOpenAI(host="127.0.0.1") as llm:
        yield llm


@pytest.fixture(scope="module")
def stack(lambda_image, loopback_llm):
    before = sam_containers()
    env = {
        "FallbackFunction": {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": loopback_llm.base_url}
    }
    sam_stack = SamStack(port=0, template=REPO_ROOT / "template.yaml", env_vars=env, environ={})
    sam_stack.start()
    try:
        yield sam_stack
    finally:
        sam_stack.stop()
        assert sam_containers() - before == set(), "dev-sam left containers behind"


def test_hello_world_in_korean_then_the_llm_answers_from_a_container(stack, loopback_llm):
    status, first = _chat(stack.url, text="안녕")
    assert status == 200, first
    assert first["messages"][0]["content"] == "이름이 무엇인가요?"
    assert first["source"] == "lex"
    session = first["sessionId"]
    status, second = _chat(stack.url, text="홍길동", sessionId=session)
    assert status == 200, second
    assert second["messages"][0]["content"] == "반갑습니다, 홍길동님."
    loopback_llm.clear()
    status, third = _chat(stack.url, text="서울에서 부산까지 KTX로 얼마나 걸려?", sessionId=session)
    assert status == 200, third
    assert third["source"] == "llm"
    assert third["messages"][0]["content"].startswith("[fake-llm] You asked:"), third
    assert loopback_llm.authorizations == [f"Bearer {API_KEY}"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "invalid_json"),
        (b'{"text": "hi"}', "text/plain", 415, "unsupported_media_type"),
        (json.dumps({"text": "x" * 1025}).encode(), "application/json", 400, "invalid_text"),
        (
            json.dumps({"text": "hi", "localeId": "fr_FR"}).encode(),
            "application/json",
            400,
            "unsupported_locale",
        ),
    ],
)
def test_errors_through_start_api_keep_the_json_shape(stack, body, content_type, status, code):
    got, answer = _post(stack.url, body, content_type)
    assert got == status, answer
    assert answer["error"]["code"] == code


def test_the_llm_down_is_a_friendly_notice_not_an_error(stack, loopback_llm):
    loopback_llm.set_behavior("status", status=500)
    try:
        status, answer = _chat(
            stack.url, text="what is the tallest mountain on mars", localeId="en_US"
        )
    finally:
        loopback_llm.set_behavior("ok")
    assert status == 200, answer
    assert answer["source"] == "llm"
    assert answer["intent"]["state"] == "Failed"
