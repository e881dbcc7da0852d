"""Per-tab sessions with server-issued ids (docs/contracts.md): the page never makes one up, keeps
the one the server returns across reloads, and recovers once when the server refuses it.

The tests about which /chat request carries which id use ``no_stream``: with a bound /stream socket
the socket is what asks for (and recovers) the id; tests/browser/test_stream_stack.py shows that.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, expect

from tests.browser.chat_page import ChatPage

SESSION_ID = re.compile(r"^[0-9a-zA-Z._:-]{2,100}$")
REFUSED = {
    "error": {
        "code": "invalid_session_id",
        "message": "This session id was not issued by this server; start a new conversation "
        "without sessionId.",
    }
}

pytestmark = pytest.mark.browser


def ask_recording_reply(chat: ChatPage, text: str) -> dict[str, Any]:
    """Sends `text`; returns the server's JSON answer to that /chat request."""
    with chat.page.expect_response(lambda r: r.url.endswith("/chat") and r.ok) as info:
        chat.send(text)
    chat.wait_idle()
    reply: dict[str, Any] = info.value.json()
    return reply


def test_the_first_turn_asks_the_server_for_a_session_and_later_turns_send_it_back(
    no_stream: list[str],
    chat: ChatPage,
) -> None:
    chat.set_language("ko")
    assert chat.session_id() is None  # nothing made up before the server speaks

    first = ask_recording_reply(chat, "안녕")

    assert "sessionId" not in chat.chat_bodies[0]
    assert no_stream, "the page never tried its socket"  # so the route above did the refusing
    issued = first["sessionId"]
    assert SESSION_ID.match(issued)
    assert chat.session_id() == issued
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."
    assert chat.chat_bodies[1]["sessionId"] == issued


def test_reload_restores_the_conversation_and_the_session(chat: ChatPage) -> None:
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    session_id = chat.session_id()
    assert session_id is not None and SESSION_ID.match(session_id)

    chat.reload()

    expect(chat.user_texts).to_have_text(["안녕"])
    expect(chat.bot_texts).to_have_text(["이름이 무엇인가요?"])
    expect(chat.bots.first).to_have_attribute("data-source", "lex")
    assert chat.session_id() == session_id
    # The Lex session continues where it was: the slot prompt is answered.
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."
    assert chat.chat_bodies[-1]["sessionId"] == session_id
    chat.screenshot("restored-after-reload")


def test_new_conversation_forgets_the_session_and_the_server_issues_a_new_one(
    no_stream: list[str],
    chat: ChatPage,
) -> None:
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    first = chat.session_id()
    assert first is not None

    chat.page.locator("#new-conversation").click()

    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    assert chat.session_id() is None
    assert chat.ask("안녕") == "이름이 무엇인가요?"  # a new dialog, not the old slot prompt
    second = chat.session_id()
    assert second is not None and second != first
    assert "sessionId" not in chat.chat_bodies[1]

    chat.reload()  # the new conversation is the one restored
    expect(chat.user_texts).to_have_text(["안녕"])
    assert chat.session_id() == second


def test_each_tab_has_its_own_session(chat: ChatPage, context) -> None:
    other = ChatPage(context.new_page(), chat.url).open()
    chat.ask("안녕")
    other.ask("안녕")
    assert chat.session_id() is not None
    assert other.session_id() is not None
    assert chat.session_id() != other.session_id()


def test_a_refused_session_id_is_forgotten_and_the_turn_resent_once(
    no_stream: list[str], chat: ChatPage
) -> None:
    """The dev stack restarted (a new key), or the stored id was tampered with: the server answers
    400 invalid_session_id, and the page starts a new session without bothering the user."""
    chat.set_language("ko")
    stale = "s1.stale-session.from-another-key"
    chat.page.evaluate("id => sessionStorage.setItem('chat.sessionId', id)", stale)
    chat.reload()

    def refuse_stale(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        if body.get("sessionId") == stale:
            route.fulfill(status=400, content_type="application/json", body=json.dumps(REFUSED))
        else:
            route.continue_()

    chat.page.route("**/chat", refuse_stale)

    assert chat.ask("안녕") == "이름이 무엇인가요?"

    expect(chat.errors).to_have_count(0)
    expect(chat.user_texts).to_have_text(["안녕"])  # sent once as far as the user can tell
    assert [b.get("sessionId") for b in chat.chat_bodies] == [stale, None]
    assert [b["text"] for b in chat.chat_bodies] == ["안녕", "안녕"]
    issued = chat.session_id()
    assert issued is not None and issued != stale
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."  # the new session carries on
    assert chat.chat_bodies[-1]["sessionId"] == issued


@pytest.mark.parametrize(
    "stored",
    [
        "ab",  # client-chosen
        "s1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",  # forged: the right shape, a wrong MAC
    ],
)
def test_the_real_server_refuses_an_id_it_did_not_issue_and_the_page_recovers(
    no_stream: list[str], chat: ChatPage, stored: str
) -> None:
    """No route here: the real chat API answers 400 invalid_session_id (docs/contracts.md)."""
    chat.set_language("ko")
    chat.page.evaluate("id => sessionStorage.setItem('chat.sessionId', id)", stored)
    chat.reload()
    with chat.page.expect_response(
        lambda r: r.url.endswith("/chat") and r.status == 400
    ) as refused:
        assert chat.ask("안녕") == "이름이 무엇인가요?"
    assert refused.value.json()["error"]["code"] == "invalid_session_id"
    expect(chat.errors).to_have_count(0)
    assert [b.get("sessionId") for b in chat.chat_bodies] == [stored, None]
    issued = chat.session_id()
    assert issued is not None and issued.startswith("s1.") and issued != stored


def test_a_refused_session_id_is_resent_only_once(no_stream: list[str], chat: ChatPage) -> None:
    chat.set_language("en")
    chat.page.evaluate("() => sessionStorage.setItem('chat.sessionId', 's1.stale.id')")
    chat.reload()
    chat.page.route(
        "**/chat",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps(REFUSED)
        ),
    )

    chat.send("hello")

    expect(chat.errors).to_have_count(1)
    chat.wait_idle()
    assert [b.get("sessionId") for b in chat.chat_bodies] == ["s1.stale.id", None]


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
    assert chat.session_id() != "x1"
