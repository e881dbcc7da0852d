// Safe Markdown for LLM answers: marked (parser) + DOMPurify (sanitiser), both vendored from npm
// into vendor/ by `make frontend-deps` and loaded as classic scripts before this module runs.
//
// Three layers, so one mistake is not enough for an XSS:
//   1. raw HTML in the Markdown is not passed through: marked's `html` renderer escapes it, so
//      `<img onerror=...>` shows up as text, the way the model wrote it;
//   2. DOMPurify keeps only a short allow-list of tags and attributes (no script/style/iframe/img/
//      form, no event handlers, no style) and only https/mailto links;
//   3. the result is inserted as a DOM fragment (RETURN_DOM_FRAGMENT), never assigned to innerHTML.
// Links then get links.js's rules: no plain http:, no empty links, the real host shown.
// If either library failed to load, the answer is shown as plain text with textContent.

import { checkLinks } from "./links.js";

const ALLOWED_TAGS = [
  "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
];
const ALLOWED_ATTR = ["href", "title", "start", "align"];
const SAFE_URL = /^(?:https:|mailto:)/i;

const PURIFY_CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP: SAFE_URL,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  FORBID_TAGS: ["script", "style", "iframe", "object", "embed", "img", "svg", "math", "form"],
  RETURN_DOM_FRAGMENT: true,
};

function escapeHtml(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

let engine; // undefined: not built yet; null: libraries missing

function buildEngine() {
  const { marked, DOMPurify } = globalThis;
  if (!marked || typeof marked.Marked !== "function" || !DOMPurify || !DOMPurify.isSupported) {
    return null;
  }
  const parser = new marked.Marked({ async: false, gfm: true, breaks: true });
  parser.use({ renderer: { html: (token) => escapeHtml(token.text ?? token.raw ?? "") } });
  const purify = DOMPurify(window); // our own instance, so our hook touches no one else's
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.nodeName === "A") {
      const href = node.getAttribute("href");
      if (!href || !SAFE_URL.test(href.trim())) node.removeAttribute("href");
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
  return { parser, purify };
}

/** True when Markdown will be rendered (both libraries present). */
export function markdownAvailable() {
  if (engine === undefined) engine = buildEngine();
  return engine !== null;
}

/** Fills `el` with `text` rendered as sanitised Markdown, or as plain text if that isn't possible. */
export function renderMarkdown(el, text) {
  if (!markdownAvailable()) {
    el.textContent = text;
    el.classList.add("plain");
    return;
  }
  try {
    const html = engine.parser.parse(String(text));
    const fragment = engine.purify.sanitize(html, PURIFY_CONFIG);
    checkLinks(fragment);
    el.replaceChildren(fragment);
    el.classList.add("markdown");
  } catch {
    el.textContent = text;
    el.classList.add("plain");
  }
}
