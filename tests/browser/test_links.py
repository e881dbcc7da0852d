"""Links in LLM answers cannot lie about where they go (issue 10, item 5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import ChatPage
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

LINKS = "\n\n".join(
    [
        "1 [https://good.example](https://evil.example/login)",
        "2 [plain](http://insecure.example/page)",
        "3 [](https://empty.example/)",
        "4 [docs](https://docs.example/page)",
        "5 <https://same.example/path>",
        "6 [same.example](https://same.example/)",
        "7 [mail me](mailto:someone@example.com)",
        "8 [someone@example.com](mailto:someone@example.com)",
        "9 [rel](//evil.example/protocol-relative) [root](/chat)",
        "10 [![](https://img.example/x.png)](https://imglink.example/)",
        "11 [good.example@evil.example](https://evil.example/)",
        "12 [\u200b](https://invisible.example/)",
    ]
)


def answer_with_links(chat: ChatPage, llm: FakeOpenAI):
    llm.set_behavior("ok", reply=LINKS)
    chat.ask("링크를 보여 줘")
    body = chat.bots.last.locator(".msg-body")
    expect(body).to_have_class("msg-body markdown")
    return body


def paragraph(body, n: int):
    return body.locator("p").filter(has_text=f"{n} ").first


def test_a_link_whose_text_names_another_host_shows_the_real_one(
    chat: ChatPage, llm: FakeOpenAI
) -> None:
    body = answer_with_links(chat, llm)

    first = paragraph(body, 1)
    expect(first.locator("a")).to_have_attribute("href", "https://evil.example/login")
    expect(first.locator(".link-host")).to_have_text("(evil.example)")
    expect(first).to_have_text("1 https://good.example (evil.example)")
    expect(paragraph(body, 4).locator(".link-host")).to_have_text("(docs.example)")
    expect(paragraph(body, 7).locator(".link-host")).to_have_text("(someone@example.com)")
    # user@host text hides the host: the real one is shown
    expect(paragraph(body, 11).locator(".link-host")).to_have_text("(evil.example)")
    chat.screenshot("llm-links")


def test_a_link_whose_text_is_its_host_gets_no_label(chat: ChatPage, llm: FakeOpenAI) -> None:
    body = answer_with_links(chat, llm)

    for n, href in [
        (5, "https://same.example/path"),
        (6, "https://same.example/"),
        (8, "mailto:someone@example.com"),
    ]:
        expect(paragraph(body, n).locator("a")).to_have_attribute("href", href)
        expect(paragraph(body, n).locator(".link-host")).to_have_count(0)


def test_plain_http_and_relative_links_are_text_and_empty_links_are_dropped(
    chat: ChatPage, llm: FakeOpenAI
) -> None:
    body = answer_with_links(chat, llm)

    expect(paragraph(body, 2)).to_have_text("2 plain")
    expect(paragraph(body, 2).locator("a")).to_have_count(0)
    expect(paragraph(body, 9)).to_have_text("9 rel root")
    expect(paragraph(body, 9).locator("a")).to_have_count(0)
    for n in (3, 10, 12):
        expect(paragraph(body, n).locator("a")).to_have_count(0)
    hrefs = [a.get_attribute("href") or "" for a in body.locator("a").all()]
    assert hrefs, "no link survived at all"
    assert all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs
    for link in body.locator("a").all():
        assert (link.inner_text() or "").strip(), "an empty link is still there"
        expect(link).to_have_attribute("rel", "noopener noreferrer")


HOST_LABELS = [
    ("https://good.example", "https://evil.example/", "evil.example"),
    ("https://good.example", "https://good.example.evil.example/", "good.example.evil.example"),
    ("good.example", "https://good.example/x", None),
    ("https://GOOD.example/path", "https://good.example/other", None),
    ("http://good.example", "https://good.example/", None),  # the host is right
    ("good.example@evil.example", "https://evil.example/", "evil.example"),
    ("goo\u200bd.example", "https://good.example/", "good.example"),  # hidden characters
    ("https://exаmple.com", "https://exаmple.com/", "xn--exmple-4nf.com"),  # a look-alike host
    ("https://example.com", "https://exаmple.com/", "xn--exmple-4nf.com"),  # Cyrillic а
    ("mail me", "mailto:a@b.example", "a@b.example"),
    ("A@B.example", "mailto:a@b.example", None),
]
REFUSED_HREFS = [
    "http://x.example/",
    "/chat",
    "//x.example/",
    "javascript:alert(1)",
    "data:text/html,x",
    "ftp://x.example/",
    "mailto:",
    "https://",
    "",
]


def test_when_the_real_host_is_shown(chat: ChatPage) -> None:
    """(text, href, label): label is what the page shows after the link, None for nothing."""
    got = chat.page.evaluate(
        """async (cases) => {
          const links = await import('/js/links.js');
          return cases.map(([text, href]) => {
            const destination = links.linkDestination(href);
            return links.textNamesDestination(text, destination) ? null : destination.label;
          });
        }""",
        [[text, href] for text, href, _ in HOST_LABELS],
    )
    assert list(zip(HOST_LABELS, got, strict=True)) == [(c, c[2]) for c in HOST_LABELS]


def test_only_https_and_mailto_destinations_are_kept(chat: ChatPage) -> None:
    got = chat.page.evaluate(
        "async (hrefs) => { const m = await import('/js/links.js');"
        " return hrefs.map((h) => m.linkDestination(h)); }",
        REFUSED_HREFS,
    )
    assert got == [None] * len(REFUSED_HREFS)
