"""What the tests watch while an answer streams, recorded inside the page from before it loads.

``window.__probe`` holds:

- ``seen``: every distinct text the streamed bubble (``.msg-stream .msg-body``) showed, in order;
- ``finalAt``: how many texts had been seen when the first final bot bubble appeared (or null);
- ``announced``: every node added to the ``role=log`` message list outside an ``aria-hidden``
  subtree, with its classes and text: what a screen reader's live region gets;
- ``bad``: any ``img`` / ``script`` / ``iframe`` element or ``on*`` attribute that ever appeared in
  the messages, and any ``javascript:`` link.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import BrowserContext, Page

PROBE = """
(() => {
  const probe = { seen: [], finalAt: null, announced: [], bad: [] };
  window.__probe = probe;
  const inLog = (node) => node && node.parentElement && node.parentElement.closest("#messages");
  const hidden = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return Boolean(el && el.closest('[aria-hidden="true"]'));
  };
  const checkBad = (node) => {
    if (node.nodeType !== 1) return;
    for (const el of [node, ...node.querySelectorAll("*")]) {
      if (["IMG", "SCRIPT", "IFRAME", "SVG", "OBJECT"].includes(el.nodeName.toUpperCase())) {
        probe.bad.push(el.outerHTML);
      }
      for (const attr of el.attributes) {
        if (attr.name.startsWith("on")) probe.bad.push(el.outerHTML);
      }
      const href = el.getAttribute("href");
      if (href && /^\\s*javascript:/i.test(href)) probe.bad.push(el.outerHTML);
    }
  };
  const observe = () => {
    const log = document.getElementById("messages");
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        for (const node of m.addedNodes) {
          checkBad(node);
          if (!hidden(node)) {
            probe.announced.push({ cls: node.className || "", text: node.textContent });
            if (probe.finalAt === null && node.classList && node.classList.contains("msg-bot")) {
              probe.finalAt = probe.seen.length;
            }
          }
        }
        if (m.type === "characterData" && !hidden(m.target)) {
          probe.announced.push({ cls: "#text", text: m.target.data });
        }
      }
      const body = log.querySelector(".msg-stream .msg-body");
      const text = body ? body.textContent : null;
      if (text && probe.seen[probe.seen.length - 1] !== text) probe.seen.push(text);
    }).observe(log, { childList: true, subtree: true, characterData: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", observe);
  } else {
    observe();
  }
})();
"""


def install_probe(context: BrowserContext) -> None:
    context.add_init_script(PROBE)


def probe(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate("window.__probe")
    return found


class FrameLog:
    """Every JSON frame the page received on its WebSockets (Playwright's view of the socket)."""

    def __init__(self, page: Page) -> None:
        self.frames: list[dict[str, Any]] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._on_frame))

    def _on_frame(self, payload: str | bytes) -> None:
        try:
            msg = json.loads(payload)
        except ValueError:
            return
        if isinstance(msg, dict):
            self.frames.append(msg)

    def chunks(self) -> list[dict[str, Any]]:
        """Chunk and end frames, of any turn."""
        return [f for f in self.frames if f.get("type") in ("chunk", "end")]

    def of_turn(self, turn: str) -> list[dict[str, Any]]:
        """That turn's chunk and end frames, in seq order."""
        return sorted((f for f in self.chunks() if f.get("turn") == turn), key=lambda f: f["seq"])
