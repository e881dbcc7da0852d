// Builds message bubbles from conversation entries. Text goes in with textContent; only LLM answers
// go through the sanitising Markdown renderer (markdown.js). Nothing here uses innerHTML.
// StreamBubble paints a streamed answer (js/stream.js) at most once per animation frame, each time
// the whole text so far through markdown.js, so a tag or link split across chunks is only ever seen
// whole (then escaped or sanitised) or as plain text.

import { LOCALE_IDS, t } from "./i18n.js";
import { renderMarkdown } from "./markdown.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function hiddenLabel(text) {
  return el("span", "visually-hidden", `${text} `);
}

function timeElement(iso, lang) {
  const node = el("time", "msg-time");
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return node;
  node.dateTime = date.toISOString();
  node.textContent = new Intl.DateTimeFormat(lang === "ko" ? "ko-KR" : "en-US", {
    hour: "numeric",
    minute: "2-digit",
  }).format(date);
  node.title = date.toLocaleString(lang === "ko" ? "ko-KR" : "en-US");
  return node;
}

/** SSML is for speech; show only its text, parsed in an inert document (nothing runs or loads). */
function ssmlToText(ssml) {
  const doc = new DOMParser().parseFromString(ssml, "text/html");
  return (doc.body.textContent || "").trim();
}

function botBody(entry, lang) {
  const body = el("div", "msg-body");
  const text = entry.contentType === "SSML" ? ssmlToText(entry.text) : entry.text;
  if (!text) {
    body.textContent = t(lang, "noReply");
  } else if (entry.source === "llm") {
    renderMarkdown(body, text);
  } else {
    body.textContent = text;
  }
  return body;
}

const ERROR_KEYS = {
  network: "errNetwork",
  timeout: "errTimeout",
  "bad-response": "errBadResponse",
  interrupted: "errInterrupted",
};

/** The localised, user-facing sentence for a failed request. */
export function errorText(entry, lang) {
  // The fallback's own notice is already friendly and in the language the question was asked in.
  if (entry.errorKind === "llm") return entry.notice || t(lang, "errLlm");
  if (entry.errorKind !== "http") return t(lang, ERROR_KEYS[entry.errorKind] || "errServer");
  if (entry.status === 429) return t(lang, "errRate");
  if (entry.status >= 400 && entry.status < 500) return t(lang, "errBadRequest");
  return t(lang, "errServer");
}

/**
 * The bubble a turn's streamed text grows in until the final /chat answer replaces it. Not an entry
 * (never saved). Hidden from screen readers: they hear the final answer once, when it is added to
 * the log, not every chunk.
 */
export function renderStreaming(lang) {
  const item = el("div", "msg msg-stream");
  item.dataset.source = "llm";
  item.dataset.stream = "streaming";
  item.setAttribute("aria-hidden", "true");
  item.append(el("div", "msg-body"));
  const meta = el("div", "msg-meta");
  const badge = el("span", "badge badge-llm", t(lang, "sourceLlm"));
  badge.title = t(lang, "sourceLlmTitle");
  meta.append(badge);
  item.append(meta);
  return item;
}

/** One bubble (an element with class "msg") for a conversation entry. */
export function renderEntry(entry, lang, { onRetry } = {}) {
  const item = el("div", "msg");
  item.dataset.entryId = entry.id;
  const meta = el("div", "msg-meta");

  if (entry.kind === "user") {
    item.classList.add("msg-user");
    if (entry.failed) item.classList.add("msg-failed");
    item.append(hiddenLabel(t(lang, "youSay")));
    item.append(el("div", "msg-body", entry.text));
    if (entry.localeId && entry.localeId !== LOCALE_IDS[lang]) {
      // The text was plainly in another of the bot's languages, so the turn went to that locale.
      const language = t(lang, `language_${entry.localeId}`);
      const badge = el("span", "badge badge-locale", t(lang, "sentIn", { language }));
      badge.dataset.locale = entry.localeId;
      badge.title = t(lang, "sentInTitle", { language, locale: entry.localeId });
      meta.append(badge);
    }
  } else if (entry.kind === "bot") {
    const source = entry.source === "llm" ? "llm" : "lex";
    item.classList.add("msg-bot");
    item.dataset.source = source;
    item.append(hiddenLabel(t(lang, "botSays")));
    item.append(botBody(entry, lang));
    const badge = el("span", `badge badge-${source}`, t(lang, source === "llm" ? "sourceLlm" : "sourceLex"));
    badge.title = t(lang, source === "llm" ? "sourceLlmTitle" : "sourceLexTitle");
    meta.append(badge);
  } else {
    item.classList.add("msg-error");
    if (entry.errorKind === "llm") item.dataset.source = "llm"; // the LLM, not the request, failed
    item.append(hiddenLabel(t(lang, "errorSays")));
    const body = el("div", "msg-body");
    body.append(el("p", "error-text", errorText(entry, lang)));
    if (entry.serverMessage) {
      body.append(el("p", "error-detail", t(lang, "serverSaid", { message: entry.serverMessage })));
    }
    item.append(body);
    if (entry.retryText) {
      const retry = el("button", "retry", t(lang, "retry"));
      retry.type = "button";
      retry.addEventListener("click", () => onRetry?.(entry));
      meta.append(retry);
    }
  }
  meta.append(timeElement(entry.time, lang));
  item.append(meta);
  return item;
}

/** The growing bubble of a streamed answer, at the end of `container`, until `remove()`. */
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
