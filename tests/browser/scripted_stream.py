"""A scripted stand-in for the streaming back end, so the page's half of issue 12 can be tested alone.

One origin on 127.0.0.1, as the page expects (docs/contracts.md, "Streaming"):

- ``GET /...``: the real ``frontend/`` files with the security headers of the real stack (or none,
  for the XSS tests: there the sanitiser alone must hold, not the CSP);
- ``POST /chat``: answers from a queue of scripted :class:`Turn` s; a turn with a ``turnId`` whose
  session is bound first plays its frames on that session's socket, then answers;
- ``GET /stream`` with an upgrade: tunnelled to a real ``websockets`` server (as the local stack's
  front server tunnels it to its gateway), which answers ``bind`` with ``bound`` / ``error``.

Session ids are issued here (``sess-1``, ``sess-2``, ...); any other id is refused on bind and on
``/chat`` with ``invalid_session_id``. Everything the page sent is recorded for the tests.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from websockets.sync.server import ServerConnection, serve

from devstack.frontend_files import content_type_for, request_path_to_key
from devstack.security_headers import SECURITY_HEADERS

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
MAX_BODY = 64 * 1024


def chunks(*pieces: str, status: str = "complete") -> list[dict[str, Any]]:
    """Chunk frames ``seq`` 1..n for ``pieces`` and the end frame ``n + 1``, in order."""
    frames: list[dict[str, Any]] = [
        {"type": "chunk", "seq": i, "text": p} for i, p in enumerate(pieces, start=1)
    ]
    frames.append({"type": "end", "seq": len(pieces) + 1, "status": status})
    return frames


@dataclass
class Turn:
    """How the next ``POST /chat`` goes: frames on the socket (if the turn streams), then the answer.

    ``frames`` get the turn's id filled in unless they name a ``turn`` of their own; ``gap`` seconds
    pass between frames; ``drop_after`` closes the socket after that many frames; ``final_delay``
    seconds pass after the frames (or, without a stream, in place of them) before the answer.
    """

    final: str
    frames: list[dict[str, Any]] = field(default_factory=list)
    gap: float = 0.25
    drop_after: int | None = None
    final_delay: float = 0.4
    source: str = "llm"


class ScriptedStream:
    """The stand-in server; a context manager that starts and stops it (port 0, 127.0.0.1)."""

    def __init__(self, *, streaming: bool = True, security_headers: bool = True) -> None:
        self.streaming = streaming
        self.security_headers = security_headers
        self.turns: list[Turn] = []
        self.chat_bodies: list[dict[str, Any]] = []
        self.binds: list[Any] = []  # the sessionId of every bind, in order
        self.handshakes: list[float] = []  # monotonic time of every /stream upgrade attempt
        self.refuse_handshakes = 0  # answer this many upgrade attempts with 503
        self.bind_errors: list[str] = []  # error codes for the next binds, one each
        self.sent_frames = 0
        self._issued: set[str] = set()
        self._bound: dict[str, ServerConnection] = {}  # session id -> latest bound socket
        self._lock = threading.Lock()
        self._next_id = 0
        self._http: ThreadingHTTPServer | None = None
        self._ws_server: Any = None
        self._threads: list[threading.Thread] = []

    # -- life cycle ------------------------------------------------------------------------------
    def __enter__(self) -> ScriptedStream:
        self._ws_server = serve(self._on_socket, "127.0.0.1", 0)
        self.ws_port = self._ws_server.socket.getsockname()[1]
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/"
        for target in (self._ws_server.serve_forever, self._http.serve_forever):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._http is not None
        self._http.shutdown()
        self._http.server_close()
        self._ws_server.shutdown()
        for thread in self._threads:
            thread.join(timeout=5)

    # -- scripting -------------------------------------------------------------------------------
    def script(self, *turns: Turn) -> None:
        self.turns.extend(turns)

    def issue(self) -> str:
        with self._lock:
            self._next_id += 1
            sid = f"sess-{self._next_id}"
            self._issued.add(sid)
            return sid

    def drop_all(self) -> None:
        """Closes every bound socket, as a restarted gateway would."""
        with self._lock:
            sockets = list(self._bound.values())
        for ws in sockets:
            ws.close()

    # -- the socket ------------------------------------------------------------------------------
    def _on_socket(self, ws: ServerConnection) -> None:
        for message in ws:
            try:
                msg = json.loads(message)
            except ValueError:
                ws.send(json.dumps({"type": "error", "code": "invalid_request", "message": "JSON"}))
                continue
            if not isinstance(msg, dict) or msg.get("action") != "bind":
                ws.send(json.dumps({"type": "error", "code": "unknown_action", "message": "?"}))
                continue
            sid = msg.get("sessionId")
            self.binds.append(sid)
            if self.bind_errors:
                code = self.bind_errors.pop(0)
                ws.send(json.dumps({"type": "error", "code": code, "message": "scripted"}))
                continue
            if sid is None:
                sid = self.issue()
            elif sid not in self._issued:
                ws.send(
                    json.dumps(
                        {"type": "error", "code": "invalid_session_id", "message": "not ours"}
                    )
                )
                continue
            with self._lock:
                self._bound[sid] = ws
            ws.send(json.dumps({"type": "bound", "sessionId": sid}))

    def _play(self, sid: str, turn_id: str, turn: Turn) -> None:
        with self._lock:
            ws = self._bound.get(sid)
        if ws is None:
            return
        for n, frame in enumerate(turn.frames, start=1):
            try:
                ws.send(json.dumps({"turn": turn_id, **frame}))
                self.sent_frames += 1
            except Exception:  # the page closed it: the answer still comes on /chat
                return
            if turn.drop_after is not None and n >= turn.drop_after:
                ws.close()
                return
            time.sleep(turn.gap)

    # -- /chat -----------------------------------------------------------------------------------
    def chat(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.chat_bodies.append(body)
        sid = body.get("sessionId")
        if sid is None:
            sid = self.issue()
        elif sid not in self._issued:
            return 400, {"error": {"code": "invalid_session_id", "message": "not issued here"}}
        turn = self.turns.pop(0) if self.turns else Turn(final=f"echo: {body.get('text')}")
        turn_id = body.get("turnId")
        if isinstance(turn_id, str) and turn.frames:
            self._play(sid, turn_id, turn)
        time.sleep(turn.final_delay)
        return 200, {
            "sessionId": sid,
            "source": turn.source,
            "intent": {"name": "FallbackIntent", "state": "Fulfilled"},
            "messages": [{"content": turn.final, "contentType": "PlainText"}],
        }


def _handler_for(server: ScriptedStream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            if server.security_headers:
                for name, value in SECURITY_HEADERS.items():
                    self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.split("?")[0] == "/stream":
                self._stream()
                return
            key = request_path_to_key(self.path)
            path = FRONTEND / key if key else None
            if path is None or not path.is_file():
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, path.read_bytes(), content_type_for(key or ""))

        def do_POST(self) -> None:
            if self.path != "/chat":
                self._send(404, b"not found", "text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(min(length, MAX_BODY)))
            except ValueError:
                body = None
            if not isinstance(body, dict):
                status, answer = 400, {"error": {"code": "invalid_request", "message": "JSON"}}
            else:
                status, answer = server.chat(body)
            self._send(status, json.dumps(answer).encode(), "application/json")

        def _stream(self) -> None:
            server.handshakes.append(time.monotonic())
            if not server.streaming or "websocket" not in self.headers.get("Upgrade", "").lower():
                self._send(404, b"not found", "text/plain")
                return
            if server.refuse_handshakes > 0:
                server.refuse_handshakes -= 1
                self._send(503, b"try later", "text/plain")
                return
            self.close_connection = True
            with socket.create_connection(("127.0.0.1", server.ws_port)) as backend:
                head = self.requestline + "\r\n" + str(self.headers).replace("\n", "\r\n")
                backend.sendall(head.encode("latin-1").rstrip(b"\r\n") + b"\r\n\r\n")
                _tunnel(self.rfile, self.connection, backend)

    return Handler


def _tunnel(client_in: Any, client: socket.socket, backend: socket.socket) -> None:
    """Copies bytes both ways until either side closes."""

    def pump(read: Any, write: socket.socket) -> None:
        try:
            for data in iter(lambda: read(65536), b""):
                write.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (client, backend):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    up = threading.Thread(target=pump, args=(client_in.read1, backend), daemon=True)
    up.start()
    pump(backend.recv, client)
    up.join(timeout=5)
