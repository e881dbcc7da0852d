"""The page works under its own Content-Security-Policy, which really is enforced (issue 10, item 3).

The policy (devstack/security_headers.py, the same in CloudFront) allows only the page's own
scripts and styles: no inline script, no inline style, no framing. A `securitypolicyviolation`
listener installed before the page loads records anything the page tries that the policy blocks.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from devstack.security_headers import SECURITY_HEADERS
from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                               sample: e.sample});
});
"""

MARKDOWN = (
    "**bold** `code`\n\n| left | right |\n|:---|---:|\n| a | b |\n\n```\nblock\n```\n\n"
    "> quote\n\n[docs](https://docs.example/)"
)


@pytest.fixture
def csp_context(context: BrowserContext) -> BrowserContext:
    context.add_init_script(RECORD_VIOLATIONS)
    return context


def violations(chat: ChatPage) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = chat.page.evaluate("window.__cspViolations")
    return found


def test_every_file_of_the_page_is_served_with_the_security_headers(
    csp_context: BrowserContext, stack: Any
) -> None:
    page = csp_context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    ChatPage(page, str(stack.url)).open()
    page.wait_for_load_state("networkidle")
    served = [r for r in responses if r.url.startswith(str(stack.url))]
    assert len(served) >= 8, [r.url for r in served]  # the page, its CSS, scripts and modules
    for response in served:
        headers = response.all_headers()
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name.lower()) == value, (response.url, name)


def test_the_page_does_everything_under_its_csp_without_a_violation(
    csp_context: BrowserContext, stack: Any, llm: FakeOpenAI
) -> None:
    page = csp_context.new_page()
    with page.expect_response(str(stack.url)) as document:
        chat = ChatPage(page, str(stack.url)).open()
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert document.value.headers.get("content-security-policy") == csp  # not vacuous
    chat.set_language("ko")
    assert chat.ask("안녕") == "이름이 무엇인가요?"
    assert chat.ask("홍길동") == "반갑습니다, 홍길동님."
    llm.set_behavior("ok", reply=MARKDOWN)
    chat.ask("마크다운으로 답해 줘")
    body = chat.bots.last.locator(".msg-body")
    expect(body.locator("table td")).to_have_count(2)
    expect(body.locator("strong")).to_have_text("bold")
    chat.input.fill("여러 줄\n" * 8)  # the textarea grows (style set from script)
    chat.page.locator("#new-conversation").click()
    chat.reload()
    expect(chat.page.locator("#input")).to_be_enabled()

    assert violations(chat) == []
    assert chat.page_errors == []


def test_the_csp_is_enforced(csp_context: BrowserContext, stack: Any) -> None:
    """A control: an inline script and an inline style are blocked and reported, so the test
    above would have seen the page's own violations."""
    chat = ChatPage(csp_context.new_page(), str(stack.url)).open()

    chat.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__inlineRan = true";
          document.body.append(s);
          document.body.setAttribute("style", "background: red");
        }"""
    )

    chat.page.wait_for_function("window.__cspViolations.length >= 2")
    directives = {v["directive"] for v in violations(chat)}
    assert {"script-src-elem", "style-src-attr"} <= directives, directives
    assert chat.page.evaluate("window.__inlineRan") is None


def test_the_page_cannot_be_framed(context: BrowserContext, stack: Any) -> None:
    """Even by a page of its own origin (served here by Playwright, without our headers)."""
    page = context.new_page()
    framer = f"{stack.url}framer.html"
    page.route(
        framer,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<iframe id="f" src="{stack.url}" onload="window.__frameLoaded = true"></iframe>',
        ),
    )
    page.goto(framer)
    page.wait_for_function("window.__frameLoaded === true")  # loaded, or refused
    frame = page.locator("#f").element_handle().content_frame()
    assert frame is not None
    assert frame.locator("#messages").count() == 0
    assert frame.url.startswith("chrome-error:"), frame.url
