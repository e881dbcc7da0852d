"""The page's half of streaming (issue 12) against a scripted /stream + /chat (scripted_stream.py).

The scripted server plays exactly the frames a test asks for, so ordering, duplicates, split
payloads, drops and refusals can be shown one by one; tests/browser/test_stream_stack.py shows the
same page against the real local stack.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chat_page import ChatPage
from tests.browser.scripted_stream import ScriptedStream, Turn, chunks
from tests.browser.stream_probe import install_probe, probe

pytestmark = pytest.mark.browser

TURN_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PIECES = ("**Seoul** is", " the capital", " of South Korea", " and its largest city", ".")
FINAL = "**Seoul** is the capital of South Korea and its largest city (the final text)."


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedStream]]:
    """Starts a ScriptedStream with the given options; stops them all at the end."""
    started: list[ScriptedStream] = []

    def start(**options: Any) -> ScriptedStream:
        server = ScriptedStream(**options).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@pytest.fixture
def probed(context: BrowserContext) -> BrowserContext:
    install_probe(context)
    return context


def open_page(context: BrowserContext, server: ScriptedStream) -> ChatPage:
    chat = ChatPage(context.new_page(), server.url).open()
    chat.set_language("en")
    return chat


def wait_bound(chat: ChatPage, server: ScriptedStream, binds: int = 1) -> str:
    """Waits until the server saw `binds` binds and the page stored a session id; returns it."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        sid = chat.session_id()
        if len(server.binds) >= binds and sid is not None:
            return sid
        chat.page.wait_for_timeout(50)
    raise AssertionError(f"not bound: binds {server.binds}, stored {chat.session_id()}")


def streamed_steps(chat: ChatPage) -> list[str]:
    """The texts the streamed bubble showed before the final answer appeared."""
    found = probe(chat.page)
    assert found["finalAt"] is not None, "no final answer yet"
    return [str(text).strip() for text in found["seen"][: found["finalAt"]]]


def assert_clean(chat: ChatPage) -> None:
    assert chat.dialogs == []
    assert chat.page_errors == []
    assert probe(chat.page)["bad"] == []


