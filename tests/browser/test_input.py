"""The composer: Enter, Shift+Enter, IME composition, the counter, the send button, keyboard use."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import ANSWER_TIMEOUT_MS, ChatPage

# Records every Enter keydown the textarea sees, so the IME test can prove the key really arrived
# (a test whose Enter never reached the page could not fail).
RECORD_ENTER = """
window.__enterKeys = [];
document.getElementById('input').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') window.__enterKeys.push({isComposing: e.isComposing, keyCode: e.keyCode});
}, true);
"""

pytestmark = pytest.mark.browser


def test_enter_during_ime_composition_does_not_send(chat: ChatPage) -> None:
    chat.set_language("ko")
    chat.input.focus()
    chat.page.evaluate(RECORD_ENTER)
    cdp = chat.page.context.new_cdp_session(chat.page)

    # Compose 안녕 the way a Korean IME does, and press Enter while the last syllable is composing.
    cdp.send("Input.insertText", {"text": "안"})
    cdp.send("Input.imeSetComposition", {"text": "녕", "selectionStart": 1, "selectionEnd": 1})
    cdp.send(
        "Input.dispatchKeyEvent",
        {"type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
    )
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter"})

    keys = chat.page.evaluate("window.__enterKeys")
    assert keys, "the Enter key never reached the textarea"
    assert all(k["isComposing"] for k in keys), keys
    expect(chat.users).to_have_count(0)
    assert chat.chat_bodies == []

    # Committing the syllable and pressing a real Enter sends the whole word, once.
    cdp.send("Input.insertText", {"text": "녕"})
    expect(chat.input).to_have_value("안녕")
    chat.input.press("Enter")
    expect(chat.user_texts).to_have_text(["안녕"])
    chat.wait_idle()
    assert [b["text"] for b in chat.chat_bodies] == ["안녕"]


SYNTHETIC_ENTER = """(keyCode) => document.getElementById('input').dispatchEvent(
  new KeyboardEvent('keydown',
    {key: 'Enter', code: 'Enter', keyCode, bubbles: true, cancelable: true}))"""
COMPOSITION = """(type) => document.getElementById('input').dispatchEvent(
  new CompositionEvent(type, {data: '한'}))"""


def test_enter_with_keycode_229_does_not_send(chat: ChatPage) -> None:
    """Some browsers (Safari) report the IME's Enter only as keyCode 229, after compositionend."""
    chat.input.fill("한")
    chat.page.evaluate(SYNTHETIC_ENTER, 229)
    expect(chat.users).to_have_count(0)
    chat.page.evaluate(SYNTHETIC_ENTER, 13)  # the same event with a plain Enter does send
    expect(chat.user_texts).to_have_text(["한"])
    chat.wait_idle()
    assert [b["text"] for b in chat.chat_bodies] == ["한"]


def test_enter_between_composition_events_does_not_send(chat: ChatPage) -> None:
    chat.input.fill("한")
    chat.page.evaluate(COMPOSITION, "compositionstart")
    chat.page.evaluate(SYNTHETIC_ENTER, 13)
    expect(chat.users).to_have_count(0)
    expect(chat.input).to_have_value("한")
    chat.page.evaluate(COMPOSITION, "compositionend")
    chat.page.evaluate(SYNTHETIC_ENTER, 13)
    expect(chat.user_texts).to_have_text(["한"])
    chat.wait_idle()
    assert [b["text"] for b in chat.chat_bodies] == ["한"]


def test_shift_enter_inserts_a_newline_and_enter_sends(chat: ChatPage) -> None:
    chat.input.focus()
    chat.page.keyboard.type("첫 줄")
    chat.page.keyboard.press("Shift+Enter")
    chat.page.keyboard.type("둘째 줄")

    expect(chat.input).to_have_value("첫 줄\n둘째 줄")
    expect(chat.users).to_have_count(0)

    chat.page.keyboard.press("Enter")
    expect(chat.users).to_have_count(1)
    expect(chat.input).to_have_value("")
    chat.wait_idle()
    assert chat.chat_bodies[0]["text"] == "첫 줄\n둘째 줄"
    assert chat.users.first.locator(".msg-body").inner_text() == "첫 줄\n둘째 줄"


