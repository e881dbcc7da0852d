// The chat page's controller: owns the conversation state and wires the DOM hooks listed in
// docs/contracts.md ("Page"). Talking to the server lives in js/api.js, storage in js/store.js,
// bubbles in js/view.js, strings in js/i18n.js, the streaming socket in js/stream.js. When ready it sets <html data-ready="1">.

import { ChatError, postChat } from "./js/api.js";
import { DEFAULT_LANG, applyStrings, normalizeLang, t } from "./js/i18n.js";
import { dialogIsOpen, turnLocale } from "./js/locale.js";
import { Store } from "./js/store.js";
import { StreamClient } from "./js/stream.js";
import { MAX_CHARS, isBlank, textLength } from "./js/text.js";
import { StreamBubble, renderEntry } from "./js/view.js";

export { MAX_CHARS };

const $ = (id) => document.getElementById(id);
const els = {
  messages: $("messages"),
  form: $("composer"),
  input: $("input"),
  send: $("send"),
  counter: $("counter"),
  hint: $("input-hint"),
  lang: $("lang"),
  newConversation: $("new-conversation"),
  typing: document.querySelector(".typing"),
  announcer: $("announcer"),
};

const store = new Store();
const stream = new StreamClient(store);
const state = {
  lang: DEFAULT_LANG,
  explicitLang: false, // the user picked the language in the menu: every turn uses it
  entries: [],
  busy: false,
  inflight: null, // AbortController of the request in flight
  composing: false,
  streamed: null, // the turn whose chunks are being shown (openTurnStream)
};
let nextId = 0;
const newId = () => `${Date.now().toString(36)}-${(nextId++).toString(36)}`;

// --- state -> DOM -----------------------------------------------------------------------------

function persist() {
  store.saveLog(state.entries);
}

function scrollToEnd() {
  els.messages.scrollTop = els.messages.scrollHeight;
}

function append(entry) {
  state.entries.push(entry);
  els.messages.append(renderEntry(entry, state.lang, { onRetry: retry }));
  scrollToEnd();
}

function replaceNode(entry) {
  const node = els.messages.querySelector(`[data-entry-id="${CSS.escape(entry.id)}"]`);
  if (node) node.replaceWith(renderEntry(entry, state.lang, { onRetry: retry }));
}

function removeEntry(entry) {
  state.entries = state.entries.filter((e) => e !== entry);
  els.messages.querySelector(`[data-entry-id="${CSS.escape(entry.id)}"]`)?.remove();
}

function renderAll() {
  // aria-busy keeps screen readers from re-reading the whole log while it is rebuilt.
  els.messages.setAttribute("aria-busy", "true");
  els.messages.replaceChildren(
    ...state.entries.map((e) => renderEntry(e, state.lang, { onRetry: retry })),
    ...(state.streamed?.node() ? [state.streamed.node()] : []), // still growing, after the entries
  );
  els.messages.setAttribute("aria-busy", "false");
  scrollToEnd();
}

function updateControls() {
  const text = els.input.value;
  const count = textLength(text); // UTF-16 units after the API's own cleaning, like the API and Lex
  const over = count > MAX_CHARS;
  els.counter.textContent = t(state.lang, "counter", { n: count, max: MAX_CHARS });
  els.counter.classList.toggle("over", over);
  els.counter.classList.toggle("near", !over && count > MAX_CHARS * 0.9);
  els.input.setAttribute("aria-invalid", String(over));
  const hint = over ? t(state.lang, "tooLong", { max: MAX_CHARS }) : t(state.lang, "inputHint");
  if (els.hint.textContent !== hint) els.hint.textContent = hint; // a live region: only on change
  els.hint.classList.toggle("over", over);
  els.send.disabled = state.busy || over || count === 0 || isBlank(text);
}

function setBusy(busy) {
  state.busy = busy;
  els.typing.classList.toggle("is-active", busy);
  if (busy) {
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    dots.append(...[0, 1, 2].map(() => document.createElement("i")));
    const label = document.createElement("span");
    label.className = "typing-text";
    label.textContent = t(state.lang, "typing");
    els.typing.replaceChildren(dots, label);
  } else {
    els.typing.replaceChildren();
  }
  els.messages.setAttribute("aria-busy", "false");
  updateControls();
}

