"""Hostile text from the model or the user never runs and never becomes live HTML."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

HOSTILE = (
    "Here you go **friend**:\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "<script>alert(1)</script>\n\n"
    "[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(2))\n\n"
    '<a href="javascript:alert(3)">z</a> <iframe src="javascript:alert(4)"></iframe>\n\n'
    '<svg onload=alert(5)></svg> <b onmouseover="alert(6)">hover</b>\n\n'
    "![img](x onerror=alert(7))"
)

DANGEROUS = (
    "img, script, iframe, svg, object, embed, style, [onerror], [onload], [onmouseover], "
    'a[href^="javascript:" i], [src^="javascript:" i]'
)

pytestmark = pytest.mark.browser


def assert_inert(chat: ChatPage) -> None:
    messages = chat.page.locator("#messages")
    expect(messages.locator(DANGEROUS)).to_have_count(0)
    # Give any handler a chance to fire before checking that none did.
    chat.page.locator(".msg-body").last.hover()
    chat.page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    assert chat.dialogs == []
    assert chat.page.evaluate("window.__pwned === undefined")


def test_llm_answer_with_html_and_javascript_links_stays_inert(
    chat: ChatPage, llm: FakeOpenAI
) -> None:
    llm.set_behavior("ok", reply=HOSTILE)

    chat.ask("무엇이든 물어봐도 되나요?")

    body = chat.bots.last.locator(".msg-body")
    expect(chat.bots.last).to_have_attribute("data-source", "llm")
    expect(body.locator("strong")).to_have_text("friend")  # the Markdown path really ran
    expect(body).to_contain_text("<img src=x onerror=alert(1)>")  # raw HTML shows as text
    for link in body.locator("a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    assert_inert(chat)
    chat.screenshot("hostile-llm-answer")


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "[x](javascript:alert(1)) **not bold**",
    ],
)
def test_user_text_is_shown_as_text(chat: ChatPage, text: str) -> None:
    chat.send(text)
    expect(chat.users.last.locator(".msg-body")).to_have_text(text)
    chat.wait_idle()
    assert_inert(chat)
    expect(chat.users.last.locator("strong")).to_have_count(0)


def test_without_the_markdown_libraries_answers_fall_back_to_plain_text(
    context, stack, llm: FakeOpenAI
) -> None:
    """If vendor/ failed to load (404), LLM answers are shown verbatim with textContent."""
    page = context.new_page()
    page.route("**/vendor/**", lambda route: route.fulfill(status=404, body="not found"))
    chat = ChatPage(page, str(stack.url)).open()
    llm.set_behavior("ok", reply=HOSTILE)

    chat.ask("마크다운 없이 답해 줘")

    body = chat.bots.last.locator(".msg-body")
    expect(body).to_have_class("msg-body plain")
    expect(body.locator("*")).to_have_count(0)
    assert body.text_content() == HOSTILE
    assert_inert(chat)
