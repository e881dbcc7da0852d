"""A local API Gateway WebSocket API for ``/stream``, on the ``websockets`` library. Local use only.

``StreamGateway`` serves WebSocket connections on ``/stream`` and, like API Gateway with a Lambda
proxy integration, calls one handler (the template's ``StreamFunction``, ``app.stream_events``)
in process with WebSocket events (``devstack.stream_events``):

* the opening handshake calls ``$connect`` with the request's headers; a non-2xx answer (or a
  handler that fails) refuses the connection with that status;
* each message goes to the route ``RouteSelectionExpression`` selects (``bind``, else
  ``$default``); no route: the client gets API Gateway's ``Forbidden`` message;
* the close calls ``$disconnect``.

Its Management API (``management_url``, what boto3's ``apigatewaymanagementapi`` client takes as
``endpoint_url``) is a small HTTP server beside it: ``POST /@connections/{id}`` sends the body as
one frame, ``GET`` answers the connection's info, ``DELETE`` closes it; an unknown id is
``410 GoneException``. Each connection has a bounded queue of frames to send, so a client that
does not read only fills its own queue (then posts to it get ``429 LimitExceededException``).
API Gateway's limits apply (``GatewayLimits``): 32 KB frames and 128 KB messages (closed with
1009), 10 min idle and 2 h per connection (closed with 1001).

``python -m devstack.stream_gateway --template template.yaml --port 0 --management-port N``
prints ``Stream gateway on http://HOST:PORT`` once both servers listen; the environment is the
StreamFunction's (the supervisor sets it).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import unquote

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from devstack.stream_events import (
    CONNECT,
    DEFAULT_ROUTE_KEYS,
    DEFAULT_SELECTION_EXPRESSION,
    DISCONNECT,
    ConnectionInfo,
    GatewayLimits,
    connect_event,
    disconnect_event,
    forbidden_message,
    header_maps,
    internal_error_message,
    message_event,
    new_api_id,
    new_connection_id,
    select_route,
    source_ip,
)

__all__ = ["STAGE", "StreamGateway", "main"]

Invoke = Callable[[dict[str, Any]], Any]
STAGE = "stream"
STREAM_PATH = "/stream"
_CONNECTIONS = "/@connections/"
_GOING_AWAY = 1001


@dataclass
class _Connection:
    info: ConnectionInfo
    socket: ServerConnection
    queue: asyncio.Queue[str | bytes]
    started: float  # monotonic
    last_active: float  # monotonic
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class StreamGateway:
    """The WebSocket server and its Management API, each in a thread of its own.

    ``invoke(event)`` runs the route's Lambda handler (with a context) and returns its answer;
    it is called from worker threads, never on the event loop, so a slow handler (or one that
    posts back through the Management API) holds up no other connection.
    """

    def __init__(
        self,
        invoke: Invoke,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        management_port: int = 0,
        limits: GatewayLimits | None = None,
        selection_expression: str = DEFAULT_SELECTION_EXPRESSION,
        route_keys: frozenset[str] = DEFAULT_ROUTE_KEYS,
        api_id: str | None = None,
        stage: str = STAGE,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._invoke = invoke
        self._host = host
        self._port = port
        self._management_port = management_port
        self.limits = limits or GatewayLimits()
        self._selection_expression = selection_expression
        self._route_keys = route_keys
        self.api_id = api_id or new_api_id()
        self.stage = stage
        self._log = log
        self._connections: dict[str, _Connection] = {}
        self._lock = threading.Lock()
        # A connection whose handshake fails after $connect never reaches its handler: weak keys.
        self._pending: weakref.WeakKeyDictionary[ServerConnection, ConnectionInfo] = (
            weakref.WeakKeyDictionary()
        )
        self._loop = asyncio.new_event_loop()
        self._workers = concurrent.futures.ThreadPoolExecutor(32, thread_name_prefix="stream-fn")
        self._loop_thread: threading.Thread | None = None
        self._server: Server | None = None
        self._management: _ManagementServer | None = None
        self._management_thread: threading.Thread | None = None
        self.ws_port = 0

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> StreamGateway:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self._loop_thread = threading.Thread(
            target=self._loop.run_forever, name="stream-gateway", daemon=True
        )
        self._loop_thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
            self._management = _ManagementServer((self._host, self._management_port), self)
        except BaseException:
            self.stop()
            raise
        self._management_thread = threading.Thread(
            target=self._management.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="stream-management",
            daemon=True,
        )
        self._management_thread.start()

    async def _listen(self) -> None:
        self._server = await serve(
            self._serve_connection,
            self._host,
            self._port,
            process_request=self._check_path,
            process_response=self._on_handshake,
            # $connect runs inside the opening handshake: give it the integration's timeout.
            open_timeout=self.limits.handler_timeout_seconds + 5,
            compression=None,  # API Gateway does not negotiate permessage-deflate
            ping_interval=None,  # API Gateway answers pings but sends none
            max_size=(self.limits.max_message_bytes, self.limits.max_frame_bytes),
            server_header=None,
        )
        sockets = list(self._server.sockets)
        self.ws_port = int(sockets[0].getsockname()[1])

    def stop(self) -> None:
        """Close every connection (each gets its ``$disconnect``), then both servers."""
        if self._management is not None:
            self._management.shutdown()
            self._management.server_close()
            self._management = None
        if self._loop.is_running():
            with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
                asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._loop_thread is not None:
            self._loop_thread.join(timeout=10)
            self._loop_thread = None
        if not self._loop.is_running() and not self._loop.is_closed():
            self._loop.close()
        self._workers.shutdown(wait=False, cancel_futures=True)

    async def _close_all(self) -> None:
        if self._server is not None:
            self._server.close(close_connections=True)
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        """``ws://HOST:PORT/stream``."""
        return f"ws://{self._host}:{self.ws_port}{STREAM_PATH}"

    @property
    def http_url(self) -> str:
        """The WebSocket server's ``http://HOST:PORT`` (what the front server tunnels to)."""
        return f"http://{self._host}:{self.ws_port}"

    @property
    def management_url(self) -> str:
        """``http://HOST:PORT/stream``: boto3's ``endpoint_url``, like ``https://{api}.../stream``."""
        assert self._management is not None
        port = self._management.server_address[1]
        return f"http://{self._host}:{port}/{self.stage}"

    @property
    def domain_name(self) -> str:
        return f"{self._host}:{self.ws_port}"

    def connection_ids(self) -> list[str]:
        with self._lock:
            return list(self._connections)

    # ------------------------------------------------------------------ handler calls
    async def _call(self, event: dict[str, Any]) -> Any:
        """The handler's answer; raises what it raised, or TimeoutError past the integration's
        timeout (the thread finishes on its own: Python cannot stop it)."""
        future = self._loop.run_in_executor(self._workers, self._invoke, event)
        return await asyncio.wait_for(future, self.limits.handler_timeout_seconds)

    def _note(self, what: str, started: float) -> None:
        if self._log is not None:
            self._log(f"WS {what} {(time.monotonic() - started) * 1000:.0f} ms")

    def _check_path(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path.split("?", 1)[0] != STREAM_PATH:
            return connection.respond(404, "Not Found\n")
        return None

    async def _on_handshake(
        self, connection: ServerConnection, request: Request, response: Response
    ) -> Response | None:
        """Call ``$connect`` for a valid upgrade (an invalid one never reaches the handler, as on
        API Gateway); refuse the connection on its non-2xx answer."""
        if response.status_code != 101:
            return None
        started = time.monotonic()
        headers, multi = header_maps(request.headers.raw_items())
        peer = connection.remote_address
        info = ConnectionInfo(
            connection_id=new_connection_id(),
            connected_at=time.time(),
            source_ip=source_ip(headers, str(peer[0]) if peer else ""),
            user_agent=request.headers.get("User-Agent", ""),
            headers=headers,
            multi_value_headers=multi,
        )
        if CONNECT in self._route_keys:
            event = connect_event(
                info,
                api_id=self.api_id,
                stage=self.stage,
                domain_name=self.domain_name,
                now=info.connected_at,
            )
            try:
                answer = await self._call(event)
            except Exception:  # a failing handler refuses, as API Gateway does
                self._note("$connect 502", started)
                return connection.respond(502, "Bad Gateway\n")
            status = _status_of(answer)
            if not 200 <= status < 300:
                self._note(f"$connect {status}", started)
                return _refusal(connection, status, answer)
        self._pending[connection] = info
        self._note("$connect 101", started)
        return None

    # ------------------------------------------------------------------ connections
    async def _serve_connection(self, socket: ServerConnection) -> None:
        info = self._pending.pop(socket, None)
        if info is None:  # pragma: no cover - websockets calls this only after a good handshake
            return
        now = time.monotonic()
        conn = _Connection(
            info=info,
            socket=socket,
            queue=asyncio.Queue(self.limits.send_queue_frames),
            started=now,
            last_active=now,
        )
        with self._lock:
            self._connections[info.connection_id] = conn
        conn.tasks = [
            asyncio.create_task(self._send_loop(conn)),
            asyncio.create_task(self._watch_limits(conn)),
        ]
        try:
            async for data in socket:
                conn.last_active = time.monotonic()
                info.last_active_at = time.time()
                await self._on_message(conn, data)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._connections.pop(info.connection_id, None)
            for task in conn.tasks:
                task.cancel()
            await self._on_disconnect(conn)

    async def _on_message(self, conn: _Connection, data: str | bytes) -> None:
        started = time.monotonic()
        info = conn.info
        text = data if isinstance(data, str) else None
        route = select_route(text, self._route_keys, self._selection_expression)
        if route is None:
            self._offer(conn, forbidden_message(info.connection_id))
            self._note("message 403", started)
            return
        event = message_event(
            info,
            data,
            route_key=route,
            api_id=self.api_id,
            stage=self.stage,
            domain_name=self.domain_name,
            now=time.time(),
        )
        try:
            await self._call(event)
        except Exception:  # the client hears what API Gateway would say
            self._offer(conn, internal_error_message(info.connection_id))
            self._note(f"{route} 502", started)
            return
        self._note(f"{route} 200", started)

    async def _on_disconnect(self, conn: _Connection) -> None:
        if DISCONNECT not in self._route_keys:
            return
        started = time.monotonic()
        socket = conn.socket
        code = socket.close_code if socket.close_code is not None else 1006
        event = disconnect_event(
            conn.info,
            api_id=self.api_id,
            stage=self.stage,
            domain_name=self.domain_name,
            now=time.time(),
            status_code=code,
            reason=socket.close_reason or "",
        )
        try:
            await self._call(event)
        except Exception:  # nobody is left to tell
            self._note("$disconnect 502", started)
            return
        self._note("$disconnect 200", started)

    def _offer(self, conn: _Connection, data: str | bytes) -> bool:
        """Queue one frame for the client; False when its queue is full."""
        try:
            conn.queue.put_nowait(data)
        except asyncio.QueueFull:
            return False
        return True

    async def _send_loop(self, conn: _Connection) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                data = await conn.queue.get()
                await conn.socket.send(data)

    async def _watch_limits(self, conn: _Connection) -> None:
        """Close after ``idle_seconds`` without a client message or post, or at the maximum
        connection duration."""
        limits = self.limits
        while True:
            now = time.monotonic()
            idle_end = conn.last_active + limits.idle_seconds
            duration_end = conn.started + limits.max_duration_seconds
            end = min(idle_end, duration_end)
            if now >= end:
                await conn.socket.close(_GOING_AWAY, "Going away")
                return
            await asyncio.sleep(end - now)

    # ------------------------------------------------------------------ Management API
    def post(self, connection_id: str, data: bytes) -> int:
        """Send ``data`` as one frame (text if it is UTF-8); 200, 410 (no such connection) or 429
        (that client's queue is full). Called from the Management API's threads."""
        frame: str | bytes
        try:
            frame = data.decode("utf-8")
        except UnicodeDecodeError:
            frame = data

        def offer() -> int:
            with self._lock:
                conn = self._connections.get(connection_id)
            if conn is None:
                return 410
            if not self._offer(conn, frame):
                return 429
            conn.last_active = time.monotonic()
            return 200

        return self._in_loop(offer, default=410)

    def info(self, connection_id: str) -> dict[str, Any] | None:
        with self._lock:
            conn = self._connections.get(connection_id)
        return conn.info.as_management_json() if conn is not None else None

    def delete(self, connection_id: str) -> int:
        def close() -> int:
            with self._lock:
                conn = self._connections.get(connection_id)
            if conn is None:
                return 410
            task = asyncio.ensure_future(conn.socket.close(1000, ""))
            conn.tasks.append(task)
            return 204

        return self._in_loop(close, default=410)

    def _in_loop(self, work: Callable[[], int], *, default: int) -> int:
        """Run ``work`` on the event loop (asyncio objects are not thread-safe) and wait for it."""
        result: concurrent.futures.Future[int] = concurrent.futures.Future()

        def run() -> None:
            try:
                result.set_result(work())
            except BaseException as exc:  # handed to the waiting thread
                result.set_exception(exc)

        try:
            self._loop.call_soon_threadsafe(run)
            return result.result(timeout=10)
        except (RuntimeError, concurrent.futures.TimeoutError):  # the loop is stopping
            return default


def _status_of(answer: Any) -> int:
    """A Lambda proxy answer's status; no answer at all counts as 200, as API Gateway takes it."""
    if answer is None:
        return 200
    if isinstance(answer, dict):
        status = answer.get("statusCode", 200)
        if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
            return status
    return 502


def _refusal(connection: ServerConnection, status: int, answer: Any) -> Response:
    """The handler's own status (a 4xx or 5xx; anything else refused as 502) and body."""
    body = answer.get("body") if isinstance(answer, dict) else None
    text = body if isinstance(body, str) and body else f"{status}\n"
    return connection.respond(status if status >= 400 else 502, text[:4096])


# ---------------------------------------------------------------------- Management API server
_ERRORS = {
    400: "BadRequestException",
    403: "ForbiddenException",
    410: "GoneException",
    413: "PayloadTooLargeException",
    429: "LimitExceededException",
}


class _ManagementServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], gateway: StreamGateway) -> None:
        self.gateway = gateway
        super().__init__(address, _ManagementHandler)


