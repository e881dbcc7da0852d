// What the page remembers. Per tab (sessionStorage): the session id the server issued, the
// conversation, the draft and the locale of a Lex dialog waiting for an answer, so a reload
// restores everything. Across tabs (localStorage): the UI language the user chose in the menu.
// The page never makes up a session id: the server issues one with its first answer
// (docs/contracts.md, "Session ids").
// Storage can be disabled or full; then the page keeps working from memory for this load.

const KEYS = {
  sessionId: "chat.sessionId",
  log: "chat.log",
  draft: "chat.draft",
  // Only a choice made in the menu is stored. (Earlier versions stored every language under
  // "chat.lang", chosen or not, so that key is no longer read.)
  lang: "chat.chosenLang",
  dialogLocale: "chat.dialogLocale",
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

  /** The session id the server issued to this tab, or null before its first answer. */
  sessionId() {
    const id = this.session.getItem(KEYS.sessionId);
    return id && SESSION_ID_PATTERN.test(id) ? id : null;
  }

  setSessionId(id) {
    if (typeof id === "string" && SESSION_ID_PATTERN.test(id)) {
      this.#set(this.session, KEYS.sessionId, id);
    }
  }

  /** After the server refused the id (a restarted server, a new key): the next turn gets a new one. */
  forgetSessionId() {
    this.session.removeItem(KEYS.sessionId);
  }

  /** The locale of a Lex dialog waiting for the user's answer, or null. */
  loadDialogLocale() {
    return this.session.getItem(KEYS.dialogLocale);
  }

  saveDialogLocale(localeId) {
    if (localeId) this.#set(this.session, KEYS.dialogLocale, localeId);
    else this.session.removeItem(KEYS.dialogLocale);
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

  /** The UI language the user chose in the menu (an explicit choice), or null. */
  loadLang() {
    return this.local.getItem(KEYS.lang);
  }

  saveLang(lang) {
    this.#set(this.local, KEYS.lang, lang);
  }

  /** Forgets the conversation and its session id (the server issues a new one); the draft and
   * language stay. */
  resetConversation() {
    this.session.removeItem(KEYS.log);
    this.session.removeItem(KEYS.sessionId);
    this.session.removeItem(KEYS.dialogLocale);
  }
}
