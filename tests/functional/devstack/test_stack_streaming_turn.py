"""A streamed LLM turn through the whole local stack, with the repository's own template.

page socket ─ws /stream─► front server ─► stream gateway ─► StreamFunction (chat app) ─► moto
page ─POST /chat {turnId}─► chat API: binding → Lex emulator ─► fallback ─stream─► fake OpenAI
fallback ─post_to_connection─► Management API ─► the page's socket: chunks, then ``end``.

The final ``/chat`` answer must equal the streamed chunks joined, in ``seq`` order. Every wait is on
a message with a bounded timeout; the fake LLM's token delay only makes several batches likely.
"""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from devstack import Stack
from devstack.stream_template import has_stream_function
from lex_emulator.cfn_template import load_template
from tests.fakes.fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "template.yaml"
TIMEOUT = 30.0
REPLY = " ".join(f"word{n}" for n in range(60)) + " — **done**."


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.set_behavior("ok", reply=REPLY, first_token_delay=0.05, token_delay=0.01)
        yield fake


@pytest.fixture(scope="module")
def stack(llm: FakeOpenAI) -> Iterator[Stack]:
    assert has_stream_function(load_template(TEMPLATE)), "the template has no StreamFunction"
    env_vars = {"FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": llm.base_url}}
    with Stack(port=0, template=TEMPLATE, env_vars=env_vars) as running:
        yield running


def _post_chat(stack: Stack, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    host, port = stack.url.split("://", 1)[1].rstrip("/").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        data = json.dumps(body, ensure_ascii=False).encode()
        conn.request("POST", "/chat", body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _bind(ws: ClientConnection, session_id: str | None = None) -> str:
    ws.send(json.dumps({"action": "bind", "sessionId": session_id}))
    reply = json.loads(ws.recv(timeout=TIMEOUT))
    assert reply["type"] == "bound", reply
    return str(reply["sessionId"])


def _frames_until_end(ws: ClientConnection, turn: str) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    for _ in range(10_000):  # bounded; the end marker comes first
        frame = json.loads(ws.recv(timeout=TIMEOUT))
        if frame.get("turn") != turn:
            continue
        frames.append(frame)
        if frame["type"] == "end":
            return frames
    pytest.fail("no end marker")


def test_a_fallback_turn_streams_chunks_that_add_up_to_the_final_answer(stack, llm):
    with connect(stack.stream_url, open_timeout=TIMEOUT) as ws:
        session_id = _bind(ws)
        turn = "t" + uuid.uuid4().hex[:15]
        status, answer = _post_chat(
            stack,
            {"text": "Why is the sky blue?", "sessionId": session_id, "turnId": turn},
        )
        assert status == 200, answer
        assert answer["source"] == "llm"
        frames = _frames_until_end(ws, turn)
    chunks = sorted((f for f in frames if f["type"] == "chunk"), key=lambda f: f["seq"])
    end = frames[-1]
    assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert end == {"type": "end", "turn": turn, "seq": len(chunks) + 1, "status": "complete"}
    assert "".join(c["text"] for c in chunks) == answer["messages"][0]["content"] == REPLY
    # Batched: fewer WebSocket messages than tokens.
    assert 1 <= len(chunks) < len(REPLY.split())


def test_a_turn_without_turn_id_streams_nothing_and_answers_the_same(stack):
    with connect(stack.stream_url, open_timeout=TIMEOUT) as ws:
        session_id = _bind(ws)
        status, answer = _post_chat(
            stack, {"text": "Why is the sky blue?", "sessionId": session_id}
        )
        assert status == 200 and answer["messages"][0]["content"] == REPLY
        # A second bind's reply is the next frame: nothing was streamed in between.
        ws.send(json.dumps({"action": "bind", "sessionId": session_id}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["type"] == "bound"


def test_a_turn_id_for_a_session_bound_elsewhere_streams_only_there(stack):
    with (
        connect(stack.stream_url, open_timeout=TIMEOUT) as first,
        connect(stack.stream_url, open_timeout=TIMEOUT) as second,
    ):
        session_id = _bind(first)
        other_session = _bind(second)
        turn = "t" + uuid.uuid4().hex[:15]
        status, answer = _post_chat(
            stack, {"text": "Why is the sky blue?", "sessionId": session_id, "turnId": turn}
        )
        assert status == 200 and answer["messages"][0]["content"] == REPLY
        frames = _frames_until_end(first, turn)
        assert "".join(f["text"] for f in frames if f["type"] == "chunk") == REPLY
        second.send(json.dumps({"action": "bind", "sessionId": other_session}))
        assert json.loads(second.recv(timeout=TIMEOUT))["type"] == "bound"  # no chunk before it
