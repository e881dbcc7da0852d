"""``python -m devstack``: run the whole chatbot locally on one origin (what ``make dev`` calls)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from devstack.config import ConfigError, load_env_vars
from devstack.stack import Stack, StackError

EXIT_CHILD_DIED = 1
EXIT_CANNOT_START = 2


class _Stop(Exception):
    """Raised in the main thread by SIGTERM/SIGINT."""


_stop_requested = threading.Event()


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    """Stop once: the first SIGTERM/SIGINT raises, repeats are swallowed.

    ``timeout``, ``make`` and a terminal each may pass the same signal on, so a second one often
    arrives while the first is being handled; it must not interrupt the shutdown. The handler stays
    installed (switching to SIG_IGN here makes CPython report a signal that was already pending as
    "ignored due to race condition").
    """
    del frame
    if _stop_requested.is_set():
        return
    _stop_requested.set()
    raise _Stop(signal.Signals(signum).name)


def _swallow(signum: int, frame: FrameType | None) -> None:
    del signum, frame


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="Run the Lex emulator, the Chalice /chat API and the page on one local origin.",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000") or 8000))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument(
        "--env-vars",
        default=None,
        help="SAM env.json (default: env.json if present, else env.example.json)",
    )
    parser.add_argument("--frontend", default=None, help="the page's folder (default: frontend/)")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument(
        "--no-stream",
        action="store_true",
        default=os.environ.get("DEVSTACK_STREAM", "").strip().lower()
        in ("0", "off", "no", "false"),
        help="don't serve /stream (also DEVSTACK_STREAM=0); answers then arrive whole, as before",
    )
    return parser


def _default_env_file() -> str | None:
    for name in ("env.json", "env.example.json"):
        if Path(name).is_file():
            return name
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = sys.stderr
    env_file = args.env_vars or _default_env_file()
    try:
        env_vars = load_env_vars(env_file) if env_file else {}
        stack = Stack(
            port=args.port,
            template=args.template,
            env_vars=env_vars,
            host=args.host,
            frontend=args.frontend,
            environ=os.environ,
            output=out,
            access_log=not args.quiet,
            startup_timeout=args.startup_timeout,
            data_dir=".devstack",
            stream=not args.no_stream,
        )
    except (ConfigError, StackError) as exc:
        print(f"devstack: {exc}", file=out)
        return EXIT_CANNOT_START

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        print(f"devstack: starting (settings: {env_file or 'none'})", file=out, flush=True)
        stack.start()
        print(f"devstack: LLM mode: {stack.llm_mode.describe()}", flush=True)
        pids = ", ".join(f"{name} {pid}" for name, pid in stack.pids.items())
        print(f"devstack: processes: {pids}", flush=True)
        print(f"Chat page: {stack.url}", flush=True)
        if stack.streaming:
            print(
                f"Streaming: {stack.stream_url} (Management API {stack.stream_management_url}, "
                f"bindings table in moto at {stack.bindings_endpoint_url})",
                flush=True,
            )
        else:
            print("Streaming: off (no StreamFunction in the template, or --no-stream)", flush=True)
        print(f"Stats page: {stack.url}stats/ (conversation log: .devstack/)", flush=True)
        print("devstack: Ctrl-C stops everything.", flush=True)
        while True:
            failure = stack.wait(timeout=0.5)
            if failure is not None:
                print(f"devstack: stopping because {failure}", file=out, flush=True)
                return EXIT_CHILD_DIED
    except _Stop:
        print("\ndevstack: stopping...", file=out, flush=True)
        return 0
    except StackError as exc:
        print(f"devstack: cannot start: {exc}", file=out, flush=True)
        return EXIT_CANNOT_START
    finally:
        signal.signal(signal.SIGINT, _swallow)
        signal.signal(signal.SIGTERM, _swallow)
        stack.stop()
        print("devstack: stopped.", file=out, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
