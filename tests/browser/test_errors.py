"""Failures end in a friendly, localised message; Retry re-sends the same text; nothing is lost."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Route, expect

from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

FRIENDLY_SERVER_KO = "챗봇이 지금은 답변하지 못했습니다. 잠시 후 다시 시도해 주세요."
FRIENDLY_NETWORK_EN = "Could not reach the server. Check your connection and try again."
FRIENDLY_TIMEOUT_KO = "응답이 너무 오래 걸립니다. 잠시 후 다시 시도해 주세요."

pytestmark = pytest.mark.browser


def fail_once(status: int, error: dict[str, str]):
    """A route handler: the first /chat gets an API error, later ones go through."""
    calls: list[str] = []

    def handler(route: Route) -> None:
        if calls:
            route.continue_()
            return
        calls.append(route.request.post_data or "")
        route.fulfill(
            status=status, content_type="application/json", body=json.dumps({"error": error})
        )

    return handler


LEAKS = ("Traceback", "test-key", "500", "server_error", "[fake-llm]")


def ask_while_llm_is_down(chat: ChatPage, llm: FakeOpenAI, question: str) -> str:
    """Sends `question` with the LLM answering 500; returns the notice in the error bubble."""
    asked = len(llm.requests)
    llm.set_behavior("status", status=500)
    chat.send(question)
    error = chat.errors.last
    expect(error.locator("button.retry")).to_be_visible()
    chat.wait_idle()
    assert len(llm.requests) > asked, "the fallback never asked the LLM"
    notice = error.locator(".error-text").inner_text().strip()
    assert notice, "the error bubble is empty"
    for leak in LEAKS:
        assert leak not in notice
    expect(chat.bots).to_have_count(0)  # the notice is not passed off as an LLM answer
    expect(chat.user_texts).to_have_text([question])  # the text typed is kept
    expect(chat.users.last).to_have_class(re.compile(r"\bmsg-failed\b"))
    return notice


def test_llm_down_gives_a_friendly_error_then_retry_works_when_back(
    chat: ChatPage, llm: FakeOpenAI
) -> None:
    """The fallback answers 200 with the intent Failed and a notice: the page shows an error."""
    chat.set_language("ko")
    question = "LLM이 꺼져 있으면 어떻게 되나요?"

    ask_while_llm_is_down(chat, llm, question)
    retry = chat.errors.last.get_by_role("button", name="다시 시도")
    expect(retry).to_have_count(1)
    chat.screenshot("llm-down-error-with-retry")

    llm.set_behavior("ok")
    retry.click()

    expect(chat.bot_texts).to_have_text([f"[fake-llm] You asked: {question}"])
    expect(chat.bots.last).to_have_attribute("data-source", "llm")
    expect(chat.bots.last.locator(".badge-llm")).to_have_text("LLM")
    expect(chat.errors).to_have_count(0)
    expect(chat.user_texts).to_have_text([question])  # retried, not duplicated
    expect(chat.users.last).not_to_have_class(re.compile(r"\bmsg-failed\b"))
    assert [b["text"] for b in chat.chat_bodies] == [question, question]
    # The LLM-down notice is an answer too: the session the server issued with it is kept.
    assert chat.chat_bodies[0].get("sessionId") in (None, chat.session_id())  # None: no socket
    assert chat.session_id() is not None
    assert chat.chat_bodies[1]["sessionId"] == chat.session_id()


def test_llm_down_error_survives_a_reload_with_its_retry(chat: ChatPage, llm: FakeOpenAI) -> None:
    chat.set_language("ko")
    question = "새로 고쳐도 다시 물어볼 수 있나요?"
    notice = ask_while_llm_is_down(chat, llm, question)
    session_id = chat.session_id()
    assert session_id is not None

    chat.reload()

    expect(chat.user_texts).to_have_text([question])
    expect(chat.errors).to_have_count(1)
    expect(chat.errors.last.locator(".error-text")).to_have_text(notice)
    chat.set_language("en")  # the button follows the UI language; the notice keeps its own
    retry = chat.errors.last.get_by_role("button", name="Retry")
    expect(retry).to_have_count(1)
    expect(chat.bots).to_have_count(0)

    llm.set_behavior("ok")
    retry.click()

    expect(chat.bot_texts).to_have_text([f"[fake-llm] You asked: {question}"])
    expect(chat.bots.last).to_have_attribute("data-source", "llm")
    expect(chat.errors).to_have_count(0)
    assert [b["text"] for b in chat.chat_bodies] == [question, question]
    assert chat.chat_bodies[1]["sessionId"] == session_id


def test_http_error_shows_a_friendly_error_and_retry_resends_the_same_text(
    chat: ChatPage,
) -> None:
    chat.set_language("ko")
    chat.page.route(
        "**/chat",
        fail_once(502, {"code": "DependencyFailed", "message": "The fallback code hook failed."}),
    )

    chat.send("안녕")

    error = chat.errors.last
    expect(error.locator(".error-text")).to_have_text(FRIENDLY_SERVER_KO)
    expect(error).to_contain_text("The fallback code hook failed.")
    expect(chat.users.last.locator(".msg-body")).to_have_text("안녕")  # the text is kept
    expect(chat.bots).to_have_count(0)
    chat.screenshot("http-error-with-retry")

    error.get_by_role("button", name="다시 시도").click()

    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])
    expect(chat.errors).to_have_count(0)
    expect(chat.users).to_have_count(1)  # retried, not duplicated
    assert [b["text"] for b in chat.chat_bodies] == ["안녕", "안녕"]
    # The 502 issued no session, so the retry, like the first try, asks the server for one, unless
    # the page's /stream socket was issued one meanwhile (the socket may bind before or after the
    # first try): then the turns after that carry it.
    sent = [b.get("sessionId") for b in chat.chat_bodies]
    assert sent in ([None, None], [None, chat.session_id()], [chat.session_id()] * 2), sent


def test_network_error_then_retry(chat: ChatPage) -> None:
    chat.set_language("en")
    failed: list[bool] = []

    def abort_once(route: Route) -> None:
        if failed:
            route.continue_()
        else:
            failed.append(True)
            route.abort("connectionrefused")

    chat.page.route("**/chat", abort_once)
    chat.send("hello")

    expect(chat.errors.last.locator(".error-text")).to_have_text(FRIENDLY_NETWORK_EN)
    chat.errors.last.locator("button.retry").click()
    expect(chat.bot_texts).to_have_text(["What is your name?"])
    assert [b["text"] for b in chat.chat_bodies] == ["hello", "hello"]


def test_timeout_shows_an_error_and_retry_works(context, stack, llm: FakeOpenAI) -> None:
    """The page gives up after ~35 s (AbortController). A fake clock gets there at once."""
    page = context.new_page()
    page.clock.install()
    chat = ChatPage(page, str(stack.url)).open()
    chat.set_language("ko")
    held: list[Route] = []
    page.route("**/chat", lambda route: held.append(route))

    chat.send("안녕")
    expect(page.locator(".typing")).to_be_visible()
    page.clock.run_for(34_000)
    expect(chat.errors).to_have_count(0)  # not yet
    page.clock.run_for(2_000)

    expect(chat.errors.last.locator(".error-text")).to_have_text(FRIENDLY_TIMEOUT_KO)
    expect(chat.send_button).to_be_disabled()  # input is empty; the text lives in the bubble
    page.unroute("**/chat")
    chat.errors.last.locator("button.retry").click()
    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])
    assert [b["text"] for b in chat.chat_bodies] == ["안녕", "안녕"]
    assert chat.dialogs == []


def test_error_and_draft_survive_a_reload(chat: ChatPage) -> None:
    chat.set_language("ko")
    chat.page.route("**/chat", fail_once(503, {"code": "LexUnavailable", "message": "down"}))
    chat.send("안녕")
    expect(chat.errors).to_have_count(1)
    chat.input.fill("쓰다 만 메시지")

    chat.reload()

    expect(chat.input).to_have_value("쓰다 만 메시지")
    expect(chat.errors).to_have_count(1)
    chat.set_language("en")  # the error is re-told in the new language
    expect(chat.errors.last.locator(".error-text")).to_have_text(
        "The chatbot could not answer right now. Please try again in a moment."
    )
    chat.set_language("ko")
    chat.errors.last.locator("button.retry").click()
    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])


def test_reload_during_a_request_offers_retry(chat: ChatPage) -> None:
    chat.set_language("ko")
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered: the reload cancels it

    chat.page.route("**/chat", hold_first)
    chat.send("안녕")
    expect(chat.page.locator(".typing")).to_be_visible()

    chat.reload()

    expect(chat.user_texts).to_have_text(["안녕"])
    expect(chat.errors.last.locator(".error-text")).to_have_text(
        "페이지를 새로 고치는 동안 답변을 받지 못했습니다."
    )
    chat.errors.last.locator("button.retry").click()
    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])
    expect(chat.user_texts).to_have_text(["안녕"])
