"""make dev's stack keeps the functions' metrics: /stats/data.json matches the turns sent.

Conversations go through the real stack (front server → Chalice → emulator → fallback → the fake
OpenAI server over HTTP); the numbers come back from the EMF lines the two functions printed.
"""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path
from typing import Any

import pytest

from devstack import Stack
from insights.reader import ReadStats, read_turns
from tests.fakes.fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[3]
REPLY = "one two three four"  # the fake reports 4 completion tokens for it


def _request(url: str, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    host, port = url.split("://", 1)[1].rstrip("/").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _stats(url: str) -> dict[str, Any]:
    status, body = _request(url, "GET", "/stats/data.json")
    assert status == 200
    return json.loads(body)


def _wait_for(url: str, turns: int, errors: int) -> dict[str, Any]:
    """The EMF lines travel through the supervisor to a file: wait (bounded) until all are in."""
    deadline = time.monotonic() + 15
    while True:
        data = _stats(url)
        done = data["turns"]["total"] == turns and sum(data["errors"].values()) == errors
        if done or time.monotonic() > deadline:
            return data
        time.sleep(0.1)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("devstack-data")
    with FakeOpenAI() as llm:
        llm.set_behavior("ok", reply=REPLY)
        env = {"FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": llm.base_url}}
        with Stack(port=0, template=REPO / "template.yaml", env_vars=env, data_dir=data_dir) as s:
            yield s, llm, data_dir


def test_stats_count_what_was_sent(run) -> None:
    stack, llm, data_dir = run
    sent: list[tuple[str, str]] = []

    def chat(text: str, locale: str) -> dict[str, Any]:
        status, body = _request(stack.url, "POST", "/chat", {"text": text, "localeId": locale})
        assert status == 200
        answer = json.loads(body)
        sent.append((text, answer["source"]))
        return answer

    assert chat("안녕", "ko_KR")["source"] == "lex"
    assert chat("hello", "en_US")["source"] == "lex"
    for question in ("환불은 어떻게 받나요", "what is the capital of France", "how tall is k2"):
        assert chat(question, "en_US" if question.isascii() else "ko_KR")["source"] == "llm"
    llm.set_behavior("status", status=503)
    failed = chat("is the llm down", "en_US")
    assert failed["source"] == "llm" and failed["intent"]["state"] == "Failed"
    llm.set_behavior("ok", reply=REPLY)
    assert _request(stack.url, "POST", "/chat", {"text": ""})[0] == 400
    assert _request(stack.url, "POST", "/chat", {"text": "hi", "localeId": "xx_YY"})[0] == 400

    data = _wait_for(stack.url, turns=len(sent), errors=2)
    assert data["turns"] == {"total": 6, "lex": 2, "llm": 4}
    assert data["fallbackRate"] == pytest.approx(4 / 6)
    assert data["errors"] == {"invalid_text": 1, "unsupported_locale": 1}
    assert data["fallback"]["answered"] == 3
    assert data["fallback"]["failed"] == {"unavailable": 1}
    assert data["latency"]["lex"]["count"] == 6
    assert data["latency"]["llm"]["count"] == 4  # the failed call was timed too
    assert sum(b["count"] for b in data["latency"]["llm"]["histogram"]) == 4
    assert data["latency"]["llm"]["p50"] <= data["latency"]["llm"]["p95"]
    # Tokens: what the fake server reported in `usage` for the three answered requests.
    answered = [r for r in llm.requests if "is the llm down" not in json.dumps(r)]
    prompt = sum(len(str(m["content"]).split()) for r in answered[-3:] for m in r["messages"])
    assert data["tokens"] == {"input": prompt, "output": 3 * 4}
    assert data["costUsd"] == pytest.approx((prompt * 0.15 + 12 * 0.60) / 1e6)  # gpt-4o-mini
    assert sum(m["lex"] + m["llm"] for m in data["timeline"]) == 6

    # The conversation log holds one Lex V2-shaped entry per turn, in order.
    log = data_dir / "conversation-log.jsonl"
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["inputTranscript"], e["missedUtterance"]) for e in entries] == [
        (text, source == "llm") for text, source in sent
    ]
    assert all(e["operationName"] == "RecognizeText" and e["bot"]["localeId"] for e in entries)
    # ... which make insights reads as it reads Lex's own.
    stats = ReadStats()
    turns = list(read_turns(log.read_text(encoding="utf-8").splitlines(), stats))
    assert stats.skipped == 0 and [t.missed for t in turns] == [s == "llm" for _, s in sent]
    assert [t.answered for t in turns if t.missed] == [True, True, True, False]


def test_the_stats_page_and_its_files_are_served_on_the_same_origin(run) -> None:
    stack = run[0]
    status, body = _request(stack.url, "GET", "/stats/")
    assert status == 200 and b'src="/stats/stats.js"' in body and b"<style" not in body
    assert b"<script>" not in body  # no inline script: the page runs under script-src 'self'
    for path in ("/stats/stats.js", "/stats/stats.css"):
        assert _request(stack.url, "GET", path)[0] == 200
    assert _request(stack.url, "GET", "/stats/nope")[0] == 404
    assert _request(stack.url, "POST", "/stats/data.json", {})[0] == 405
