"""``python -m devstack.sam_stack``: the local stack with the functions in SAM's containers.

What ``make dev-sam`` runs: the same page on the same origin and ``PORT`` as ``make dev``, but

* ``/chat`` and ``/health`` are served by ``sam local start-api`` (the Chalice app in a Lambda
  container, behind SAM's API Gateway emulation);
* the Lex emulator calls the FallbackIntent's code hook through the Lambda Invoke API on
  ``sam local start-lambda`` (``--lambda-endpoint``), so the hook runs in a container too.

``--api-only`` (``make sam-api``) runs just the emulator (hooks in-process) and ``start-api`` on
``PORT``. Settings are ``make dev``'s: env.json (or env.example.json), then ``OPENAI_API_KEY`` /
``OPENAI_BASE_URL`` / ``OPENAI_MODEL`` from the shell. A URL on the host's loopback (an Ollama at
``http://127.0.0.1:11434/v1``, the emulator) is relayed to the containers over Docker's bridge.
Ctrl-C or SIGTERM stops every process, and every container SAM started is removed.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import TextIO

from devstack.config import (
    BOT_ALIAS_ID,
    BOT_ID,
    CHAT_API_FUNCTION,
    FALLBACK_FUNCTION,
    ConfigError,
    EnvVars,
    apply_llm_overrides,
    child_base_environment,
    load_env_vars,
    select_llm_mode,
)
from devstack.processes import ChildProcess, ProcessError
from devstack.stack import REPO_ROOT, StackError, free_port, stream_sink
from sam_local.docker_env import ContainerJanitor, bridge_gateway, docker_problem
from sam_local.image import ensure_fresh_derived
from sam_local.runtimes import template_runtime
from sam_local.sam_cli import BUILT_TEMPLATE, ContainerSettings, sam_command, sam_environment

__all__ = ["SamStack", "main"]

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 120.0


def _wait_port(port: int, deadline: float, child: ChildProcess) -> None:
    """SAM prints its URL before it listens: wait until the port accepts a connection."""
    while True:
        if child.returncode is not None:
            raise StackError(child.exit_message())
        try:
            with socket.create_connection((HOST, port), timeout=1.0):
                return
        except OSError:
            if time.monotonic() >= deadline:
                raise StackError(
                    f"the {child.label} did not listen on {HOST}:{port} in time"
                ) from None
            time.sleep(0.2)


class SamStack:
    """Emulator + ``sam local start-lambda`` + ``start-api`` (+ the front server); ``stop()``
    stops them all and removes their containers."""

    def __init__(
        self,
        *,
        port: int,
        template: str | Path,
        env_vars: Mapping[str, Mapping[str, str]],
        environ: Mapping[str, str],
        api_only: bool = False,
        output: TextIO | None = None,
        startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
        warm: bool = True,
    ) -> None:
        self.port = port
        self.template = Path(template).resolve()
        self.api_only = api_only
        self.env_vars: EnvVars = apply_llm_overrides(env_vars, environ)
        self._sink = stream_sink(output or sys.stderr)
        self._timeout = startup_timeout
        self._warm = warm
        self._children: list[ChildProcess] = []
        self._settings: ContainerSettings | None = None
        self._janitor: ContainerJanitor | None = None
        self.url: str | None = None
        self._lock = threading.Lock()

    @property
    def llm_mode(self) -> str:
        return select_llm_mode(self.env_vars.get("FallbackFunction", {})).describe()

    def _child(
        self, name: str, label: str, module: str, args: list[str], env: dict[str, str]
    ) -> ChildProcess:
        child = ChildProcess(
            name, module, args, label=label, env=env, cwd=REPO_ROOT, sink=self._sink
        )
        self._children.append(child)
        return child

    def _sam(self, name: str, label: str, subcommand: list[str], port: int) -> ChildProcess:
        assert self._settings is not None
        spec = template_runtime(self.template)
        extra = ["--host", HOST, "--port", str(port)]
        if self._warm:
            extra += ["--warm-containers", "LAZY"]
        argv = sam_command(subcommand, image=spec, env_file=self._settings.path, extra=extra)
        return self._child(name, label, "samcli", argv[3:], sam_environment(os.environ))

    def start(self) -> None:
        problem = docker_problem()
        if problem:
            raise StackError(problem)
        if not BUILT_TEMPLATE.is_file():
            raise StackError(f"{BUILT_TEMPLATE} not found: run `make build` first")
        deadline = time.monotonic() + self._timeout
        ensure_fresh_derived(template_runtime(self.template))
        self._janitor = ContainerJanitor()
        try:
            self._start(deadline)
        except (ProcessError, StackError):
            self.stop()
            raise
        except BaseException:
            self.stop()
            raise

    def _start(self, deadline: float) -> None:
        base_env = child_base_environment(os.environ)
        base_env["PYTHONPATH"] = str(REPO_ROOT)
        lex_port = free_port(HOST)
        lex_url = f"http://{HOST}:{lex_port}"
        api_port = self.port if self.api_only else free_port(HOST)
        env_vars = {k: dict(v) for k, v in self.env_vars.items()}
        env_vars.setdefault(CHAT_API_FUNCTION, {}).update(
            {"LEX_ENDPOINT_URL": lex_url, "LEX_BOT_ID": BOT_ID, "LEX_BOT_ALIAS_ID": BOT_ALIAS_ID}
        )
        # SAM CLI has no WebSocket APIs: no /stream here, so streaming is off for every function.
        env_vars[CHAT_API_FUNCTION]["STREAM_BINDINGS_TABLE"] = ""
        env_vars.setdefault(FALLBACK_FUNCTION, {})["STREAM_MANAGEMENT_URL"] = ""
        self._settings = ContainerSettings(env_vars, bridge_gateway())
        emulator_args = ["--template", str(self.template), "--host", HOST, "--port", str(lex_port)]
        emulator_args += ["--env-vars", str(self._settings.path)]
        waits: list[tuple[ChildProcess, int]] = []
        if not self.api_only:
            lambda_port = free_port(HOST)
            hooks = self._sam("lambda", "sam local start-lambda", ["start-lambda"], lambda_port)
            hooks.start()
            waits.append((hooks, lambda_port))
            emulator_args += ["--lambda-endpoint", f"http://{HOST}:{lambda_port}"]
        emulator = self._child("lex", "Lex emulator", "lex_emulator", emulator_args, base_env)
        emulator.start()
        api = self._sam("sam-api", "sam local start-api", ["start-api"], api_port)
        api.start()
        emulator.wait_ready(deadline)
        for child, port in [*waits, (api, api_port)]:
            child.wait_ready(deadline)
            _wait_port(port, deadline, child)
        if self.api_only:
            self.url = f"http://{HOST}:{api_port}/"
            return
        front = self._child(
            "front",
            "front server",
            "devstack.front_server",
            [
                "--backend",
                f"http://{HOST}:{api_port}",
                "--root",
                str(REPO_ROOT / "frontend"),
                "--host",
                HOST,
                "--port",
                str(self.port),
            ],
            base_env,
        )
        front.start()
        self.url = front.wait_ready(deadline).rstrip("/") + "/"

    def wait(self, timeout: float) -> str | None:
        """None while every child runs, else why one stopped."""
        time.sleep(timeout)
        for child in self._children:
            if child.returncode is not None:
                return child.exit_message()
        return None

    def stop(self) -> None:
        with self._lock:
            for child in reversed(self._children):
                child.stop(grace=10.0)
            self._children.clear()
            if self._janitor is not None:
                self._janitor.clean()
                self._janitor = None
            if self._settings is not None:
                self._settings.close()
                self._settings = None
            self.url = None

    def __enter__(self) -> SamStack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    del frame
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise _Stop(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.sam_stack", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000") or 8000))
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument(
        "--env-vars", default=None, help="SAM env.json (default env.json, else env.example.json)"
    )
    parser.add_argument(
        "--api-only", action="store_true", help="emulator + start-api only (make sam-api)"
    )
    args = parser.parse_args(argv)
    env_file = args.env_vars or next(
        (n for n in ("env.json", "env.example.json") if Path(n).is_file()), None
    )
    try:
        stack = SamStack(
            port=args.port,
            template=args.template,
            env_vars=load_env_vars(env_file) if env_file else {},
            environ=os.environ,
            api_only=args.api_only,
        )
    except ConfigError as exc:
        print(f"dev-sam: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        print(
            f"dev-sam: starting (settings: {env_file or 'none'}); the first request starts a container",
            file=sys.stderr,
            flush=True,
        )
        stack.start()
        print(f"dev-sam: LLM mode: {stack.llm_mode}", flush=True)
        if args.api_only:
            print(f"Chat API (sam local start-api): {stack.url}chat", flush=True)
        else:
            print(f"Chat page: {stack.url}", flush=True)
        print("dev-sam: Ctrl-C stops everything.", flush=True)
        while True:
            failure = stack.wait(0.5)
            if failure is not None:
                print(f"dev-sam: stopping because {failure}", file=sys.stderr, flush=True)
                return 1
    except _Stop:
        print("\ndev-sam: stopping...", file=sys.stderr, flush=True)
        return 0
    except StackError as exc:
        print(f"dev-sam: cannot start: {exc}", file=sys.stderr, flush=True)
        return 2
    finally:
        stack.stop()
        print("dev-sam: stopped; its containers are removed.", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
