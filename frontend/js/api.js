// The one place the page talks to the server: POST /chat (origin-relative, so the same files work behind
// CloudFront and in the local stack). Every failure becomes a ChatError with a `kind`:
//   "http"         - the server answered with a non-2xx status (`status`, `code`, `serverMessage`)
//   "network"      - fetch itself failed (server down, connection refused, offline)
//   "timeout"      - no answer within `timeoutMs` (AbortController)
//   "bad-response" - a 2xx answer that is not the documented JSON shape
//   "aborted"      - the caller cancelled it (e.g. "New conversation"); not shown to the user

export const CHAT_PATH = "/chat"; // same origin: CloudFront routes /chat to the API
export const DEFAULT_TIMEOUT_MS = 35000; // API Gateway gives up at 29 s; leave room for the network.

export class ChatError extends Error {
  constructor(kind, { status = 0, code = "", serverMessage = "" } = {}) {
    super(`chat request failed: ${kind}${status ? ` ${status}` : ""}`);
    this.name = "ChatError";
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
  }
}

async function readErrorBody(response) {
  try {
    const body = await response.json();
    const error = body && typeof body === "object" ? body.error : null;
    if (error && typeof error === "object") {
      return {
        code: typeof error.code === "string" ? error.code : "",
        serverMessage: typeof error.message === "string" ? error.message : "",
      };
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status alone has to do.
  }
  return { code: "", serverMessage: "" };
}

function normaliseReply(body) {
  if (!body || typeof body !== "object" || !Array.isArray(body.messages)) {
    throw new ChatError("bad-response");
  }
  const messages = body.messages
    .filter((m) => m && typeof m === "object" && typeof m.content === "string")
    .map((m) => ({ content: m.content, contentType: String(m.contentType || "PlainText") }));
  return {
    sessionId: typeof body.sessionId === "string" ? body.sessionId : null,
    source: body.source === "llm" ? "llm" : "lex",
    intent: normaliseIntent(body.intent),
    messages,
  };
}

/** `{name, state}` or null. A Failed FallbackIntent is how the fallback reports "no LLM answer". */
function normaliseIntent(intent) {
  if (!intent || typeof intent !== "object" || typeof intent.name !== "string") return null;
  return { name: intent.name, state: typeof intent.state === "string" ? intent.state : null };
}

/**
 * Sends one turn and resolves to {sessionId, source, intent, messages}. `signal` lets the caller cancel;
 * `fetchImpl` and `url` exist so the function can be driven outside the page.
 */
export async function postChat(
  { text, sessionId, localeId, turnId },
  { signal, timeoutMs = DEFAULT_TIMEOUT_MS, fetchImpl = globalThis.fetch, url = CHAT_PATH } = {},
) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener("abort", onCallerAbort, { once: true });
  }
  try {
    let response;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        // No sessionId on a first turn: the server issues one and returns it. A turnId only when
        // the page's stream socket is bound to this session (js/stream.js).
        body: JSON.stringify({
          text,
          ...(sessionId ? { sessionId } : {}),
          localeId,
          ...(turnId ? { turnId } : {}),
        }),
        signal: controller.signal,
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch {
      throw new ChatError(timedOut ? "timeout" : controller.signal.aborted ? "aborted" : "network");
    }
    if (!response.ok) {
      throw new ChatError("http", { status: response.status, ...(await readErrorBody(response)) });
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ChatError(timedOut ? "timeout" : controller.signal.aborted ? "aborted" : "bad-response");
    }
    return normaliseReply(body);
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", onCallerAbort);
  }
}