class _ManagementHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "devstack-stream-management"
    timeout = 30.0  # each read and write of a client that stalls
    server: _ManagementServer

    def do_POST(self) -> None:
        connection_id = self._connection_id()
        if connection_id is None:
            return
        length_text = self.headers.get("Content-Length", "")
        if not length_text.isdigit() or "chunked" in self.headers.get("Transfer-Encoding", ""):
            self.close_connection = True
            self._error(400, "A Content-Length is required.")
            return
        length = int(length_text)
        if length > self.server.gateway.limits.max_post_bytes:
            self.close_connection = True
            self._error(413, "The message is larger than 128 KB.")
            return
        data = self.rfile.read(length)
        if len(data) < length:
            self.close_connection = True
            return
        status = self.server.gateway.post(connection_id, data)
        if status == 200:
            self._send(200, b"")
        else:
            self._error(status, "")

    def do_GET(self) -> None:
        connection_id = self._connection_id()
        if connection_id is None:
            return
        info = self.server.gateway.info(connection_id)
        if info is None:
            self._error(410, "")
            return
        self._send(200, json.dumps(info).encode())

    def do_DELETE(self) -> None:
        connection_id = self._connection_id()
        if connection_id is None:
            return
        status = self.server.gateway.delete(connection_id)
        if status == 204:
            self._send(204, b"")
        else:
            self._error(status, "")

    def _connection_id(self) -> str | None:
        """The id in ``[/{stage}]/@connections/{id}``; anything else is answered 404 here."""
        path = self.path.split("?", 1)[0]
        stage_prefix = f"/{self.server.gateway.stage}"
        if path.startswith(stage_prefix + _CONNECTIONS):
            path = path[len(stage_prefix) :]
        connection_id = unquote(path[len(_CONNECTIONS) :]) if path.startswith(_CONNECTIONS) else ""
        if not connection_id or "/" in connection_id:
            self.close_connection = self.command == "POST"  # its body stays unread
            body = json.dumps({"message": "Not Found"}).encode()
            self._send(404, body, error="NotFoundException")
            return None
        return connection_id

    def _error(self, status: int, message: str) -> None:
        body = json.dumps({"message": message or None}).encode()
        self._send(status, body, error=_ERRORS.get(status, "BadRequestException"))

    def _send(self, status: int, body: bytes, error: str | None = None) -> None:
        self.send_response(status)
        if body or status != 204:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        if error is not None:
            self.send_header("x-amzn-ErrorType", error)
        self.send_header("x-amzn-RequestId", new_connection_id().rstrip("="))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """No per-request lines (the gateway logs its own)."""


