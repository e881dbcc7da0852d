"""The local stats page in Chromium: real SVG charts drawn from /stats/data.json, under the CSP."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route

from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _post(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        url + "chat", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _with_csp(route: Route) -> None:
    """Serve every response with the project's CSP, whether or not the server adds it yet."""
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})


def test_charts_are_drawn_from_the_data_and_refresh_live(
    context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    violations: list[str] = []
    context.route("**/*", _with_csp)
    page = context.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = str(stack.url)
    for text, locale in (("hello", "en_US"), ("what is a black hole", "en_US")):
        assert _post(url, {"text": text, "localeId": locale}) == 200
    assert _post(url, {"text": ""}) == 400
    response = page.goto(url + "stats/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function("document.body.dataset.updated !== undefined")
    data = page.evaluate("fetch('/stats/data.json').then(r => r.json())")
    page.wait_for_function(
        "t => document.getElementById('turns-total').textContent === String(t)",
        arg=data["turns"]["total"],
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
    page.wait_for_function(
        "t => Number(document.getElementById('turns-total').textContent) === t",
        arg=before + 1,
        timeout=15_000,
    )
    assert violations == [] and errors == []