def test_counter_and_send_button_state(chat: ChatPage) -> None:
    chat.set_language("en")
    counter = chat.page.locator("#counter")
    expect(counter).to_have_text("0 / 1024")
    expect(chat.send_button).to_be_disabled()

    chat.input.fill("   \n  ")  # whitespace only
    expect(counter).to_have_text("0 / 1024")
    expect(chat.send_button).to_be_disabled()

    chat.input.fill("한글😀")  # UTF-16 code units, like the API and Lex: the emoji counts 2
    expect(counter).to_have_text("4 / 1024")
    expect(chat.send_button).to_be_enabled()

    chat.input.fill("가" * 1025)
    expect(counter).to_have_text("1025 / 1024")
    expect(counter).to_have_class("counter over")
    expect(chat.input).to_have_attribute("aria-invalid", "true")
    expect(chat.send_button).to_be_disabled()
    chat.input.press("Enter")
    expect(chat.users).to_have_count(0)
    expect(chat.input).to_have_value("가" * 1025)  # nothing is cut off or lost

    chat.input.fill("가" * 1024)
    expect(chat.send_button).to_be_enabled()


TEXT_RULE_CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "support" / "text_rule_cases.json").read_text("utf-8")
)["cases"]


def test_the_page_applies_the_apis_text_rule_to_every_shared_case(chat: ChatPage) -> None:
    """tests/support/text_rule_cases.json: the API's own cases, through the page's text.js."""
    got = chat.page.evaluate(
        """async (cases) => {
          const rule = await import("/js/text.js");
          return cases.map((c) => ({name: c.name, output: rule.cleanText(c.input),
                                    blank: rule.isBlank(c.input), utf16: rule.textLength(c.input)}));
        }""",
        TEXT_RULE_CASES,
    )
    expected = [
        {"name": c["name"], "output": c["output"], "blank": c["blank"], "utf16": c["utf16"]}
        for c in TEXT_RULE_CASES
    ]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "count", "sendable"),
    [
        (unicodedata.normalize("NFD", "안녕하세요"), 5, True),  # 12 jamo in NFD, 5 syllables
        ("\u200b\u2060\ufeff\u200e\u202e\u2066", 0, False),  # zero-width and bidi only
        ("\u200d\ufe0f \u3164", 4, False),  # what is left is invisible: blank, like the API says
        ("a\u202eb\u00adc", 3, True),  # a bidi override and a soft hyphen are dropped
        ("👨\u200d👩\u200d👧", 8, True),  # a ZWJ sequence keeps its joiners
        ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 14, True),  # tags
    ],
    ids=["nfd-hangul", "invisible-only", "blank", "bidi", "zwj", "tags"],
)
def test_the_counter_and_send_button_follow_the_text_rule(
    chat: ChatPage, text: str, count: int, sendable: bool
) -> None:
    chat.set_language("en")
    chat.input.fill(text)
    expect(chat.page.locator("#counter")).to_have_text(f"{count} / 1024")
    if sendable:
        expect(chat.send_button).to_be_enabled()
    else:
        expect(chat.send_button).to_be_disabled()
        chat.input.press("Enter")
        expect(chat.users).to_have_count(0)
        assert chat.chat_bodies == []  # invisible text never costs a call


def test_nfd_text_at_the_limit_is_sendable_and_the_api_agrees(chat: ChatPage) -> None:
    """2,048 UTF-16 units as typed (NFD), 1,024 after NFC: the page sends it; the API takes it."""
    chat.set_language("ko")
    text = unicodedata.normalize("NFD", "가" * 1024)
    assert len(text) == 2048
    chat.input.fill(text)
    expect(chat.page.locator("#counter")).to_have_text("1024 / 1024")
    expect(chat.send_button).to_be_enabled()

    chat.input.press("Enter")
    expect(chat.bots).not_to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    chat.wait_idle()
    expect(chat.errors).to_have_count(0)

    chat.input.fill(unicodedata.normalize("NFD", "가" * 1025))
    expect(chat.page.locator("#counter")).to_have_text("1025 / 1024")
    expect(chat.send_button).to_be_disabled()


