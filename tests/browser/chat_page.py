"""A page object for the chat page, driven through the DOM hooks of docs/contracts.md ("Page")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Request, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Generous: the emulator, Chalice and the fallback's LLM call all run on a shared, noisy machine,
# and the first LLM turn of a run also imports the OpenAI SDK. (expect() waits 5 s by default.)
ANSWER_TIMEOUT_MS = 30_000


class ChatPage:
    """Drives the page through the DOM hooks of docs/contracts.md ("Page")."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.dialogs: list[str] = []
        self.chat_bodies: list[dict[str, Any]] = []
        self.page_errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("request", self._on_request)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_request(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/chat"):
            self.chat_bodies.append(json.loads(request.post_data or "null"))

    # -- navigation ----------------------------------------------------------------------------
    def open(self) -> ChatPage:
        self.page.goto(self.url)
        return self.wait_ready()

    def reload(self) -> ChatPage:
        self.page.reload()
        return self.wait_ready()

    def wait_ready(self) -> ChatPage:
        expect(self.page.locator("html")).to_have_attribute("data-ready", "1")
        expect(self.input).to_be_enabled()
        return self

    # -- hooks ---------------------------------------------------------------------------------
    @property
    def input(self) -> Locator:
        return self.page.locator("#input")

    @property
    def send_button(self) -> Locator:
        return self.page.locator("#send")

    @property
    def bots(self) -> Locator:
        return self.page.locator("#messages .msg.msg-bot")

    @property
    def users(self) -> Locator:
        return self.page.locator("#messages .msg.msg-user")

    @property
    def user_texts(self) -> Locator:
        return self.users.locator(".msg-body")

    @property
    def bot_texts(self) -> Locator:
        return self.bots.locator(".msg-body")

    @property
    def errors(self) -> Locator:
        return self.page.locator("#messages .msg.msg-error")

    def set_language(self, lang: str) -> None:
        self.page.select_option("#lang", lang)
        expect(self.page.locator("html")).to_have_attribute("lang", lang)

    def session_id(self) -> str | None:
        """The session id the server issued to this tab (None before its first answer)."""
        value = self.page.evaluate("sessionStorage.getItem('chat.sessionId')")
        return None if value is None else str(value)

    def bot_text(self, index: int) -> str:
        return self.bots.nth(index).locator(".msg-body").inner_text().strip()

    def send(self, text: str) -> None:
        """Types `text` and presses Enter."""
        self.input.fill(text)
        self.input.press("Enter")

    def ask(self, text: str) -> str:
        """Sends `text`, waits until the turn is answered, returns the last bot bubble's text."""
        before = self.bots.count()
        self.send(text)
        expect(self.bots).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
        self.wait_idle()
        return self.bot_text(-1)

    def wait_idle(self) -> None:
        expect(self.page.locator(".typing")).to_be_empty(timeout=ANSWER_TIMEOUT_MS)

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