def test_the_answer_grows_in_steps_then_the_final_text_replaces_it(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    chat = open_page(probed, server)
    sid = wait_bound(chat, server)
    server.script(Turn(final=FINAL, frames=chunks(*PIECES)))

    chat.send("What is the capital of Korea?")
    expect(chat.page.locator(".msg-stream")).to_have_count(1)
    expect(chat.page.locator(".msg-stream strong")).to_have_text("Seoul")  # Markdown as it grows
    chat.screenshot("streaming-answer-growing")
    expect(chat.page.locator(".typing")).not_to_be_empty()  # still waiting for the final answer
    chat.wait_idle()

    expect(chat.bot_texts).to_have_text([FINAL.replace("**", "")])
    expect(chat.bots.last.locator(".msg-body strong")).to_have_text("Seoul")
    expect(chat.page.locator(".msg-stream")).to_have_count(0)
    steps = streamed_steps(chat)
    assert len(steps) >= 3, steps
    for shorter, longer in itertools.pairwise(steps):
        assert longer.startswith(shorter), steps  # it only grows
    assert "".join(PIECES).replace("**", "") in steps[-1]
    body = server.chat_bodies[-1]
    assert body["sessionId"] == sid
    assert TURN_ID.match(body["turnId"]), body
    assert_clean(chat)


def test_an_xss_payload_split_across_chunks_never_runs(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    """Served without the CSP, so only the sanitiser stands between the payload and the page."""
    server = serve(security_headers=False)
    chat = open_page(probed, server)
    chat.page.evaluate(
        """() => {
          const d = document.createElement("div");
          d.innerHTML = '<img src="x" onerror="window.__control = 1">';
        }"""
    )
    chat.page.wait_for_function("window.__control === 1")  # without the CSP a handler does run
    wait_bound(chat, server)
    pieces = (
        "Look <img src=x one",
        "rror=window.__xss=1> and [a link](java",
        "script:window.__xss=2) and <scr",
        "ipt>window.__xss=3</script> and [b](javascript:window.__xss=4)",
        " and <a href='javascript:window.__xss=5'>c</a> <svg onload=window.__xss=6>",
    )
    server.script(Turn(final="".join(pieces), frames=chunks(*pieces), gap=0.15))

    chat.send("show me a trick")
    chat.wait_idle()

    expect(chat.bots).to_have_count(1)
    final = chat.bots.last.locator(".msg-body")
    expect(final).to_contain_text("<img src=x onerror=window.__xss=1>")  # shown as text
    expect(final.locator("a[href]")).to_have_count(0)
    steps = streamed_steps(chat)
    assert len(steps) >= 3, steps
    assert any("<img src=x one" in s for s in steps), steps  # the split tag was on screen
    for link in chat.page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    assert chat.page.evaluate("window.__xss") is None
    assert_clean(chat)


def test_chunks_out_of_order_duplicated_or_of_another_turn_show_in_order(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    chat = open_page(probed, server)
    wait_bound(chat, server)
    one, two, three, four = (
        {"type": "chunk", "seq": i, "text": t}
        for i, t in enumerate(("one ", "two ", "three ", "four"), start=1)
    )
    frames = [
        two,
        one,
        one,
        {"type": "chunk", "seq": 3, "text": "FOREIGN ", "turn": "another-turn-0001"},
        three,
        two,
        {"type": "end", "seq": 5, "status": "complete"},
        four,
        {"type": "chunk", "seq": 5, "text": " AFTER-THE-END"},
    ]
    server.script(Turn(final="one two three four.", frames=frames, gap=0.12, final_delay=0.8))

    chat.send("count to four")
    chat.wait_idle()

    steps = streamed_steps(chat)
    assert steps[-1] == "one two three four", steps
    for step in steps:
        assert "one two three four".startswith(step), steps
    expect(chat.bot_texts).to_have_text(["one two three four."])
    assert_clean(chat)


def test_a_socket_dropped_mid_answer_still_ends_with_the_full_answer_and_comes_back(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    chat = open_page(probed, server)
    sid = wait_bound(chat, server)
    server.script(Turn(final=FINAL, frames=chunks(*PIECES), drop_after=2, final_delay=1.0))

    chat.send("What is the capital of Korea?")
    chat.wait_idle()

    expect(chat.bot_texts).to_have_text([FINAL.replace("**", "")])
    expect(chat.page.locator(".msg-stream")).to_have_count(0)
    assert "".join(PIECES[:2]).replace("**", "") in streamed_steps(chat)[-1]
    # The page reconnects and binds the same session again; the next turn streams once more.
    deadline = time.monotonic() + 10
    while server.binds.count(sid) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.binds == [None, sid], server.binds
    server.script(Turn(final="Again.", frames=chunks("Ag", "ai", "n")))
    chat.page.wait_for_function("() => true")
    chat.send("again")
    chat.wait_idle()
    expect(chat.bot_texts.last).to_have_text("Again.")
    assert TURN_ID.match(server.chat_bodies[-1]["turnId"])
    assert_clean(chat)


def test_reconnects_back_off_exponentially(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    """Three refused handshakes: the gaps between attempts are at least 250, 500, 1,000 ms."""
    server = serve()
    server.refuse_handshakes = 3
    chat = open_page(probed, server)
    wait_bound(chat, server)

    assert len(server.handshakes) == 4, server.handshakes
    gaps = [b - a for a, b in zip(server.handshakes, server.handshakes[1:], strict=False)]
    for gap, floor in zip(gaps, (0.25, 0.5, 1.0), strict=True):
        assert gap >= floor * 0.95, gaps  # half the step at least (jitter takes the other half)
    assert_clean(chat)


def test_backoff_is_jittered_capped_and_stops_until_the_next_turn(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    """stream.js driven in the page with a socket that never opens and timers the test runs."""
    server = serve(streaming=False)
    chat = open_page(probed, server)
    result = chat.page.evaluate(
        """async () => {
          const m = await import("/js/stream.js");
          const timers = [];
          let made = 0;
          class NeverOpens extends EventTarget {
            constructor() { super(); made += 1; this.readyState = 0;
                            queueMicrotask(() => this.dispatchEvent(new Event("close"))); }
            send() { throw new Error("not open"); }
            close() {}
          }
          const store = { sessionId: () => null, setSessionId() {}, forgetSessionId() {},
                          saveDialogLocale() {} };
          const client = new m.StreamClient(store, {
            url: "ws://127.0.0.1:9/stream", WebSocketImpl: NeverOpens,
            setTimer: (fn, ms) => { timers.push({fn, ms}); return timers.length; } });
          client.start();
          const delays = [];
          for (let i = 0; i < 50; i++) {
            await new Promise((r) => setTimeout(r, 0));
            const t = timers.shift();
            if (!t) break;
            delays.push(t.ms);
            t.fn();
          }
          await new Promise((r) => setTimeout(r, 0));
          const asleep = made;
          client.wake();
          await new Promise((r) => setTimeout(r, 0));
          const jitter = new Set([0, 1, 2, 3].map(() => m.backoffDelay(2)));
          return { delays, made: asleep, afterWake: made, max: m.MAX_ATTEMPTS,
                   cap: m.BACKOFF_CAP_MS, base: m.BACKOFF_BASE_MS, jitter: jitter.size,
                   turnId: m.newTurnId(), url: m.streamUrl(location) };
        }"""
    )
    assert len(result["delays"]) == result["max"]  # bounded: then it sleeps
    assert result["made"] == result["max"] + 1
    assert result["afterWake"] == result["made"] + 1  # a turn wakes it
    for attempt, delay in enumerate(result["delays"]):
        step = min(result["cap"], result["base"] * 2**attempt)
        assert step / 2 <= delay <= step, (attempt, result["delays"])
    assert result["jitter"] > 1
    assert TURN_ID.match(result["turnId"])
    assert result["url"] == server.url.replace("http:", "ws:") + "stream"
    assert_clean(chat)


def test_without_a_socket_the_page_works_as_before(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve(streaming=False)
    chat = open_page(probed, server)
    server.script(Turn(final="Plain answer.", frames=chunks("never", "sent"), final_delay=1.0))

    chat.send("hello")
    expect(chat.page.locator(".typing .typing-text")).to_have_text("The bot is typing…")
    chat.wait_idle()

    expect(chat.bot_texts).to_have_text(["Plain answer."])
    assert len(server.handshakes) >= 1  # it did try
    assert server.chat_bodies == [{"text": "hello", "localeId": "en_US"}]  # no turnId, no id
    found = probe(chat.page)
    assert found["seen"] == []
    assert_clean(chat)


def test_a_refused_session_id_is_forgotten_and_the_socket_binds_a_new_one(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    probed.add_init_script("sessionStorage.setItem('chat.sessionId', 'sess-from-old-server')")
    chat = open_page(probed, server)
    sid = wait_bound(chat, server, binds=2)

    assert server.binds == ["sess-from-old-server", None]
    assert sid != "sess-from-old-server"
    server.script(Turn(final="Fresh.", frames=chunks("Fr", "es", "h")))
    chat.send("hi")
    chat.wait_idle()
    expect(chat.bot_texts).to_have_text(["Fresh."])
    assert server.chat_bodies[-1]["sessionId"] == sid
    assert TURN_ID.match(server.chat_bodies[-1]["turnId"])
    assert_clean(chat)


def test_screen_readers_get_the_final_answer_once_not_every_chunk(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    chat = open_page(probed, server)
    wait_bound(chat, server)
    server.script(Turn(final=FINAL, frames=chunks(*PIECES), gap=0.3))

    chat.send("What is the capital of Korea?")
    bubble = chat.page.locator(".msg-stream")
    expect(bubble).to_contain_text("largest")
    expect(bubble).to_have_attribute("aria-hidden", "true")
    log = chat.page.get_by_role("log")
    assert "largest" not in log.aria_snapshot()  # not in the accessibility tree
    chat.wait_idle()

    announced = [a for a in probe(chat.page)["announced"] if "msg-user" not in a["cls"]]
    assert len(announced) == 1, announced
    assert "msg-bot" in announced[0]["cls"]
    assert FINAL.replace("**", "") in announced[0]["text"]
    assert "largest" in log.aria_snapshot()  # the final answer is
    assert_clean(chat)


def test_new_conversation_mid_stream_drops_the_stream_and_binds_a_new_session(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    chat = open_page(probed, server)
    first = wait_bound(chat, server)
    server.script(Turn(final="LATE", frames=chunks(*PIECES), gap=0.3))

    chat.send("What is the capital of Korea?")
    expect(chat.page.locator(".msg-stream")).to_have_count(1)
    chat.page.locator("#new-conversation").click()

    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    chat.page.wait_for_timeout(1500)  # the rest of the chunks and the late answer arrive
    expect(chat.page.locator("#messages .msg")).to_have_count(0)
    second = wait_bound(chat, server, binds=2)
    assert second not in (None, first)
    assert server.binds == [None, None]
    assert_clean(chat)


def test_streaming_works_under_the_pages_csp(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    """connect-src 'self' lets the page open ws://its-own-origin/stream in Chromium."""
    probed.add_init_script(
        """window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation",
          (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""
    )
    server = serve()
    chat = ChatPage(probed.new_page(), server.url)
    with chat.page.expect_response(server.url) as document:
        chat.open()
    assert "connect-src 'self'" in (document.value.headers.get("content-security-policy") or "")
    wait_bound(chat, server)
    server.script(Turn(final="Under the policy.", frames=chunks("Under", " the", " policy")))
    chat.send("csp?")
    chat.wait_idle()
    assert len(streamed_steps(chat)) >= 2
    assert chat.page.evaluate("window.__cspViolations") == []
    assert_clean(chat)


def test_service_unavailable_on_bind_reconnects_with_backoff_and_binds_again(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    server.bind_errors = ["service_unavailable", "service_unavailable"]
    chat = open_page(probed, server)
    sid = wait_bound(chat, server, binds=3)

    assert server.binds == [None, None, None]
    assert len(server.handshakes) == 3  # a new connection for each try
    assert server.handshakes[2] - server.handshakes[1] >= 0.5 * 0.95  # backing off
    server.script(Turn(final="Back.", frames=chunks("Ba", "c", "k")))
    chat.send("hi")
    chat.wait_idle()
    assert server.chat_bodies[-1]["sessionId"] == sid
    assert TURN_ID.match(server.chat_bodies[-1]["turnId"])
    assert_clean(chat)


def test_not_configured_stops_the_socket_and_the_page_works_as_before(
    probed: BrowserContext, serve: Callable[..., ScriptedStream]
) -> None:
    server = serve()
    server.bind_errors = ["not_configured"]
    chat = open_page(probed, server)
    deadline = time.monotonic() + 10
    while not server.binds and time.monotonic() < deadline:
        chat.page.wait_for_timeout(50)
    chat.page.wait_for_timeout(1500)  # longer than the first two reconnect delays

    assert len(server.handshakes) == 1, server.handshakes
    server.script(Turn(final="Plain.", frames=chunks("never", "sent")))
    chat.send("hello")
    chat.wait_idle()
    expect(chat.bot_texts).to_have_text(["Plain."])
    assert "turnId" not in server.chat_bodies[-1]
    assert len(server.handshakes) == 1  # not even a turn wakes it
    assert_clean(chat)
