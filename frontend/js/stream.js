// The streaming side channel (docs/contracts.md, "Streaming"): a WebSocket to /stream on the page's
// own origin, bound to the tab's server-issued session, on which the fallback's chunks of the LLM
// answer arrive while POST /chat is still waiting. It is only ever an extra: when the socket is not
// open and bound, `boundTo()` is false, the page sends no turnId and behaves as without streaming.
//
//   StreamClient  - the socket: connect, bind, rebind, reconnect with backoff, route chunk frames
//   TurnText      - one turn's chunks in seq order (out-of-order buffered, duplicates ignored)
//   newTurnId     - a random id in the contract's alphabet, [A-Za-z0-9_-]{22}

export const STREAM_PATH = "/stream";
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 15000;
// Consecutive failed connections before the page stops trying; the next turn wakes it again.
export const MAX_ATTEMPTS = 6;
const MAX_FRAME_CHARS = 64 * 1024; // API Gateway's own frames are at most 32 KB
const MAX_TURN_CHARS = 200 * 1000; // more than any answer the fallback returns
const MAX_SEQ_GAP = 1000; // a chunk this far ahead of the next expected one is not buffered
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A turn id for /chat: 22 random characters of [A-Za-z0-9_-] (132 bits). */
export function newTurnId(cryptoImpl = globalThis.crypto) {
  const bytes = cryptoImpl.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => ID_ALPHABET[b & 63]).join("");
}

