"""Streaming (issue 12) end to end on the real local stack: page → /stream gateway → StreamFunction
→ bindings table; /chat → Lex emulator → fallback → fake LLM streaming with delays → Management API
→ the page. Nothing here is scripted except the fake LLM's speed.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, WebSocketRoute, expect
from websockets.sync.client import connect

from tests.browser.chat_page import ChatPage
from tests.browser.conftest import new_context
from tests.browser.stream_probe import FrameLog, install_probe, probe
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

WORDS = 60
ANSWER = "**Streaming** " + " ".join(f"word{i}" for i in range(1, WORDS)) + " end."
SHOWN = ANSWER.replace("**", "")
TURN_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@pytest.fixture(autouse=True)
def stack_streams(stack: Any) -> None:
    """These tests need the stack's /stream (devstack.stream_gateway); a stack without streaming
    support at all (an older devstack) skips them, one with streaming turned off fails them."""
    if not hasattr(stack, "streaming"):
        pytest.skip("this devstack has no /stream gateway")
    assert stack.streaming, "the local stack runs with streaming off"


@pytest.fixture
def streaming_llm(llm: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake LLM writing ANSWER a word every 40 ms after a 200 ms first token (~2.6 s)."""
    llm.set_behavior("ok", reply=ANSWER, first_token_delay=0.2, token_delay=0.04)
    yield llm


@pytest.fixture
def probed(context: BrowserContext) -> BrowserContext:
    install_probe(context)
    return context


def open_bound(context: BrowserContext, stack: Any) -> ChatPage:
    """A tab on the real page whose socket is bound (it then holds a server-issued session id)."""
    chat = ChatPage(context.new_page(), str(stack.url))
    chat.frames = FrameLog(chat.page)  # type: ignore[attr-defined]
    chat.open()
    chat.set_language("en")
    deadline = time.monotonic() + 15
    while chat.session_id() is None and time.monotonic() < deadline:
        chat.page.wait_for_timeout(50)
    assert chat.session_id() is not None, "the socket never bound"
    return chat


def steps_before_final(chat: ChatPage) -> list[str]:
    found = probe(chat.page)
    assert found["finalAt"] is not None, found
    return [str(s).strip() for s in found["seen"][: found["finalAt"]]]


def test_the_answer_grows_in_steps_on_the_real_stack(
    probed: BrowserContext, stack: Any, streaming_llm: FakeOpenAI
) -> None:
    chat = open_bound(probed, stack)
    chat.send("Explain streaming in sixty words, please.")
    expect(chat.page.locator(".msg-stream")).to_have_count(1)
    chat.wait_idle()

    expect(chat.bot_texts).to_have_text([SHOWN])
    steps = steps_before_final(chat)
    assert len(steps) >= 3, steps
    for shorter, longer in itertools.pairwise(steps):
        assert longer.startswith(shorter), steps
    body = chat.chat_bodies[-1]
    assert body["sessionId"] == chat.session_id()
    turn = body["turnId"]
    frames = chat.frames.of_turn(turn)  # type: ignore[attr-defined]
    assert frames[-1] == {"type": "end", "turn": turn, "seq": len(frames), "status": "complete"}
    assert "".join(f["text"] for f in frames[:-1]) == ANSWER
    assert len(frames) <= WORDS / 5 + 1, len(frames)  # batched, not a message per token
    assert probe(chat.page)["bad"] == []