function autoGrow() {
  els.input.style.height = "auto";
  els.input.style.height = `${Math.min(els.input.scrollHeight, window.innerHeight * 0.4)}px`;
}

// --- sending ----------------------------------------------------------------------------------

function isRefusedSession(err) {
  return err instanceof ChatError && err.status === 400 && err.code === "invalid_session_id";
}

/** One turn; a session id the server no longer accepts is forgotten and the turn resent once. */
async function send(request, signal) {
  try {
    return await postChat(request, { signal });
  } catch (err) {
    if (!request.sessionId || !isRefusedSession(err) || signal.aborted) throw err;
    store.forgetSessionId();
    store.saveDialogLocale(null); // that Lex dialog is gone with its session
    return postChat({ ...request, sessionId: null, turnId: null }, { signal }); // a new session: no stream
  }
}

/** When the socket is bound to this turn's session: a turnId, and a bubble its chunks grow in. */
function openTurnStream(sessionId) {
  if (!stream.boundTo(sessionId)) {
    stream.wake(); // asleep after failed reconnects: the next turn may stream again
    return { turnId: null, close: () => {} };
  }
  const bubble = new StreamBubble(els.messages, state.lang, { onPaint: scrollToEnd });
  const turnId = stream.beginTurn((text) => bubble.update(text));
  const streamed = {
    turnId,
    node: () => bubble.node,
    close() {
      stream.endTurn(turnId);
      bubble.remove();
      if (state.streamed === streamed) state.streamed = null;
    },
  };
  state.streamed = streamed;
  return streamed;
}

async function deliver(userEntry) {
  const controller = new AbortController();
  state.inflight = controller;
  setBusy(true);
  const localeId = turnLocale(userEntry.text, {
    lang: state.lang,
    explicit: state.explicitLang,
    openDialogLocale: store.loadDialogLocale(),
  });
  if (userEntry.localeId !== localeId) {
    userEntry.localeId = localeId; // shown on the bubble when it is not the page's language
    replaceNode(userEntry);
  }
  const sessionId = store.sessionId();
  const streamed = openTurnStream(sessionId);
  const request = { text: userEntry.text, sessionId, localeId, turnId: streamed.turnId };
  try {
    const reply = await send(request, controller.signal);
    streamed.close(); // the final answer is authoritative: it replaces the streamed text
    if (state.inflight !== controller) return; // superseded by "New conversation"
    store.setSessionId(reply.sessionId);
    if (reply.sessionId && !stream.boundTo(reply.sessionId)) stream.bind(reply.sessionId);
    store.saveDialogLocale(dialogIsOpen(reply) ? localeId : null);
    userEntry.pending = false;
    if (reply.source === "llm" && reply.intent?.state === "Failed") {
      // The fallback could not get an answer (LLM down, slow, busy, not configured): it answers 200
      // with a friendly notice and the intent Failed. That is an error the user can retry.
      failTurn(userEntry, {
        errorKind: "llm",
        notice: reply.messages.map((m) => m.content.trim()).filter(Boolean).join("\n\n"),
      });
      return;
    }
    userEntry.failed = false;
    replaceNode(userEntry);
    const time = new Date().toISOString();
    const messages = reply.messages.length ? reply.messages : [{ content: "", contentType: "PlainText" }];
    for (const m of messages) {
      append({ kind: "bot", id: newId(), text: m.content, contentType: m.contentType, source: reply.source, time });
    }
  } catch (err) {
    streamed.close();
    if (state.inflight !== controller) return;
    const e = err instanceof ChatError ? err : new ChatError("network");
    if (e.kind === "aborted") return;
    userEntry.pending = false;
    failTurn(userEntry, {
      errorKind: e.kind,
      status: e.status,
      code: e.code,
      serverMessage: e.serverMessage.slice(0, 300),
    });
  } finally {
    if (state.inflight === controller) {
      state.inflight = null;
      setBusy(false);
      persist();
    }
  }
}

