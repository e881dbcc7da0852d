"""The page reads well on a 360 px phone and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

LONG_WORD = "가나다라마바사" * 40
WIDE_MARKDOWN = (
    "```\n" + "x" * 400 + "\n```\n\n| a | b | c |\n|---|---|---|\n| " + "y" * 200 + " | 2 | 3 |"
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1440, 900)])
def test_no_horizontal_scroll_and_input_visible(
    chat: ChatPage, llm: FakeOpenAI, width: int, height: int
) -> None:
    page = chat.page
    page.set_viewport_size({"width": width, "height": height})
    llm.set_behavior("ok", reply=WIDE_MARKDOWN)
    chat.ask("넓은 표를 보여 줘")
    expect(chat.bots.last).to_have_attribute("data-source", "llm")
    expect(chat.bots.last.locator("pre")).to_have_count(1)
    expect(chat.bots.last.locator("table")).to_have_count(1)
    llm.set_behavior("ok")
    chat.ask(LONG_WORD)
    expect(chat.user_texts.last).to_have_text(LONG_WORD)
    assert chat.ask("안녕") == "이름이 무엇인가요?"

    size = page.evaluate(
        """() => {
          const root = document.documentElement;
          return {sw: root.scrollWidth, cw: root.clientWidth, sh: root.scrollHeight,
                  ch: root.clientHeight, bodySw: document.body.scrollWidth};
        }"""
    )
    assert size["sw"] <= size["cw"] and size["bodySw"] <= size["cw"], size  # no horizontal scroll
    assert size["sh"] <= size["ch"], size  # only the message log scrolls, not the page
    for hook in ("#input", "#send", "#counter", "#new-conversation", "#lang"):
        box = page.locator(hook).bounding_box()
        assert box is not None, hook
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (hook, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (hook, box)
    for bubble in page.locator("#messages .msg").all():
        box = bubble.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, box
    expect(chat.input).to_be_in_viewport()
    chat.screenshot(f"layout-{width}px")