def test_emoji_count_two_each_like_the_api(chat: ChatPage) -> None:
    """600 emoji are 600 code points but 1,200 UTF-16 units: the API would answer 400."""
    chat.set_language("en")
    counter = chat.page.locator("#counter")

    chat.input.fill("😀" * 600)
    expect(counter).to_have_text("1200 / 1024")
    expect(counter).to_have_class("counter over")
    expect(chat.input).to_have_attribute("aria-invalid", "true")
    expect(chat.send_button).to_be_disabled()
    chat.input.press("Enter")
    expect(chat.users).to_have_count(0)
    expect(chat.input).to_have_value("😀" * 600)  # kept, not cut
    assert chat.chat_bodies == []

    chat.input.fill("😀" * 513)
    expect(counter).to_have_text("1026 / 1024")
    expect(chat.send_button).to_be_disabled()


def test_the_limit_is_counted_after_the_apis_cleaning_and_the_api_agrees(chat: ChatPage) -> None:
    """Surrounding whitespace and control characters don't count, as in the API; at exactly 1,024
    units after cleaning the page sends, and the real API accepts it (an answer, not an error)."""
    chat.set_language("en")
    counter = chat.page.locator("#counter")
    text = "  \n" + "😀" * 511 + "\u0007가a \t\n "  # 1,022 + 2 units once cleaned

    chat.input.fill(text)
    expect(counter).to_have_text("1024 / 1024")
    expect(chat.input).to_have_attribute("aria-invalid", "false")
    expect(chat.send_button).to_be_enabled()

    chat.input.press("Enter")
    expect(chat.bots).not_to_have_count(
        0, timeout=ANSWER_TIMEOUT_MS
    )  # the fake echoes the question: > 1,000 units, 2 bubbles
    chat.wait_idle()
    expect(chat.errors).to_have_count(0)
    assert chat.bot_text(0).startswith("[fake-llm] You asked: 😀😀")
    assert [b["text"] for b in chat.chat_bodies] == [text]  # sent as typed; the API cleans it

    chat.input.fill("😀" * 512 + "!")  # one unit over: the API would refuse it, so the page does
    expect(counter).to_have_text("1025 / 1024")
    expect(chat.send_button).to_be_disabled()


def test_send_is_disabled_while_busy(chat: ChatPage) -> None:
    pending = []
    chat.page.route("**/chat", lambda route: pending.append(route))
    chat.send("안녕")
    expect(chat.page.locator(".typing")).to_be_visible()
    expect(chat.page.locator(".typing")).to_have_attribute("role", "status")
    chat.input.fill("다음 메시지")
    expect(chat.send_button).to_be_disabled()
    chat.input.press("Enter")  # ignored while busy, and the text stays
    expect(chat.input).to_have_value("다음 메시지")
    pending[0].continue_()
    chat.page.unroute("**/chat")
    chat.wait_idle()
    expect(chat.send_button).to_be_enabled()
    assert [b["text"] for b in chat.chat_bodies] == ["안녕"]


def test_keyboard_only_use_and_accessible_names(chat: ChatPage) -> None:
    chat.set_language("ko")
    page = chat.page
    expect(page.get_by_role("log", name="대화 내용")).to_have_attribute("id", "messages")
    expect(page.get_by_label("메시지", exact=True)).to_have_attribute("id", "input")
    expect(page.get_by_role("button", name="보내기")).to_have_attribute("id", "send")
    expect(page.get_by_role("button", name="새 대화")).to_be_visible()
    expect(page.get_by_role("combobox", name="언어")).to_have_attribute("id", "lang")

    # Tab from the top of the page reaches the language switch, New conversation and the input.
    page.locator("body").focus()
    seen = []
    for _ in range(6):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id"))
    assert {"lang", "new-conversation", "input"} <= set(seen), seen

    chat.input.focus()
    page.keyboard.type("안녕")
    page.keyboard.press("Enter")
    expect(chat.bots).to_have_count(1)
    # The answer is announced with a visually hidden "bot says:" prefix.
    expect(chat.bots.first.locator(".visually-hidden")).to_have_text("봇의 답변:")
