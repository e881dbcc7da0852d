"""Fixtures for the browser tests: the real local stack, a fake LLM, and Debian's Chromium.

Chain: ``fake_llm`` (session) → ``stack`` (session, ``devstack.Stack`` wired to the fake) →
``browser`` (session) → ``context`` → ``chat`` (a fresh tab on the page, wrapped in ``ChatPage``).
``no_stream`` (before ``chat``) closes every ``/stream`` socket of the context as it opens: the page
as it is where the WebSocket cannot get through, so only ``/chat`` issues session ids.
Screenshots of the main states go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    WebSocketRoute,
    sync_playwright,
)

import devstack
from tests.browser.chat_page import ANSWER_TIMEOUT_MS, ChatPage
from tests.fakes.fake_openai import FakeOpenAI
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skipped when absent, except on CI where it must be there."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: browser tests must run, but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAI]:
    """The OpenAI-compatible fake the fallback function talks to over HTTP."""
    with FakeOpenAI() as llm:
        yield llm


@pytest.fixture(scope="session")
def stack(fake_llm: FakeOpenAI, chromium_path: Path) -> Iterator[Any]:
    """The real local stack (emulator + Chalice + page on one origin) pointed at the fake LLM."""
    env_vars = {
        "FallbackFunction": {"OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "test-key"}
    }
    with devstack.Stack(port=0, template=str(ROOT / "template.yaml"), env_vars=env_vars) as s:
        yield s


@pytest.fixture
def llm(fake_llm: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake LLM, answering normally at the start and the end of each test."""
    fake_llm.set_behavior("ok")
    yield fake_llm
    fake_llm.set_behavior("ok")


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_context(browser: Browser, locale: str) -> BrowserContext:
    """A fresh profile (empty storage) with the given browser locale, desktop-sized."""
    ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(ANSWER_TIMEOUT_MS)
    return ctx


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (empty storage) with a Korean browser locale, desktop-sized."""
    ctx = new_context(browser, "ko-KR")
    yield ctx
    ctx.close()


@pytest.fixture
def no_stream(context: BrowserContext) -> list[str]:
    """Every /stream socket of the context is closed at once; returns the URLs it refused."""
    refused: list[str] = []

    def close(ws: WebSocketRoute) -> None:
        refused.append(ws.url)
        ws.close()

    context.route_web_socket("**/stream", close)
    return refused


@pytest.fixture
def chat(context: BrowserContext, stack: Any, llm: FakeOpenAI) -> Iterator[ChatPage]:
    """A new tab on the chat page served by the local stack, ready for input."""
    page = context.new_page()
    cp = ChatPage(page, str(stack.url)).open()
    yield cp
    assert cp.dialogs == [], f"a dialog fired: {cp.dialogs}"
    assert cp.page_errors == [], f"uncaught page errors: {cp.page_errors}"
