"""Make a child process die with its supervisor, on Linux and elsewhere, without prctl.

The supervisor keeps the write end of a pipe and passes the read end to the child (its number is
in ``DEVSTACK_WATCHDOG_FD``). Nothing is ever written: when the supervisor exits for any reason,
SIGKILL included, the kernel closes the write end, the child's blocking read returns EOF, and the
child terminates its whole process group.

Run any module under the guard with ``python -m devstack.guard MODULE [ARGS...]``; the module
runs as ``__main__`` in the same process, so the guard costs no extra process.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import sys
import threading
import time

__all__ = ["WATCHDOG_FD_ENV", "main", "start_watchdog"]

WATCHDOG_FD_ENV = "DEVSTACK_WATCHDOG_FD"
_GRACE_SECONDS = 3.0


def _watch(fd: int) -> None:
    try:
        while os.read(fd, 1):
            pass
    except OSError:
        pass
    # The supervisor read our output, so stderr is likely a broken pipe now: never let the
    # message stop the shutdown.
    with contextlib.suppress(Exception):
        sys.stderr.write("devstack: supervisor is gone; stopping\n")
        sys.stderr.flush()
    try:
        os.killpg(os.getpgrp(), signal.SIGTERM)
        time.sleep(_GRACE_SECONDS)
        os.killpg(os.getpgrp(), signal.SIGKILL)
    finally:
        os._exit(1)


def start_watchdog() -> bool:
    """Start the watchdog thread if the supervisor passed a pipe; return whether it did."""
    raw = os.environ.pop(WATCHDOG_FD_ENV, "")
    if not raw.isdigit():
        return False
    thread = threading.Thread(
        target=_watch, args=(int(raw),), name="devstack-watchdog", daemon=True
    )
    thread.start()
    return True


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stderr.write("usage: python -m devstack.guard MODULE [ARGS...]\n")
        raise SystemExit(2)
    start_watchdog()
    module, rest = args[0], args[1:]
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
