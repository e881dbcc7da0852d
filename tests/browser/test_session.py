"""Per-tab sessions: restored after a reload, replaced by "New conversation"."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, expect

from tests.browser.chat_page import ChatPage

SESSION_ID = re.compile(r"^[0-9a-zA-Z._:-]{2,100}$")

pytestmark = pytest.mark.browser


def test_reload_restores_the_conversation_and_the_session(chat: ChatPage) -> None:
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    session_id = chat.session_id()
    assert SESSION_ID.match(session_id)

    chat.reload()

    expect(chat.user_texts).to_have_text(["안녕"])
    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])
    expect(chat.bots.first).to_have_attribute("data-source", "lex")
    assert chat.session_id() == session_id
    # The Lex session continues where it was: the slot prompt is answered.
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."
    assert chat.chat_bodies[-1]["sessionId"] == session_id
    chat.screenshot("restored-after-reload")


def test_new_conversation_gets_a_new_session(chat: ChatPage) -> None:
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    first = chat.session_id()

    chat.page.locator("#new-conversation").click()

    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    second = chat.session_id()
    assert SESSION_ID.match(second)
    assert second != first
    chat.ask("안녕")
    assert [b["sessionId"] for b in chat.chat_bodies] == [first, second]

    chat.reload()  # the new conversation is the one restored
    expect(chat.user_texts).to_have_text(["안녕"])
    assert chat.session_id() == second


def test_each_tab_has_its_own_session(chat: ChatPage, context) -> None:
    other = ChatPage(context.new_page(), chat.url).open()
    assert chat.session_id() != other.session_id()


def test_new_conversation_while_waiting_drops_the_late_answer(chat: ChatPage) -> None:
    held: list[Route] = []
    failed: list[str] = []
    chat.page.on(
        "requestfailed",
        lambda r: failed.append(r.failure or "") if r.url.endswith("/chat") else None,
    )
    chat.page.route("**/chat", lambda route: held.append(route))
    chat.send("안녕")
    expect(chat.page.locator(".typing")).to_be_visible()

    chat.page.locator("#new-conversation").click()

    expect(chat.page.locator(".typing")).to_be_empty()
    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    chat.page.wait_for_function("true")  # let the abort reach the network layer
    late = {"sessionId": "x1", "messages": [{"content": "LATE"}], "source": "lex"}
    with contextlib.suppress(PlaywrightError):  # the browser already cancelled it
        held[0].fulfill(status=200, content_type="application/json", body=json.dumps(late))
    chat.page.unroute("**/chat")
    assert chat.ask("hello") != "LATE"
    expect(chat.bot_texts.filter(has_text="LATE")).to_have_count(0)
    expect(chat.user_texts).to_have_text(["hello"])
    assert failed, "the old request was not cancelled"
    assert chat.bots.count() == 1
