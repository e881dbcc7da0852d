// What the page remembers. Per tab (sessionStorage): the Lex session id, the conversation and the
// draft, so a reload restores everything. Across tabs (localStorage): the chosen UI language.
// Storage can be disabled or full; then the page keeps working from memory for this load.

const KEYS = {
  sessionId: "chat.sessionId",
  log: "chat.log",
  draft: "chat.draft",
  lang: "chat.lang",
};
export const MAX_LOG_ENTRIES = 200;
const SESSION_ID_PATTERN = /^[0-9a-zA-Z._:-]{2,100}$/; // Lex V2's own rule

function storage(kind) {
  try {
    const s = kind === "local" ? globalThis.localStorage : globalThis.sessionStorage;
    const probe = "chat.probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
}

/** A random session id that satisfies Lex's pattern (a UUID; 36 characters). */
export function newSessionId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Store {
  constructor(session = storage("session"), local = storage("local")) {
    this.session = session || memoryStorage();
    this.local = local || memoryStorage();
  }

  #set(s, key, value) {
    try {
      s.setItem(key, value);
    } catch {
      // Quota exceeded: keep going; the in-page state is still right.
    }
  }

  /** This tab's session id, created on first use. */
  sessionId() {
    let id = this.session.getItem(KEYS.sessionId);
    if (!id || !SESSION_ID_PATTERN.test(id)) {
      id = newSessionId();
      this.#set(this.session, KEYS.sessionId, id);
    }
    return id;
  }

  setSessionId(id) {
    if (SESSION_ID_PATTERN.test(id)) this.#set(this.session, KEYS.sessionId, id);
  }

  /** The saved conversation: a list of plain entries (see chat.js), oldest first. */
  loadLog() {
    try {
      const entries = JSON.parse(this.session.getItem(KEYS.log) || "[]");
      return Array.isArray(entries) ? entries.filter((e) => e && typeof e === "object") : [];
    } catch {
      return [];
    }
  }

  saveLog(entries) {
    this.#set(this.session, KEYS.log, JSON.stringify(entries.slice(-MAX_LOG_ENTRIES)));
  }

  loadDraft() {
    return this.session.getItem(KEYS.draft) || "";
  }

  saveDraft(text) {
    if (text) this.#set(this.session, KEYS.draft, text);
    else this.session.removeItem(KEYS.draft);
  }

  loadLang() {
    return this.local.getItem(KEYS.lang);
  }

  saveLang(lang) {
    this.#set(this.local, KEYS.lang, lang);
  }

  /** Forgets the conversation and starts a fresh session id; the draft and language stay. */
  resetConversation() {
    this.session.removeItem(KEYS.log);
    const id = newSessionId();
    this.#set(this.session, KEYS.sessionId, id);
    return id;
  }
}
