"""Streaming answers on the page: Enter → first visible answer text, against the LLM's first token.

Starts the fake OpenAI server (streaming server-sent events with a configurable first-token and
per-token delay) and the local stack (``devstack.Stack``: page, ``/chat``, ``/stream``, the emulator,
the fallback) pointed at it, opens the page in headless Debian Chromium, waits until its socket is
bound, and for each first-token delay (0, 300 and 1,000 ms by default) sends one warm-up turn and
then ``--runs`` measured ones, one at a time:

* first visible text: from the Enter keydown to the animation frame after the first answer text
  entered the message list (the streamed bubble, or the final answer when nothing streamed),
  measured inside the page with ``performance.now()``. Target: median ≤ delay + 150 ms;
* WebSocket messages per answer: chunk and end frames of that turn the page received. Target:
  ≤ answer tokens / 5 (tokens as the fake counts them, one per word).

Every run is bounded (``--runs`` ≤ 30, a 30 s answer timeout, ``--budget`` seconds in all). Exits 1
when a target is missed (or nothing streamed), 2 when Chromium is missing.

Usage: ``python bench/streaming.py [--runs 10] [--delays 0,300,1000] [--token-ms 20]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._bench_support import machine_load, median, percentile, table, verdict  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MARGIN_MS = 150.0
TOKENS_PER_MESSAGE = 5
ANSWER_TIMEOUT_MS = 30_000
MAX_RUNS = 30
# About 120 words of Markdown, streamed one word per token by the fake.
ANSWER = (
    "**Streaming** shows the answer while the model writes it. "
    + " ".join(
        f"Sentence {i} of the answer adds a few more plain words to read, with `code` in it."
        for i in range(1, 9)
    )
    + "\n\n- one point\n- another point\n\nThat is all."
)

PROBE = """
(() => {
  const bench = { enter: null, first: null, streamed: null, botsBefore: 0 };
  window.__bench = bench;
  const bots = () => document.querySelectorAll("#messages .msg-bot").length;
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target && e.target.id === "input" && !e.shiftKey) {
      Object.assign(bench, { enter: performance.now(), first: null, streamed: null,
                             botsBefore: bots() });
    }
  }, true);
  const watch = () => {
    const log = document.getElementById("messages");
    new MutationObserver(() => {
      if (bench.enter === null || bench.streamed !== null) return;
      const streamed = log.querySelector(".msg-stream .msg-body");
      if (streamed && streamed.textContent.trim()) bench.streamed = true;
      else if (bots() > bench.botsBefore) bench.streamed = false;
      else return;
      requestAnimationFrame(() => { bench.first = performance.now(); });
    }).observe(log, { childList: true, subtree: true, characterData: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
"""


@dataclass
class Runs:
    delay_ms: int
    first_ms: list[float] = field(default_factory=list)
    streamed: int = 0
    messages: list[int] = field(default_factory=list)

    @property
    def target_ms(self) -> float:
        return self.delay_ms + MARGIN_MS


class FrameCounter:
    """Chunk and end frames the page received, per turn id (from the page's own WebSockets)."""

    def __init__(self, page: Any) -> None:
        self.by_turn: dict[str, int] = {}
        self.turn_ids: list[str | None] = []
        page.on("websocket", self._on_socket)
        page.on("request", self._on_request)

    def _on_socket(self, ws: Any) -> None:
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: Any) -> None:
        try:
            msg = json.loads(payload)
        except (TypeError, ValueError):
            return
        if isinstance(msg, dict) and msg.get("type") in ("chunk", "end"):
            turn = str(msg.get("turn"))
            self.by_turn[turn] = self.by_turn.get(turn, 0) + 1

    def _on_request(self, request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/chat"):
            body = json.loads(request.post_data or "{}")
            self.turn_ids.append(body.get("turnId"))


def wait_bound(page: Any, seconds: float = 15.0) -> bool:
    """A fresh page has a session id before its first turn only when its socket was bound."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate("() => sessionStorage.getItem('chat.sessionId')"):
            return True
        page.wait_for_timeout(50)
    return False


def one_turn(page: Any, expect: Any, counter: FrameCounter, n: int) -> tuple[float, bool, int]:
    before = page.locator("#messages .msg-bot").count()
    page.fill("#input", f"Please explain streaming, take {n}.")
    page.press("#input", "Enter")
    expect(page.locator("#messages .msg-bot")).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".typing")).to_be_empty(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(50)  # the probe's last animation frame
    got = page.evaluate("() => window.__bench")
    turn = counter.turn_ids[-1] if counter.turn_ids else None
    messages = counter.by_turn.get(turn, 0) if turn else 0
    return float(got["first"] - got["enter"]), bool(got["streamed"]), messages


def run(args: argparse.Namespace) -> list[Runs]:
    from playwright.sync_api import expect, sync_playwright

    import devstack
    from tests.fakes.fake_openai import FakeOpenAI

    results: list[Runs] = []
    deadline = time.monotonic() + args.budget
    with FakeOpenAI() as llm:
        env_vars = {
            "FallbackFunction": {"OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "bench-key"}
        }
        with (
            devstack.Stack(
                port=0, template=str(ROOT / "template.yaml"), env_vars=env_vars
            ) as stack,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(locale="en-US")
                context.add_init_script(PROBE)
                page = context.new_page()
                counter = FrameCounter(page)
                page.goto(str(stack.url))
                expect(page.locator("#input")).to_be_enabled()
                page.select_option("#lang", "en")
                bound = wait_bound(page)
                print(f"socket bound: {'yes' if bound else 'NO (nothing can stream)'}")
                n = 0
                for delay_ms in args.delays:
                    try:
                        llm.set_behavior(
                            "ok",
                            reply=ANSWER,
                            first_token_delay=delay_ms / 1000,
                            token_delay=args.token_ms / 1000,
                        )
                    except TypeError:  # a fake LLM from before streaming: no delays to set
                        print("the fake LLM has no first-token delay: measuring without one")
                        llm.set_behavior("ok", reply=ANSWER)
                    runs = Runs(delay_ms)
                    results.append(runs)
                    for i in range(args.runs + 1):  # the first one warms up
                        if time.monotonic() > deadline:
                            print(f"budget of {args.budget:.0f} s spent: stopping early")
                            return results
                        n += 1
                        first, streamed, messages = one_turn(page, expect, counter, n)
                        if i == 0:
                            continue
                        runs.first_ms.append(first)
                        runs.streamed += int(streamed)
                        runs.messages.append(messages)
            finally:
                browser.close()
    return results


def report(results: list[Runs]) -> bool:
    tokens = len(ANSWER.split())
    max_messages = tokens / TOKENS_PER_MESSAGE
    ok = bool(results)
    rows = []
    for r in results:
        if not r.first_ms:
            ok = False
            rows.append((f"{r.delay_ms} ms", 0, "-", "-", "-", f"≤ {r.target_ms:.0f} ms", "FAIL"))
            continue
        med = median(r.first_ms)
        passed = med <= r.target_ms and r.streamed == len(r.first_ms)
        ok = ok and passed
        rows.append(
            (
                f"{r.delay_ms} ms",
                len(r.first_ms),
                f"{r.streamed}/{len(r.first_ms)}",
                f"{med:.0f} ms",
                f"{percentile(r.first_ms, 90):.0f} ms",
                f"≤ {r.target_ms:.0f} ms",
                verdict(passed),
            )
        )
    print("\nEnter → first visible answer text (median of the runs; streamed = runs whose first")
    print("text came from the stream, not from the final /chat answer):")
    print(
        table(["first-token delay", "runs", "streamed", "median", "p90", "target", "result"], rows)
    )
    message_counts = [m for r in results for m in r.messages]
    if message_counts:
        worst = max(message_counts)
        passed = 0 < worst <= max_messages
        ok = ok and passed
        print(f"\nWebSocket messages per answer ({tokens} tokens, chunks + end):")
        print(
            table(
                ["answers", "median", "max", "target", "result"],
                [
                    (
                        len(message_counts),
                        f"{median(message_counts):.0f}",
                        worst,
                        f"≤ {max_messages:.0f}",
                        verdict(passed),
                    )
                ],
            )
        )
    print(f"\n{machine_load()}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help=f"per delay, at most {MAX_RUNS}")
    parser.add_argument(
        "--delays",
        default="0,300,1000",
        type=lambda s: [int(x) for x in s.split(",") if x.strip()],
        help="first-token delays in ms",
    )
    parser.add_argument(
        "--token-ms", type=float, default=20.0, help="delay before each later token"
    )
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for the whole bench")
    args = parser.parse_args(argv)
    args.runs = max(1, min(MAX_RUNS, args.runs))
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: install Debian's chromium", file=sys.stderr)
        return 2
    print(
        f"Streaming bench: {args.runs} runs per first-token delay {args.delays} ms, "
        f"{args.token_ms:.0f} ms per later token"
    )
    return 0 if report(run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
