"""The local stats page in Chromium: real SVG charts drawn from /stats/data.json, under the CSP."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from devstack.security_headers import SECURITY_HEADERS
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser


def _post(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        url + "chat", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _wait_until(page: Page, predicate: str, arg: object = None, timeout: float = 15.0) -> None:
    """Poll ``predicate(arg)`` in the page. (``wait_for_function`` builds its predicate with eval,
    which the page's own CSP, ``script-src 'self'``, refuses, as it should.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate} ({arg!r})")
        time.sleep(0.1)


def test_charts_are_drawn_from_the_data_and_refresh_live(
    context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    violations: list[str] = []
    page = context.new_page()
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = str(stack.url)
    for text, locale in (("hello", "en_US"), ("what is a black hole", "en_US")):
        assert _post(url, {"text": text, "localeId": locale}) == 200
    assert _post(url, {"text": ""}) == 400
    response = page.goto(url + "stats/")
    # the front server's own header (devstack/security_headers.py), as CloudFront sends it
    assert response is not None
    assert (
        response.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    )
    _wait_until(page, "() => document.body.dataset.updated !== undefined")
    data = page.evaluate("fetch('/stats/data.json').then(r => r.json())")
    _wait_until(
        page,
        "t => document.getElementById('turns-total').textContent === String(t)",
        data["turns"]["total"],
    )
    assert data["turns"]["llm"] >= 1 and data["turns"]["lex"] >= 1
    rate = f"{data['fallbackRate'] * 100:.1f}%"
    assert page.text_content("#fallback-rate") == rate
    # Lex latency histogram: one bar per bucket, the bar values are the data's counts and the
    # tallest bar is the biggest bucket.
    bars = page.eval_on_selector_all(
        "#chart-lex-latency rect",
        "rs => rs.map(r => [Number(r.dataset.value), Number(r.getAttribute('height'))])",
    )
    counts = [b["count"] for b in data["latency"]["lex"]["histogram"]]
    assert [v for v, _ in bars] == counts
    tallest = max(bars, key=lambda b: b[1])
    assert tallest[0] == max(counts) and tallest[1] > 0
    # Turns per minute: the stacked bars add up to the turns.
    stacked = page.eval_on_selector_all(
        "#chart-timeline rect", "rs => rs.map(r => Number(r.dataset.value))"
    )
    assert sum(stacked) == data["turns"]["total"]
    errors_bars = page.eval_on_selector_all(
        "#chart-errors rect", "rs => rs.map(r => [r.dataset.label, Number(r.dataset.value)])"
    )
    assert dict(errors_bars) == data["errors"] and data["errors"].get("invalid_text", 0) >= 1
    # Live: a new LLM turn shows up without reloading.
    before = data["turns"]["total"]
    assert _post(url, {"text": "why is the sky blue", "localeId": "en_US"}) == 200
    _wait_until(
        page, "t => Number(document.getElementById('turns-total').textContent) === t", before + 1
    )
    assert violations == [] and errors == []
