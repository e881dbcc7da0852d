"""Conversations through the real local stack: Lex intents, the LLM fallback, both locales."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT")


def test_korean_hello_world_dialog_end_to_end(chat: ChatPage) -> None:
    chat.set_language("ko")

    assert chat.ask("안녕") == "이름이 무엇인가요?"
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."

    expect(chat.user_texts).to_have_text(["안녕", "홍길동"])
    for i in range(chat.bots.count()):
        bubble = chat.bots.nth(i)
        expect(bubble).to_have_attribute("data-source", "lex")
        expect(bubble.locator(".badge")).to_have_text("Lex")
        expect(bubble.locator("time")).to_have_attribute("datetime", ISO_TIME)
    assert [b["localeId"] for b in chat.chat_bodies] == ["ko_KR", "ko_KR"]
    assert [b["text"] for b in chat.chat_bodies] == ["안녕", "홍길동"]
    # The first turn has no session id (or the one the server issued on the page's /stream
    # socket); the server issues one and the page sends it back.
    assert chat.chat_bodies[0].get("sessionId") in (None, chat.session_id())
    assert chat.session_id() is not None
    assert chat.chat_bodies[1]["sessionId"] == chat.session_id()
    chat.screenshot("korean-hello-world")


def test_fallback_question_is_answered_with_the_llm_badge(chat: ChatPage, llm: FakeOpenAI) -> None:
    chat.set_language("ko")
    question = "양자 컴퓨터를 쉽게 설명해 줄래?"

    answer = chat.ask(question)

    assert answer == f"[fake-llm] You asked: {question}"
    last = chat.bots.last
    expect(last).to_have_attribute("data-source", "llm")
    expect(last.locator(".badge")).to_have_text("LLM")
    assert any(
        m.get("role") == "user" and m.get("content") == question
        for body in llm.requests
        for m in body.get("messages", [])
    ), "the question never reached the LLM"
    chat.screenshot("fallback-llm-answer")


def test_llm_markdown_is_rendered(chat: ChatPage, llm: FakeOpenAI) -> None:
    llm.set_behavior(
        "ok", reply="**굵게** 그리고 `code`\n\n- 하나\n- 둘\n\n[문서](https://example.com/doc)"
    )

    chat.ask("마크다운으로 답해 줘")

    body = chat.bots.last.locator(".msg-body")
    expect(body.locator("strong")).to_have_text("굵게")
    expect(body.locator("code")).to_have_text("code")
    expect(body.locator("li")).to_have_text(["하나", "둘"])
    link = body.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/doc")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_english_locale(chat: ChatPage) -> None:
    chat.set_language("en")

    expect(chat.send_button).to_have_text("Send")
    expect(chat.page.locator("#new-conversation")).to_have_text("New conversation")
    expect(chat.page.get_by_role("log", name="Conversation")).to_be_visible()
    assert chat.ask("hello") == "What is your name?"
    assert chat.ask("Alice") == "Nice to meet you, Alice."
    assert [b["localeId"] for b in chat.chat_bodies] == ["en_US", "en_US"]
    chat.screenshot("english-locale")

    chat.reload()  # the choice is remembered
    expect(chat.page.locator("#lang")).to_have_value("en")
    expect(chat.send_button).to_have_text("Send")


def test_every_message_of_a_turn_gets_its_own_bubble(chat: ChatPage, llm: FakeOpenAI) -> None:
    """The fallback splits a long answer into several Lex messages (≤ 1000 characters each)."""
    paragraphs = [
        f"{i}번째 문단입니다. " + "가나다라마바사아자차카타파하 " * 60 for i in range(1, 4)
    ]
    llm.set_behavior("ok", reply="\n\n".join(paragraphs))

    chat.ask("긴 답을 해 줘")

    expect(chat.users).to_have_count(1)
    count = chat.bots.count()
    assert count >= 3, f"a {sum(map(len, paragraphs))}-character answer came as {count} bubble(s)"
    expect(chat.bots.locator(".badge")).to_have_text(["LLM"] * count)
    joined = " ".join(chat.bot_text(i) for i in range(count))
    assert all(p.split(".")[0] in joined for p in paragraphs)


def test_several_lex_messages_and_ssml_are_each_shown(chat: ChatPage) -> None:
    """Page contract: each message of a /chat answer is a bubble; SSML shows as its text only."""
    reply = {
        "sessionId": "s1.routed-session",
        "messages": [
            {"content": "첫 번째 메시지", "contentType": "PlainText"},
            {"content": "<speak>두 번째 <break time='1s'/>메시지</speak>", "contentType": "SSML"},
            {"content": "세 번째 <b>메시지</b>", "contentType": "PlainText"},
        ],
        "intent": {"name": "HelloWorld", "state": "InProgress"},
        "dialogAction": "ElicitSlot",
        "source": "lex",
    }
    chat.page.route(
        "**/chat",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(reply)
        ),
    )

    chat.send("안녕")

    expect(chat.bot_texts).to_have_text(
        ["첫 번째 메시지", "두 번째 메시지", "세 번째 <b>메시지</b>"]
    )
    expect(chat.bots.locator("b, speak, break")).to_have_count(0)