# ---------------------------------------------------------------------- command line
def _stop(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise SystemExit(0)


def template_invoker(template_path: str | Path) -> tuple[Invoke, str, frozenset[str]]:
    """The template's StreamFunction as ``invoke``, with its API's route selection and routes."""
    from devstack.config import STREAM_FUNCTION
    from devstack.stream_template import stream_api
    from lex_emulator.cfn_template import import_handler, load_template, resolve_function
    from lex_emulator.code_hook import LambdaContext

    template = load_template(template_path)
    spec = resolve_function(template, STREAM_FUNCTION, Path(template_path).resolve().parent)
    handler = import_handler(spec)
    api = stream_api(template)

    def invoke(event: dict[str, Any]) -> Any:
        context = LambdaContext(
            spec, timeout_seconds=float(spec.timeout_seconds), clock=time.monotonic
        )
        return handler(event, context)

    return invoke, api.selection_expression, api.route_keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.stream_gateway", description=__doc__)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--management-port", type=int, default=0)
    parser.add_argument("--idle-timeout", type=float, default=GatewayLimits.idle_seconds)
    parser.add_argument("--max-duration", type=float, default=GatewayLimits.max_duration_seconds)
    parser.add_argument("--quiet", action="store_true", help="no per-event log lines")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    from lex_emulator.cfn_template import TemplateError

    try:
        invoke, expression, routes = template_invoker(args.template)
        gateway = StreamGateway(
            invoke,
            host=args.host,
            port=args.port,
            management_port=args.management_port,
            limits=GatewayLimits(
                idle_seconds=args.idle_timeout, max_duration_seconds=args.max_duration
            ),
            selection_expression=expression,
            route_keys=routes,
            log=None if args.quiet else log,
        )
        gateway.start()
    except (TemplateError, ImportError, OSError) as exc:
        print(f"stream_gateway: cannot start: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"Stream gateway on {gateway.http_url} (Management API {gateway.management_url})")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