/** Marks the user's turn failed and adds an error bubble whose Retry re-sends the same text. */
function failTurn(userEntry, details) {
  userEntry.failed = true;
  replaceNode(userEntry);
  append({
    kind: "error",
    id: newId(),
    ...details,
    retryText: userEntry.text,
    userId: userEntry.id,
    time: new Date().toISOString(),
  });
}

function submit() {
  const text = els.input.value;
  const count = textLength(text);
  if (state.busy || count === 0 || count > MAX_CHARS || isBlank(text)) return;
  const entry = { kind: "user", id: newId(), text, time: new Date().toISOString(), pending: true };
  append(entry);
  persist();
  els.input.value = "";
  store.saveDraft("");
  autoGrow();
  updateControls();
  deliver(entry);
}

function retry(errorEntry) {
  if (state.busy) return;
  let userEntry = state.entries.find((e) => e.id === errorEntry.userId && e.kind === "user");
  removeEntry(errorEntry);
  if (!userEntry) {
    // The user bubble fell out of the saved log: show the text again rather than lose it.
    userEntry = { kind: "user", id: newId(), text: errorEntry.retryText, time: new Date().toISOString() };
    append(userEntry);
  }
  userEntry.pending = true;
  persist();
  els.input.focus();
  deliver(userEntry);
}

function newConversation() {
  const hadRequest = state.inflight;
  state.inflight = null;
  hadRequest?.abort();
  state.streamed?.close();
  store.resetConversation();
  stream.bind(null); // the server issues the new conversation's session on the socket
  state.entries = [];
  renderAll();
  setBusy(false);
  els.announcer.textContent = t(state.lang, "conversationCleared");
  els.input.focus();
}

function setLanguage(lang, { explicit = false } = {}) {
  state.lang = lang;
  if (explicit) {
    state.explicitLang = true;
    store.saveLang(lang);
  }
  document.documentElement.lang = lang;
  document.title = t(lang, "pageTitle");
  applyStrings(document, lang);
  if (els.lang.value !== lang) els.lang.value = lang;
  if (state.busy) setBusy(true); // re-localise the typing text
  renderAll();
  updateControls();
}

// --- events -----------------------------------------------------------------------------------

function onKeyDown(event) {
  if (event.key !== "Enter") return;
  // Korean/Japanese/Chinese IMEs send Enter to commit a syllable: that must never send.
  if (event.isComposing || event.keyCode === 229 || state.composing) return;
  if (event.shiftKey) return; // the browser inserts the newline
  event.preventDefault();
  submit();
}

function wire() {
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  els.input.addEventListener("keydown", onKeyDown);
  els.input.addEventListener("compositionstart", () => {
    state.composing = true;
  });
  els.input.addEventListener("compositionend", () => {
    state.composing = false;
  });
  els.input.addEventListener("input", () => {
    store.saveDraft(els.input.value);
    autoGrow();
    updateControls();
  });
  els.lang.addEventListener("change", () =>
    setLanguage(normalizeLang(els.lang.value) || DEFAULT_LANG, { explicit: true }),
  );
  els.newConversation.addEventListener("click", newConversation);
}

function restore() {
  const entries = store.loadLog().map((e) => ({ ...e, id: String(e.id || newId()) }));
  // A reload while a request was in flight: its answer is gone; offer Retry instead.
  for (const entry of entries.filter((e) => e.kind === "user" && e.pending)) {
    entry.pending = false;
    entry.failed = true;
    const at = entries.indexOf(entry);
    entries.splice(at + 1, 0, {
      kind: "error",
      id: newId(),
      errorKind: "interrupted",
      retryText: entry.text,
      userId: entry.id,
      time: new Date().toISOString(),
    });
  }
  state.entries = entries;
  els.input.value = store.loadDraft();
}

function init() {
  restore();
  const chosen = normalizeLang(store.loadLang());
  const lang =
    chosen || (navigator.languages || [navigator.language]).map(normalizeLang).find(Boolean) || DEFAULT_LANG;
  wire();
  setLanguage(lang, { explicit: Boolean(chosen) });
  persist();
  els.input.disabled = false;
  autoGrow();
  updateControls();
  stream.start();
  document.documentElement.dataset.ready = "1";
  performance.mark?.("chat-ready"); // read by bench/page_load.py
}

init();
