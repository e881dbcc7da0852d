"""The whole local system as one object: Lex emulator, Chalice app, front server. Local use only.

::

    with Stack(port=0, template="template.yaml", env_vars={...}) as stack:
        stack.url      # "http://127.0.0.1:PORT/" - the page, /chat and /health on one origin

Start order: the emulator and the Chalice app together (the app only needs the emulator's address,
chosen here), then the front server once the app listens. When the template has a
``StreamFunction`` (and ``stream`` is not turned off) the stack also serves ``/stream``: a moto
DynamoDB with ``StreamBindingsTable`` (a child, ``devstack.bindings_db``) and the stream
gateway (``devstack.stream_gateway``, a child beside the Chalice app) with its Management API,
whose URL the fallback gets as ``STREAM_MANAGEMENT_URL``. ``start`` returns when the page and
``/health`` answer through the front server, or raises ``StackError`` with the failing part's last
output. A child that dies later stops the rest; ``wait`` returns its message.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TextIO

from devstack.config import (
    FALLBACK_FUNCTION,
    ConfigError,
    EnvVars,
    LlmMode,
    apply_llm_overrides,
    chat_api_environment,
    child_base_environment,
    fallback_environment,
    parse_env_vars,
    select_llm_mode,
    stream_function_environment,
)
from devstack.metrics_store import MetricsFileWriter
from devstack.processes import ChildProcess, LineSink, ProcessError
from devstack.stream_template import has_stream_function, table_definition
from lex_emulator.cfn_template import TemplateError, load_template

__all__ = ["Stack", "StackError"]

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 60.0
INNER_HOST = "127.0.0.1"


class StackError(RuntimeError):
    """The stack could not start, or one of its parts stopped; the message says which and why."""


def stream_sink(stream: TextIO) -> LineSink:
    """Write each child line to ``stream`` as ``[name] line``."""
    lock = threading.Lock()

    def sink(name: str, line: str) -> None:
        with lock:
            stream.write(f"[{name}] {line}\n")
            stream.flush()

    return sink


def _quiet(name: str, line: str) -> None:
    del name, line


def free_port(host: str) -> int:
    """A TCP port that is free right now (the emulator binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Stack:
    """Start the local stack's processes; stop them all on exit, on error, or when one dies."""

    def __init__(
        self,
        port: int = 0,
        template: str | Path = "template.yaml",
        env_vars: Mapping[str, Mapping[str, object]] | None = None,
        *,
        host: str = "127.0.0.1",
        frontend: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        output: TextIO | None = None,
        access_log: bool = False,
        startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        data_dir: str | Path | None = None,
        stream: bool = True,
        stream_idle_timeout: float | None = None,
    ) -> None:
        """``data_dir`` keeps this run's metrics (``metrics.jsonl``, for /stats/) and the
        conversation log (``conversation-log.jsonl``, appended); None means a temporary folder.
        ``environ`` supplies OPENAI_* overrides (the command passes ``os.environ``; tests pass
        nothing, so a developer's key never changes a test). ``output`` receives the children's
        lines, prefixed with their names; None discards them (they are still kept for errors).
        ``stream=False`` turns ``/stream`` off (as does a template without ``StreamFunction``):
        the chat API and the fallback then get empty stream settings and run as before.
        ``stream_idle_timeout`` shortens the gateway's 10 min idle limit (tests).
        """
        self.port = port
        self.host = host
        self.template_path = Path(template).resolve()
        self.frontend = Path(frontend).resolve() if frontend else REPO_ROOT / "frontend"
        self._startup_timeout = startup_timeout
        self._clock = clock
        self._sink = stream_sink(output) if output is not None else _quiet
        self._access_log = access_log
        self._data_dir = Path(data_dir).resolve() if data_dir else None
        self._own_data_dir: str | None = None
        try:
            self._template = load_template(self.template_path)
            self.env_vars: EnvVars = apply_llm_overrides(
                parse_env_vars(env_vars or {}, source="env_vars"), environ or {}
            )
            self.llm_mode: LlmMode = select_llm_mode(
                fallback_environment(self._template, self.template_path.parent, self.env_vars)
            )
        except (TemplateError, ConfigError) as exc:
            raise StackError(str(exc)) from exc
        self.streaming = stream and has_stream_function(self._template)
        self._stream_idle_timeout = stream_idle_timeout
        self._bindings_url: str | None = None
        self._stream_management_url: str | None = None
        self._children: list[ChildProcess] = []
        self._tmpdir: str | None = None
        self._stopping = threading.Event()
        self._done = threading.Event()
        self._failure: str | None = None
        self._failure_lock = threading.Lock()
        self._url: str | None = None
        self._stop_lock = threading.Lock()

    # ------------------------------------------------------------------ public API
    @property
    def url(self) -> str:
        """The page's URL, ``http://HOST:PORT/``; ``/chat`` and ``/health`` live beside it."""
        if self._url is None:
            raise StackError(self._failure or "the stack is not running")
        return self._url

    @property
    def stream_url(self) -> str:
        """``ws://HOST:PORT/stream`` on the front origin (only when ``streaming``)."""
        if not self.streaming:
            raise StackError("streaming is off for this stack")
        return self.url.replace("http://", "ws://", 1) + "stream"

    @property
    def stream_management_url(self) -> str:
        """The local Management API (``STREAM_MANAGEMENT_URL``), only while streaming."""
        if self._stream_management_url is None:
            raise StackError("streaming is off or the stack is not running")
        return self._stream_management_url

    @property
    def bindings_endpoint_url(self) -> str:
        """The local DynamoDB holding ``StreamBindingsTable``, only while streaming."""
        if self._bindings_url is None:
            raise StackError("streaming is off or the stack is not running")
        return self._bindings_url

    @property
    def pids(self) -> dict[str, int]:
        """The children's process ids (each leads its own process group)."""
        return {c.name: c.pid for c in self._children if c.pid is not None}

    @property
    def failure(self) -> str | None:
        """Why the stack stopped on its own, if it did."""
        return self._failure

    def __enter__(self) -> Stack:
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
        """Start every process and wait until the page and /health answer (a Stack starts once)."""
        if self._children:
            raise StackError("this Stack was started already; make a new one")
        deadline = self._clock() + self._startup_timeout
        try:
            self._start(deadline)
        except ProcessError as exc:
            self.stop()
            raise StackError(str(exc)) from exc
        except BaseException:
            self.stop()
            raise
        threading.Thread(target=self._watch, name="devstack-watch", daemon=True).start()

    def wait(self, timeout: float | None = None) -> str | None:
        """Block until the stack stops; return the failure message if a child died."""
        self._done.wait(timeout)
        return self._failure

    def stop(self) -> None:
        """Stop every child (front first, so no request reaches a half-stopped stack)."""
        with self._stop_lock:
            self._stopping.set()
            self._url = None
            for child in reversed(self._children):
                child.stop()
            self._bindings_url = None
            self._stream_management_url = None
            self._remove_tmpdir()
            if self._own_data_dir is not None:
                shutil.rmtree(self._own_data_dir, ignore_errors=True)
                self._own_data_dir = None
            self._done.set()

    def _remove_tmpdir(self) -> None:
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    # ------------------------------------------------------------------ internals
    def _start(self, deadline: float) -> None:
        inner = INNER_HOST
        management_url = ""
        if self.streaming:
            management_port = free_port(inner)
            management_url = f"http://{inner}:{management_port}/stream"
        # The fallback (in the emulator) posts chunks to the Management API; "" turns that off.
        emulator_env_vars = {k: dict(v) for k, v in self.env_vars.items()}
        emulator_env_vars.setdefault(FALLBACK_FUNCTION, {})["STREAM_MANAGEMENT_URL"] = (
            management_url
        )
        self._tmpdir = tempfile.mkdtemp(prefix="devstack-")
        env_file = Path(self._tmpdir) / "env.json"
        # May hold an API key: readable by this user only.
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(emulator_env_vars, fh)

        base_env = child_base_environment(os.environ)
        base_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        template = str(self.template_path)
        # Only the front server listens on ``host``; the parts behind it stay on loopback.
        lex_port = free_port(inner)
        lex_url = f"http://{inner}:{lex_port}"
        data_dir = self._data_dir or Path(tempfile.mkdtemp(prefix="devstack-data-"))
        if self._data_dir is None:
            self._own_data_dir = str(data_dir)
        self._sink = MetricsFileWriter(data_dir / "metrics.jsonl").tee(self._sink)
        emulator = self._child(
            "lex",
            "Lex emulator",
            "devstack.conversation_log",
            [
                *("--log", str(data_dir / "conversation-log.jsonl"), "--"),
                *("--template", template, "--host", inner),
                *("--port", str(lex_port), "--env-vars", str(env_file)),
            ],
            base_env,
        )
        emulator.start()
        chat_env = chat_api_environment(
            self._template, self.template_path.parent, self.env_vars, lex_url
        )
        streaming: dict[str, str] = {"STREAM_BINDINGS_TABLE": ""}
        gateway: ChildProcess | None = None
        bindings: ChildProcess | None = None
        if self.streaming:
            bindings_port = free_port(inner)
            bindings = self._child(
                "db",
                "bindings table (moto)",
                "devstack.bindings_db",
                ["--template", template, "--host", inner, "--port", str(bindings_port)],
                base_env,
            )
            bindings.start()
            streaming = {
                "STREAM_BINDINGS_TABLE": table_definition(self._template).name,
                "STREAM_MANAGEMENT_URL": management_url,
                "AWS_ENDPOINT_URL_DYNAMODB": f"http://{inner}:{bindings_port}",
            }
            stream_env = stream_function_environment(
                self._template, self.template_path.parent, self.env_vars, chat_env, streaming
            )
            idle = self._stream_idle_timeout
            gateway = self._child(
                "stream",
                "stream gateway",
                "devstack.stream_gateway",
                ["--template", template, "--host", inner, "--port", "0"]
                + ["--management-port", str(management_port)]
                + ([] if idle is None else ["--idle-timeout", str(idle)])
                + ([] if self._access_log else ["--quiet"]),
                {**base_env, **stream_env},
            )
        api_env = {**base_env, **chat_env, **streaming}
        chalice = self._child(
            "api",
            "Chalice app",
            "devstack.chalice_server",
            ["--template", template, "--host", inner, "--port", "0"]
            + ([] if self._access_log else ["--quiet"]),
            api_env,
        )
        chalice.start()
        if gateway is not None:
            gateway.start()
        emulator.wait_ready(deadline)
        # The emulator has read its settings; don't leave a key on disk longer than needed.
        self._remove_tmpdir()
        api_url = chalice.wait_ready(deadline)
        stream_backend: list[str] = []
        if gateway is not None and bindings is not None:
            stream_backend = ["--stream-backend", gateway.wait_ready(deadline)]
            bindings.wait_ready(deadline)
            self._bindings_url = streaming["AWS_ENDPOINT_URL_DYNAMODB"]
            self._stream_management_url = management_url
        front = self._child(
            "front",
            "front server",
            "devstack.front_server",
            ["--backend", api_url, "--root", str(self.frontend)]
            + ["--host", self.host, "--port", str(self.port)]
            + ["--metrics-file", str(data_dir / "metrics.jsonl")]
            + stream_backend
            + ([] if self._access_log else ["--quiet"]),
            base_env,
        )
        front.start()
        front_url = front.wait_ready(deadline).rstrip("/") + "/"
        self._wait_answering(lex_url, front_url, deadline)
        self._url = front_url

    def _child(
        self, name: str, label: str, module: str, args: list[str], env: dict[str, str]
    ) -> ChildProcess:
        child = ChildProcess(
            name,
            module,
            args,
            label=label,
            env=env,
            cwd=REPO_ROOT,
            sink=self._sink,
            clock=self._clock,
        )
        self._children.append(child)
        return child

    def _wait_answering(self, lex_url: str, front_url: str, deadline: float) -> None:
        """Readiness across processes: the page, and /health through the front server."""
        checks: list[tuple[str, str, Callable[[int], bool]]] = [
            ("Lex emulator", lex_url + "/", lambda status: status > 0),
            ("page", front_url, lambda status: status == 200),
            # Anything but the front server's own 502/504 means the Chalice app answered.
            ("chat API", front_url + "health", lambda status: status not in (502, 504)),
        ]
        for what, url, ok in checks:
            last = "no answer"
            while True:
                for child in self._children:
                    if child.returncode is not None:
                        raise StackError(child.exit_message())
                status = _http_status(url)
                if ok(status):
                    break
                last = f"HTTP {status}" if status else "no answer"
                if self._clock() >= deadline:
                    raise StackError(f"the {what} did not answer at {url} in time ({last})")
                time.sleep(0.05)

    def _watch(self) -> None:
        """Stop the stack when a child dies on its own."""
        while not self._stopping.is_set():
            for child in self._children:
                if child.returncode is not None and not self._stopping.is_set():
                    with self._failure_lock:
                        self._failure = child.exit_message()
                    print(f"devstack: {self._failure}", file=sys.stderr, flush=True)
                    self.stop()
                    return
            self._stopping.wait(0.2)


def _http_status(url: str) -> int:
    """The HTTP status a GET gets, or 0 when nothing answers."""
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.rpartition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=2.0)
    try:
        conn.request("GET", "/" + path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()