def test_another_tab_never_sees_this_sessions_chunks_and_a_forged_id_is_refused(
    probed: BrowserContext, browser: Any, stack: Any, streaming_llm: FakeOpenAI
) -> None:
    mine = open_bound(probed, stack)
    other_context = new_context(browser, "en-US")
    try:
        install_probe(other_context)
        other = open_bound(other_context, stack)
        assert other.session_id() != mine.session_id()
        # A client that knows the id's shape but not its signature: refused, bound to nothing.
        sid = str(mine.session_id())
        forged = sid[:-4] + ("AAAA" if not sid.endswith("AAAA") else "BBBB")
        with connect(stack.stream_url, open_timeout=10) as sneak:
            sneak.send(json.dumps({"action": "bind", "sessionId": forged}))
            reply = json.loads(sneak.recv(timeout=10))
            assert reply["type"] == "error" and reply["code"] == "invalid_session_id", reply
            sneak.send(json.dumps({"action": "bind", "sessionId": "s1.unsigned.id"}))
            reply = json.loads(sneak.recv(timeout=10))
            assert reply["code"] == "invalid_session_id", reply

            mine.send("Explain streaming in sixty words, please.")
            mine.wait_idle()
            expect(mine.bot_texts).to_have_text([SHOWN])
            assert len(steps_before_final(mine)) >= 3  # the real tab still streams

            with pytest.raises(TimeoutError):
                leaked = sneak.recv(timeout=0.5)
                pytest.fail(f"the forged client got {leaked!r}")
        other.page.wait_for_timeout(300)
        assert other.frames.chunks() == []  # type: ignore[attr-defined]
        assert probe(other.page)["seen"] == []
        expect(other.bots).to_have_count(0)
    finally:
        other_context.close()


def test_a_socket_dropped_mid_answer_still_ends_with_the_full_answer(
    probed: BrowserContext, stack: Any, streaming_llm: FakeOpenAI
) -> None:
    """The page's socket is cut (both ways) after the second chunk of the answer."""
    dropped: list[int] = []

    def relay(route: WebSocketRoute) -> None:
        server = route.connect_to_server()
        chunks = 0

        def to_page(message: str | bytes) -> None:
            nonlocal chunks
            route.send(message)
            if isinstance(message, str) and '"chunk"' in message and not dropped:
                chunks += 1
                if chunks == 2:
                    dropped.append(chunks)
                    server.close()
                    route.close()

        server.on_message(to_page)
        route.on_message(server.send)

    probed.route_web_socket("**/stream", relay)
    chat = open_bound(probed, stack)
    chat.send("Explain streaming in sixty words, please.")
    chat.wait_idle()

    assert dropped == [2]
    expect(chat.bot_texts).to_have_text([SHOWN])
    expect(chat.page.locator(".msg-stream")).to_have_count(0)
    seen = probe(chat.page)["seen"]
    assert seen and len(seen[-1].strip()) < len(SHOWN)  # it stopped growing at the drop
    assert chat.page_errors == []


def test_with_a_bound_socket_the_first_turn_already_carries_the_issued_session(
    context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    """Bound with null on load, the socket got the id: the first /chat sends it and a turnId."""
    chat = open_bound(context, stack)
    sid = chat.session_id()
    with chat.page.expect_response(lambda r: r.url.endswith("/chat") and r.ok) as info:
        chat.send("Tell me something about the weather")
    chat.wait_idle()
    assert info.value.json()["sessionId"] == sid
    assert chat.chat_bodies[0]["sessionId"] == sid
    assert TURN_ID.match(chat.chat_bodies[0]["turnId"])
    assert chat.page_errors == []


def test_a_stored_id_the_server_refuses_is_replaced_on_the_socket_before_the_first_turn(
    context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    forged = "s1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
    context.add_init_script(
        f"if (!sessionStorage.getItem('seeded')) {{ sessionStorage.setItem('seeded', '1');"
        f" sessionStorage.setItem('chat.sessionId', '{forged}'); }}"
    )
    page = context.new_page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/chat") else None)
    chat = ChatPage(page, str(stack.url)).open()
    deadline = time.monotonic() + 15
    while chat.session_id() in (None, forged) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    sid = chat.session_id()
    assert sid not in (None, forged)
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    assert [b.get("sessionId") for b in chat.chat_bodies] == [sid]
    assert statuses == [200]  # no refused turn: the socket already recovered
    assert chat.page_errors == []


def test_new_conversation_gets_its_new_session_on_the_socket(
    context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    chat = open_bound(context, stack)
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    first = chat.session_id()

    chat.page.locator("#new-conversation").click()
    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    deadline = time.monotonic() + 15
    while chat.session_id() in (None, first) and time.monotonic() < deadline:
        chat.page.wait_for_timeout(50)
    second = chat.session_id()
    assert second not in (None, first)
    assert chat.ask("안녕") == "이름이 무엇인가요?"  # a new dialog, not the old slot prompt
    assert chat.chat_bodies[-1]["sessionId"] == second
    assert TURN_ID.match(chat.chat_bodies[-1]["turnId"])
