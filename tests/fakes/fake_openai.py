"""An OpenAI-compatible HTTP server on loopback, for tests and local development only.

It speaks just enough of the OpenAI REST API for the official ``openai`` SDK to talk to it over real
HTTP: ``POST /v1/chat/completions`` and ``GET /v1/models``. Its behaviour can be switched while it
runs, in process (``set_behavior``) or from another process (``POST /_fake/behavior``):

* ``ok``      - a real-shaped ``chat.completion``; the answer is ``reply`` verbatim or, when
                ``reply`` is None, ``"[fake-llm] You asked: <last user message>"``, so tests can
                see what was sent;
* ``status``  - an OpenAI-style error body with the given HTTP status (429, 500, 401, ...);
* ``garbage`` - HTTP 200 with a body that is not a chat completion (not even JSON);
* ``slow``    - the ``ok`` answer, sent after ``delay`` seconds;
* ``drip``    - status line and headers at once, then the ``ok`` body one byte every ``interval``
                seconds (0.5 by default): every single read succeeds, the whole answer never comes
                in time (a per-read timeout never fires);
* ``slow_headers`` - the status line, then one extra header line every ``interval`` seconds
                (``header_lines`` of them, 400 by default), then the ``ok`` answer;
* ``cut``     - with ``stream: true``, ``cut_after`` content chunks and then the connection closes
                mid-answer (no ``[DONE]``, an unfinished chunked body), as a crashed server or a
                dropped proxy leaves it; without ``stream``, like ``ok``.

Streaming (``"stream": true``, the way the real API streams): ``text/event-stream`` over a chunked
body, one ``data: {"object": "chat.completion.chunk", ...}`` event first with the role, then one per
token (the answer split after each run of whitespace: ``"Hello "``, ``"world."``), then one with
the ``finish_reason``, then, when the request asks ``stream_options.include_usage`` (and
``stream_usage`` is on), a chunk with ``"choices": []`` and the ``usage`` (every other chunk then
carries ``"usage": null``), then ``data: [DONE]``. ``first_token_delay`` seconds pass before the
first content chunk and ``token_delay`` seconds before each later one, so tests and benchmarks see
first-token latency; a non-streamed ``ok`` answer waits their sum before it is sent (the same
model speed). ``stream_usage=False`` plays a server that sends no usage.

Drip modes stop at once when the client hangs up or the server stops; ``drip_started`` counts the
answers they began (tests wait on it instead of sleeping).

Usage::

    with FakeOpenAI() as llm:
        client = openai.OpenAI(api_key="x", base_url=llm.base_url)
        llm.set_behavior("status", status=429)
        llm.requests  # JSON bodies received by /v1/chat/completions

Command line: ``python -m tests.fakes.fake_openai --port 8081`` prints the base URL and serves until
SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any

__all__ = ["MODES", "Behavior", "FakeOpenAI", "main"]

MODES = ("ok", "status", "garbage", "slow", "drip", "slow_headers", "cut")
MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Behavior:
    """How the server answers the next chat completion requests."""

    mode: str = "ok"
    status: int = 500
    delay: float = 0.0
    reply: str | None = None
    interval: float = 0.5
    header_lines: int = 400
    first_token_delay: float = 0.0
    token_delay: float = 0.0
    stream_usage: bool = True
    cut_after: int = 3

    @classmethod
    def build(
        cls,
        mode: str,
        *,
        status: int | None = None,
        delay: float | None = None,
        reply: str | None = None,
        interval: float | None = None,
        header_lines: int | None = None,
        first_token_delay: float | None = None,
        token_delay: float | None = None,
        stream_usage: bool | None = None,
        cut_after: int | None = None,
    ) -> Behavior:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
        if status is not None and not (100 <= int(status) <= 599):
            raise ValueError(f"status must be an HTTP status code, got {status!r}")
        if delay is not None and float(delay) < 0:
            raise ValueError("delay must be >= 0")
        if reply is not None and not isinstance(reply, str):
            raise ValueError("reply must be a string or null")
        if interval is not None and not (0 < float(interval) <= 60):
            raise ValueError("interval must be in (0, 60] seconds")
        if header_lines is not None and not (0 <= int(header_lines) <= 10_000):
            raise ValueError("header_lines must be in [0, 10000]")
        for name, value in (("first_token_delay", first_token_delay), ("token_delay", token_delay)):
            if value is not None and not (0 <= float(value) <= 60):
                raise ValueError(f"{name} must be in [0, 60] seconds")
        if stream_usage is not None and not isinstance(stream_usage, bool):
            raise ValueError("stream_usage must be true or false")
        if cut_after is not None and not (0 <= int(cut_after) <= 100_000):
            raise ValueError("cut_after must be in [0, 100000]")
        return cls(
            mode=mode,
            status=int(status) if status is not None else 500,
            delay=float(delay) if delay is not None else (5.0 if mode == "slow" else 0.0),
            reply=reply,
            interval=float(interval) if interval is not None else 0.5,
            header_lines=int(header_lines) if header_lines is not None else 400,
            first_token_delay=float(first_token_delay or 0.0),
            token_delay=float(token_delay or 0.0),
            stream_usage=stream_usage if stream_usage is not None else True,
            cut_after=int(cut_after) if cut_after is not None else 3,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "status": self.status,
            "delay": self.delay,
            "reply": self.reply,
            "interval": self.interval,
            "header_lines": self.header_lines,
            "first_token_delay": self.first_token_delay,
            "token_delay": self.token_delay,
            "stream_usage": self.stream_usage,
            "cut_after": self.cut_after,
        }


def _last_user_text(body: dict[str, Any]) -> str:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):  # content parts
                return " ".join(
                    str(p.get("text", "")) for p in content if isinstance(p, dict)
                ).strip()
    return ""


def _answer_text(body: dict[str, Any], reply: str | None) -> str:
    return reply if reply is not None else f"[fake-llm] You asked: {_last_user_text(body)}"


def _prompt_tokens(body: dict[str, Any]) -> int:
    return sum(
        len(str(m.get("content", "")).split())
        for m in body.get("messages", [])
        if isinstance(m, dict)
    )


_TOKEN = re.compile(r"\S+\s*|\s+")


def tokens_of(text: str) -> list[str]:
    """The streamed pieces of an answer: each run of non-space with the spaces after it."""
    return _TOKEN.findall(text)


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _chunk(base: dict[str, Any], choices: list[dict[str, Any]], usage: Any = ...) -> bytes:
    payload = {**base, "choices": choices}
    if usage is not ...:
        payload["usage"] = usage
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n"


def _choice(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}


def _completion(body: dict[str, Any], reply: str | None) -> dict[str, Any]:
    content = _answer_text(body, reply)
    prompt_tokens = _prompt_tokens(body)
    completion_tokens = len(content.split())
    return {
        "id": f"chatcmpl-fake{uuid.uuid4().hex[:20]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model") or "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(prompt_tokens, completion_tokens),
        "system_fingerprint": "fp_fake",
    }


_ERROR_TYPES = {
    400: ("invalid_request_error", "Bad request."),
    401: ("invalid_request_error", "Incorrect API key provided."),
    403: ("permission_error", "Forbidden."),
    404: ("invalid_request_error", "Not found."),
    429: ("rate_limit_error", "Rate limit reached. Please try again later."),
    500: ("server_error", "The server had an error while processing your request."),
    502: ("server_error", "Bad gateway."),
    503: ("server_error", "The engine is currently overloaded."),
}


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stall between headers and body
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: test output is for the tests."""

    # -- helpers -------------------------------------------------------------------------------
    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

    def _send_raw(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", f"req_fake{uuid.uuid4().hex[:12]}")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout); nothing to tell it

    def _error(self, status: int, message: str, type_: str = "invalid_request_error") -> None:
        self._send_json(
            status, {"error": {"message": message, "type": type_, "param": None, "code": None}}
        )

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("body too large")
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw.decode("utf-8")) if raw else None

    # -- routes --------------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models":
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                        for m in ("gpt-4o-mini", "fake-model")
                    ],
                },
            )
        elif path in ("", "/_fake/health"):
            self._send_json(200, {"status": "ok", "base_url": self.server.base_url})
        else:
            self._error(404, f"Unknown path {path}")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        try:
            body = self._read_json()
        except (ValueError, UnicodeDecodeError):
            self._error(400, "Body is not valid JSON.")
            return
        if path == "/_fake/behavior":
            self._set_behavior(body)
        elif path == "/v1/chat/completions":
            self._chat(body)
        else:
            self._error(404, f"Unknown path {path}")

    def _set_behavior(self, body: Any) -> None:
        if not isinstance(body, dict):
            self._error(400, "Expected a JSON object.")
            return
        try:
            behavior = Behavior.build(
                str(body.get("mode", "ok")),
                status=body.get("status"),
                delay=body.get("delay"),
                reply=body.get("reply"),
                interval=body.get("interval"),
                header_lines=body.get("header_lines"),
                first_token_delay=body.get("first_token_delay"),
                token_delay=body.get("token_delay"),
                stream_usage=body.get("stream_usage"),
                cut_after=body.get("cut_after"),
            )
        except (TypeError, ValueError) as exc:
            self._error(400, str(exc))
            return
        self.server.fake.behavior = behavior
        self._send_json(200, behavior.as_json())

    def _chat(self, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self._error(400, "'messages' is required.")
            return
        fake = self.server.fake
        fake.record(body, self.headers.get("Authorization", ""))
        behavior = fake.behavior
        if behavior.mode == "status":
            type_, message = _ERROR_TYPES.get(
                behavior.status, ("server_error" if behavior.status >= 500 else "error", "Error.")
            )
            self._error(behavior.status, message, type_)
            return
        if behavior.mode == "garbage":
            self._send_raw(200, b"<html>this is not a chat completion", "application/json")
            return
        if behavior.mode == "slow" and fake.wait_or_stop(behavior.delay):
            return  # server shutting down
        if behavior.mode in ("drip", "slow_headers"):
            fake.count_drip()
            self._drip(_completion(body, behavior.reply), behavior)
            return
        if body.get("stream") is True:
            self._stream(body, behavior)
            return
        content = _answer_text(body, behavior.reply)
        thinking = behavior.first_token_delay + behavior.token_delay * max(
            len(tokens_of(content)) - 1, 0
        )
        if thinking and fake.wait_or_stop(thinking):
            return
        self._send_json(200, _completion(body, behavior.reply))

    def _write_chunk(self, data: bytes) -> None:
        """One HTTP/1.1 chunk of a ``Transfer-Encoding: chunked`` body, flushed at once."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _stream(self, body: dict[str, Any], behavior: Behavior) -> None:
        """Server-sent events as the real API sends them for ``stream: true``."""
        fake = self.server.fake
        content = _answer_text(body, behavior.reply)
        pieces = tokens_of(content)
        options = body.get("stream_options")
        with_usage = (
            isinstance(options, dict)
            and options.get("include_usage") is True
            and behavior.stream_usage
        )
        usage: Any = None if with_usage else ...
        base = {
            "id": f"chatcmpl-fake{uuid.uuid4().hex[:20]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": str(body.get("model") or "fake-model"),
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("x-request-id", f"req_fake{uuid.uuid4().hex[:12]}")
            self.end_headers()
            role = {"role": "assistant", "content": "", "refusal": None}
            self._write_chunk(_chunk(base, [_choice(role)], usage))
            for index, piece in enumerate(pieces):
                if behavior.mode == "cut" and index >= behavior.cut_after:
                    fake.count_cut()
                    self.close_connection = True
                    return  # no last chunk, no [DONE]: the client sees the body end early
                wait = behavior.first_token_delay if index == 0 else behavior.token_delay
                if wait and fake.wait_or_stop(wait):
                    self.close_connection = True
                    return
                self._write_chunk(_chunk(base, [_choice({"content": piece})], usage))
            self._write_chunk(_chunk(base, [_choice({}, "stop")], usage))
            if with_usage:
                totals = _usage(_prompt_tokens(body), len(pieces))
                self._write_chunk(_chunk(base, [], totals))
            self._write_chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client hung up (its deadline)

    def _drip(self, payload: dict[str, Any], behavior: Behavior) -> None:
        """Send a real answer so slowly that only a whole-call deadline can stop the client."""
        fake = self.server.fake
        data = json.dumps(payload).encode("utf-8")
        head = [
            b"HTTP/1.1 200 OK",
            b"Content-Type: application/json",
            f"Content-Length: {len(data)}".encode(),
        ]
        try:
            if behavior.mode == "slow_headers":
                self.wfile.write(head[0] + b"\r\n")
                self.wfile.flush()
                for n in range(behavior.header_lines):
                    if fake.wait_or_stop(behavior.interval):
                        return
                    self.wfile.write(f"X-Drip-{n}: {n}\r\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"\r\n".join(head[1:]) + b"\r\n\r\n" + data)
                self.wfile.flush()
                return
            self.wfile.write(b"\r\n".join(head) + b"\r\n\r\n")
            self.wfile.flush()
            for index in range(len(data)):
                if fake.wait_or_stop(behavior.interval):
                    return
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
        except OSError:
            pass  # the client hung up (its deadline): stop dripping
        finally:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # listen backlog for concurrent benchmark clients
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeOpenAI) -> None:
        super().__init__(address, _Handler)
        self.fake = fake

    @property
    def base_url(self) -> str:
        return f"{self.fake.base_url}"


class FakeOpenAI:
    """The fake server; a context manager that starts it in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._authorizations: list[str] = []
        self._behavior = Behavior()
        self._drips = 0
        self._cuts = 0
        self._stopping = threading.Event()
        self._host = host
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="fake-openai", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- state ---------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    @property
    def behavior(self) -> Behavior:
        with self._lock:
            return self._behavior

    @behavior.setter
    def behavior(self, value: Behavior) -> None:
        with self._lock:
            self._behavior = value

    def set_behavior(
        self,
        mode: str,
        *,
        status: int | None = None,
        delay: float | None = None,
        reply: str | None = None,
        interval: float | None = None,
        header_lines: int | None = None,
        first_token_delay: float | None = None,
        token_delay: float | None = None,
        stream_usage: bool | None = None,
        cut_after: int | None = None,
    ) -> None:
        """Switch how chat completions are answered (see the module docstring)."""
        self.behavior = Behavior.build(
            mode,
            status=status,
            delay=delay,
            reply=reply,
            interval=interval,
            header_lines=header_lines,
            first_token_delay=first_token_delay,
            token_delay=token_delay,
            stream_usage=stream_usage,
            cut_after=cut_after,
        )

    def record(self, body: dict[str, Any], authorization: str = "") -> None:
        with self._lock:
            self._requests.append(copy.deepcopy(body))
            self._authorizations.append(authorization)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A copy of every chat completion request body received, oldest first."""
        with self._lock:
            return copy.deepcopy(self._requests)

    @property
    def authorizations(self) -> list[str]:
        """The ``Authorization`` header of each chat completion request (tests check the key)."""
        with self._lock:
            return list(self._authorizations)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._authorizations.clear()

    def count_drip(self) -> None:
        with self._lock:
            self._drips += 1

    def count_cut(self) -> None:
        with self._lock:
            self._cuts += 1

    @property
    def cuts(self) -> int:
        """How many streamed answers ``cut`` broke off."""
        with self._lock:
            return self._cuts

    @property
    def drip_started(self) -> int:
        """How many drip / slow-header answers have begun."""
        with self._lock:
            return self._drips

    def wait_or_stop(self, seconds: float) -> bool:
        """Sleep ``seconds``; True if the server is stopping meanwhile."""
        return self._stopping.wait(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a fake OpenAI-compatible server on loopback.")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mode", default="ok", choices=MODES)
    parser.add_argument("--status", type=int, default=None)
    parser.add_argument("--delay", type=float, default=None)
    parser.add_argument("--reply", default=None)
    parser.add_argument("--interval", type=float, default=None)
    parser.add_argument("--header-lines", type=int, default=None)
    parser.add_argument("--first-token-delay", type=float, default=None)
    parser.add_argument("--token-delay", type=float, default=None)
    parser.add_argument("--cut-after", type=int, default=None)
    args = parser.parse_args(argv)

    fake = FakeOpenAI(host=args.host, port=args.port)
    fake.set_behavior(
        args.mode,
        status=args.status,
        delay=args.delay,
        reply=args.reply,
        interval=args.interval,
        header_lines=args.header_lines,
        first_token_delay=args.first_token_delay,
        token_delay=args.token_delay,
        cut_after=args.cut_after,
    )
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with fake:
        print(fake.base_url, flush=True)
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