/** ws://host/stream on http pages, wss://host/stream on https ones: the page's own origin. */
export function streamUrl(loc = globalThis.location) {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${STREAM_PATH}`;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal jitter"
 * (between half and all of the step), so many tabs of a restarted server do not come back at once.
 */
export function backoffDelay(attempt, { base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS, random = Math.random } = {}) {
  const step = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return step / 2 + random() * (step / 2);
}

/** The text of one turn as far as it has arrived in order. */
export class TurnText {
  constructor() {
    this.text = "";
    this.next = 1; // the seq the text needs next
    this.pending = new Map(); // seq -> text, arrived early
    this.endSeq = null;
    this.endStatus = null;
    this.status = null; // null while streaming, then "complete" or "failed"
  }

  /** Takes a chunk or end frame; returns true when `text` or `status` changed. */
  add(frame) {
    const { seq } = frame;
    if (!Number.isInteger(seq) || seq < this.next || seq > this.next + MAX_SEQ_GAP) return false;
    if (this.endSeq !== null && seq >= this.endSeq) return false; // nothing follows the end
    if (frame.type === "end") {
      if ([...this.pending.keys()].some((s) => s >= seq)) return false; // contradicts the chunks
      this.endSeq = seq;
      this.endStatus = frame.status === "failed" ? "failed" : "complete";
      return this.#settle();
    }
    if (typeof frame.text !== "string" || this.pending.has(seq)) return false; // duplicate
    this.pending.set(seq, frame.text);
    let grew = false;
    while (this.pending.has(this.next)) {
      const piece = this.pending.get(this.next);
      this.pending.delete(this.next);
      this.next += 1;
      if (this.text.length + piece.length > MAX_TURN_CHARS) continue;
      this.text += piece;
      grew = grew || piece.length > 0;
    }
    return this.#settle() || grew;
  }

  #settle() {
    if (this.status === null && this.endSeq !== null && this.next === this.endSeq) {
      this.status = this.endStatus;
      return true;
    }
    return false;
  }
}

/**
 * The page's socket. `store` is the page's Store (session id in, server-issued id out);
 * `WebSocketImpl`, `random`, `url` and `setTimer` can be passed in to drive it outside the page.
 */
export class StreamClient {
  constructor(
    store,
    {
      url = streamUrl(),
      WebSocketImpl = globalThis.WebSocket,
      random = Math.random,
      maxAttempts = MAX_ATTEMPTS,
      setTimer = (fn, ms) => globalThis.setTimeout(fn, ms),
    } = {},
  ) {
    this.store = store;
    this.url = url;
    this.WebSocketImpl = WebSocketImpl;
    this.random = random;
    this.maxAttempts = maxAttempts;
    this.setTimer = setTimer;
    this.ws = null;
    this.attempts = 0; // consecutive connections that never got to "bound"
    this.timer = null;
    this.stopped = false; // the server said streaming is not configured
    this.boundId = null; // the session id the open socket is bound to
    this.bindsInFlight = 0;
    this.lastBind = null; // the session id the latest bind asked for
    this.turn = null; // {id, text: TurnText, onUpdate}
  }

  /** Opens the socket (once); without WebSocket support nothing happens. */
  start() {
    if (typeof this.WebSocketImpl !== "function" || this.ws || this.timer !== null || this.stopped) return;
    this.#connect();
  }

  /** After the page gave up reconnecting: try again now (the user is about to need it). */
  wake() {
    if (this.stopped || this.ws || this.timer !== null) return;
    this.attempts = 0;
    this.start();
  }

  /** True when a turn of `sessionId` would stream: the socket is open and bound to that session. */
  boundTo(sessionId) {
    return Boolean(sessionId) && this.boundId === sessionId && this.bindsInFlight === 0 && this.#isOpen();
  }

  /** Binds the open socket to `sessionId` (null: the server issues a new one). */
  bind(sessionId) {
    if (!this.#isOpen()) return; // the next connection binds with the stored id
    this.boundId = null;
    this.bindsInFlight += 1;
    this.ws.send(JSON.stringify({ action: "bind", sessionId: sessionId || null }));
    this.lastBind = sessionId || null;
  }

  /** Starts collecting a turn's chunks; returns its turnId. `onUpdate(TurnText)` on every change. */
  beginTurn(onUpdate) {
    const id = newTurnId();
    this.turn = { id, text: new TurnText(), onUpdate };
    return id;
  }

  /** Stops collecting `turnId`'s chunks (its final answer arrived, or it was abandoned). */
  endTurn(turnId) {
    if (this.turn?.id === turnId) this.turn = null;
  }

  #isOpen() {
    return this.ws !== null && this.ws.readyState === 1;
  }

  #connect() {
    this.timer = null;
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch {
      this.#retry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.bind(this.store.sessionId());
    });
    ws.addEventListener("message", (event) => {
      if (this.ws === ws) this.#onMessage(event.data);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.boundId = null;
      this.bindsInFlight = 0;
      this.#retry();
    });
    // "error" is always followed by "close"; the browser logs it, the page stays quiet.
  }

  #retry() {
    if (this.stopped || this.timer !== null) return;
    if (this.attempts >= this.maxAttempts) return; // asleep until wake()
    const delay = backoffDelay(this.attempts, { random: this.random });
    this.attempts += 1;
    this.timer = this.setTimer(() => this.#connect(), delay);
  }

  #onMessage(data) {
    if (typeof data !== "string" || data.length > MAX_FRAME_CHARS) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "bound") this.#onBound(msg);
    else if (msg.type === "error") this.#onError(msg);
    else if (msg.type === "chunk" || msg.type === "end") this.#onTurnFrame(msg);
  }

  #onBound(msg) {
    this.bindsInFlight = Math.max(0, this.bindsInFlight - 1);
    if (this.bindsInFlight > 0 || typeof msg.sessionId !== "string") return; // a newer bind is on its way
    this.store.setSessionId(msg.sessionId);
    // Only an id the store accepted (and so /chat will send) counts as bound.
    this.boundId = this.store.sessionId() === msg.sessionId ? msg.sessionId : null;
    this.attempts = 0;
  }

  #onError(msg) {
    this.bindsInFlight = Math.max(0, this.bindsInFlight - 1);
    if (msg.code === "invalid_session_id" && this.lastBind) {
      // As for /chat: a restarted server or a new key; forget the id and get a new one.
      this.store.forgetSessionId();
      this.store.saveDialogLocale(null);
      if (this.bindsInFlight === 0) this.bind(null);
    } else if (msg.code === "service_unavailable") {
      // The server's table or key is unreachable for now: reconnect (and so rebind) with backoff.
      this.ws?.close();
    } else if (msg.code === "not_configured") {
      this.stopped = true; // streaming is off on this server: stop knocking
      const ws = this.ws;
      this.ws = null;
      this.boundId = null;
      ws?.close();
    }
  }

  #onTurnFrame(msg) {
    const turn = this.turn;
    if (!turn || msg.turn !== turn.id) return; // another (older) turn's late chunks
    if (turn.text.add(msg)) turn.onUpdate(turn.text);
  }
}
