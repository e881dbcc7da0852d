// Paints a turn's streamed text into a bubble at the end of the message list, at most once per
// animation frame. Every paint renders the whole text received so far through the sanitising
// Markdown renderer (markdown.js), so a tag or a link split across chunks is only ever seen whole
// (and then escaped or sanitised) or as plain text: nothing is appended to innerHTML piecewise.

import { renderMarkdown } from "./markdown.js";
import { renderStreaming } from "./view.js";

export class StreamBubble {
  constructor(
    container,
    lang,
    {
      onPaint = () => {},
      raf = (fn) => globalThis.requestAnimationFrame(fn),
      caf = (id) => globalThis.cancelAnimationFrame(id),
    } = {},
  ) {
    this.container = container;
    this.lang = lang;
    this.onPaint = onPaint;
    this.raf = raf;
    this.caf = caf;
    this.node = null;
    this.latest = null;
    this.frame = 0;
  }

  /** A TurnText changed: repaint on the next frame. */
  update(turnText) {
    this.latest = turnText;
    if (!this.frame) this.frame = this.raf(() => this.#paint());
  }

  #paint() {
    this.frame = 0;
    const turn = this.latest;
    if (!turn || (!turn.text && !this.node)) return; // no empty bubble before the first words
    if (!this.node) {
      this.node = renderStreaming(this.lang);
      this.container.append(this.node);
    }
    renderMarkdown(this.node.querySelector(".msg-body"), turn.text);
    this.node.dataset.stream = turn.status || "streaming";
    this.onPaint();
  }

  /** The final answer (or an error) takes its place. */
  remove() {
    if (this.frame) this.caf(this.frame);
    this.frame = 0;
    this.node?.remove();
    this.node = null;
  }
}
