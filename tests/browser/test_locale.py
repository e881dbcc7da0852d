"""A turn goes to the bot locale its text is plainly in, unless the user chose one (issue 10, item 8).

Reported: a user whose browser is English and who types Korean got the en_US bot, which cannot
match "안녕", so the LLM answered instead of the HelloWorld intent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.chat_page import ChatPage
from tests.browser.conftest import new_context
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser


@pytest.fixture
def english_context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = new_context(browser, "en-US")
    yield ctx
    ctx.close()


@pytest.fixture
def english_chat(
    english_context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> Iterator[ChatPage]:
    """The page in a browser whose language is English, with no language chosen in the menu."""
    cp = ChatPage(english_context.new_page(), str(stack.url)).open()
    expect(cp.page.locator("html")).to_have_attribute("lang", "en")
    yield cp
    assert cp.page_errors == [], f"uncaught page errors: {cp.page_errors}"


def locales(chat: ChatPage) -> list[str]:
    return [b["localeId"] for b in chat.chat_bodies]


def test_korean_text_in_an_english_browser_goes_to_the_korean_bot_and_says_so(
    english_chat: ChatPage, llm: FakeOpenAI
) -> None:
    chat = english_chat
    asked = len(llm.requests)

    assert chat.ask("안녕") == "이름이 무엇인가요?"  # HelloWorld, not the LLM
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."

    assert locales(chat) == ["ko_KR", "ko_KR"]
    assert len(llm.requests) == asked
    badge = chat.users.first.locator(".badge-locale")
    expect(badge).to_have_text("Sent in Korean")
    expect(badge).to_have_attribute("data-locale", "ko_KR")
    expect(chat.page.locator("html")).to_have_attribute("lang", "en")  # the UI stays English
    chat.screenshot("locale-detected-korean")

    assert chat.ask("hello") == "What is your name?"  # English text: the page's own locale
    assert locales(chat)[-1] == "en_US"
    expect(chat.users.last.locator(".badge-locale")).to_have_count(0)


def test_an_open_dialog_keeps_its_locale_whatever_the_answer_looks_like(
    english_chat: ChatPage,
) -> None:
    chat = english_chat
    assert chat.ask("hello") == "What is your name?"

    chat.send("홍길동")  # Hangul, but it answers the English slot prompt
    chat.wait_idle()

    assert locales(chat) == ["en_US", "en_US"]
    expect(chat.users.last.locator(".badge-locale")).to_have_count(0)


def test_english_text_in_a_korean_browser_goes_to_the_english_bot(chat: ChatPage) -> None:
    assert chat.ask("hello") == "What is your name?"
    assert locales(chat) == ["en_US"]
    expect(chat.users.first.locator(".badge-locale")).to_have_text("영어로 보냄")


def test_mixed_or_unclear_text_stays_in_the_pages_locale(chat: ChatPage) -> None:
    """Korean browser: only plainly English text leaves ko_KR."""
    for text in ("what time is it", "12345 ?!", "a", "hello 안녕 world there"):
        chat.send(text)
        chat.wait_idle()
    assert locales(chat) == ["en_US", "ko_KR", "ko_KR", "ko_KR"]


def test_an_explicit_choice_is_never_overridden(english_chat: ChatPage) -> None:
    chat = english_chat
    chat.set_language("en")  # chosen in the menu

    chat.send("안녕")
    chat.wait_idle()
    assert locales(chat) == ["en_US"]
    expect(chat.users.last.locator(".badge-locale")).to_have_count(0)

    chat.reload()  # the choice is remembered
    chat.send("안녕하세요")
    chat.wait_idle()
    assert locales(chat)[-1] == "en_US"


def test_choosing_korean_keeps_english_text_korean(chat: ChatPage) -> None:
    chat.set_language("ko")
    chat.send("hello")
    chat.wait_idle()
    assert locales(chat) == ["ko_KR"]


DETECTION = [
    ("안녕", "ko"),
    ("네", "ko"),
    ("GPT-4가 뭐야?", "ko"),  # Korean with a product name
    ("hello", "en"),
    ("What is the weather like?", "en"),
    ("ok", "en"),
    ("a", None),  # one letter is not plain enough
    ("12345 !?", None),
    ("hello 안녕 world there", None),  # mixed
    ("こんにちは", None),  # not one of the bot's languages
    ("Привет", None),
    ("café crème", "en"),  # Latin letters
]


def test_which_texts_are_plainly_in_one_language(chat: ChatPage) -> None:
    texts = [text for text, _ in DETECTION]
    got = chat.page.evaluate(
        "async (texts) => { const m = await import('/js/locale.js');"
        " return texts.map((t) => m.detectLang(t)); }",
        texts,
    )
    assert dict(zip(texts, got, strict=True)) == dict(DETECTION)
