"""The shared fake OpenAI server, driven by the real ``openai`` SDK over loopback HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.fakes.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    """A running fake server."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def client(llm: FakeOpenAI) -> openai.OpenAI:
    """The real SDK pointed at the fake, without retries."""
    return openai.OpenAI(api_key="sk-test", base_url=llm.base_url, max_retries=0, timeout=10)


def _ask(client: openai.OpenAI, text: str) -> str | None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": text}]
    )
    return completion.choices[0].message.content


def test_default_reply_echoes_last_user_message(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    assert _ask(client, "날씨 어때?") == "[fake-llm] You asked: 날씨 어때?"
    assert llm.requests[0]["messages"] == [{"role": "user", "content": "날씨 어때?"}]
    assert llm.requests[0]["model"] == "gpt-4o-mini"


def test_reply_is_sent_verbatim(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    reply = "<img src=x onerror=alert(1)>\n\n**bold** `code`"
    llm.set_behavior("ok", reply=reply)
    assert _ask(client, "hi") == reply


def test_completion_is_real_shaped(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "a b c"}]
    )
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.role == "assistant"
    assert completion.usage is not None and completion.usage.total_tokens > 0


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (401, openai.AuthenticationError),
    ],
)
def test_status_mode(
    client: openai.OpenAI, llm: FakeOpenAI, status: int, error: type[Exception]
) -> None:
    llm.set_behavior("status", status=status)
    with pytest.raises(error):
        _ask(client, "hi")


def test_garbage_mode_is_not_a_completion(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    llm.set_behavior("garbage")
    with pytest.raises(ValueError):
        _ask(client, "hi")


def test_slow_mode_outlasts_a_short_client_timeout(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    llm.set_behavior("slow", delay=5.0)
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.3).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )


@pytest.mark.parametrize("mode", ["drip", "slow_headers"])
def test_drip_modes_deliver_a_real_completion_slowly(
    client: openai.OpenAI, llm: FakeOpenAI, mode: str
) -> None:
    llm.set_behavior(mode, interval=0.002, header_lines=20, reply="dripped")
    assert _ask(client, "hi") == "dripped"
    assert llm.drip_started == 1


@pytest.mark.parametrize("mode", ["drip", "slow_headers"])
def test_drip_modes_defeat_a_per_read_timeout(
    client: openai.OpenAI, llm: FakeOpenAI, mode: str
) -> None:
    """The probe of issue 10: a 0.4 s read timeout never fires against 0.1 s drips, so the
    plain SDK is still reading long after 0.4 s (it gets the answer after about a second)."""
    llm.set_behavior(mode, interval=0.1, header_lines=10, reply="x")
    started = time.monotonic()
    if mode == "drip":
        # the body is ~300 bytes: stop at the first 10 instead of waiting 30 s
        with client.with_options(timeout=0.4).chat.completions.with_streaming_response.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        ) as response:
            body = response.iter_bytes(1)
            chunks = [next(body) for _ in range(10)]
        assert len(b"".join(chunks)) == 10
    else:
        assert (
            client.with_options(timeout=0.4)
            .chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            .choices[0]
            .message.content
            == "x"
        )
    assert time.monotonic() - started > 0.8


def test_behavior_endpoint_sets_the_drip_interval(llm: FakeOpenAI) -> None:
    request = urllib.request.Request(
        llm.root_url + "/_fake/behavior",
        data=json.dumps({"mode": "drip", "interval": 0.25, "header_lines": 3}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.load(answer) | {"reply": None} == {
            "mode": "drip",
            "status": 500,
            "delay": 0.0,
            "reply": None,
            "interval": 0.25,
            "header_lines": 3,
            "first_token_delay": 0.0,
            "token_delay": 0.0,
            "stream_usage": True,
            "cut_after": 3,
        }
    assert llm.behavior.interval == 0.25


def test_models_list(client: openai.OpenAI) -> None:
    assert "gpt-4o-mini" in [m.id for m in client.models.list()]


def test_behavior_endpoint_controls_another_process(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    request = urllib.request.Request(
        llm.root_url + "/_fake/behavior",
        data=json.dumps({"mode": "status", "status": 429}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.load(answer)["mode"] == "status"
    with pytest.raises(openai.RateLimitError):
        _ask(client, "hi")


def test_behavior_endpoint_rejects_unknown_mode(llm: FakeOpenAI) -> None:
    request = urllib.request.Request(
        llm.root_url + "/_fake/behavior",
        data=json.dumps({"mode": "explode"}).encode(),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 400


def test_set_behavior_rejects_unknown_mode(llm: FakeOpenAI) -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        llm.set_behavior("explode")


def test_command_line_prints_base_url_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.fake_openai", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        sdk = openai.OpenAI(api_key="x", base_url=base_url, max_retries=0, timeout=10)
        assert _ask(sdk, "ping") == "[fake-llm] You asked: ping"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
