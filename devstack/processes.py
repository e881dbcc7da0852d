"""Start, watch and stop the local stack's child processes. For local development only.

Each child:

* runs under ``devstack.guard`` with a watchdog pipe, so it dies if the supervisor dies;
* leads its own process group (``start_new_session``), so stopping it stops everything it started,
  and a terminal's Ctrl-C reaches only the supervisor, which then stops the children in order;
* has its output read line by line by a thread, which forwards it to a sink and keeps the last lines
  for error messages. The first URL a child prints is its address (that is how it says it is ready).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from devstack.guard import WATCHDOG_FD_ENV

__all__ = ["ChildExited", "ChildProcess", "ChildTimeout", "LineSink", "ProcessError"]

LineSink = Callable[[str, str], None]
URL_PATTERN = re.compile(r"https?://[0-9A-Za-z.\-\[\]:]+:\d+")
_TAIL_LINES = 40


class ProcessError(RuntimeError):
    """A child process that could not start, never became ready, or died."""


class ChildExited(ProcessError):
    """The child exited; the message carries its exit status and last output."""


class ChildTimeout(ProcessError):
    """The child did not become ready before the deadline."""


def _discard(name: str, line: str) -> None:
    del name, line


class ChildProcess:
    """One supervised child: ``python -m devstack.guard MODULE ARGS`` in its own process group."""

    def __init__(
        self,
        name: str,
        module: str,
        args: Sequence[str],
        *,
        label: str | None = None,
        env: Mapping[str, str],
        cwd: str | Path,
        sink: LineSink = _discard,
        clock: Callable[[], float] = time.monotonic,
        python: str = sys.executable,
    ) -> None:
        self.name = name
        self.label = label or name
        self._argv = [python, "-m", "devstack.guard", module, *args]
        self._env = dict(env)
        self._cwd = str(cwd)
        self._sink = sink
        self._clock = clock
        self._proc: subprocess.Popen[bytes] | None = None
        self._watchdog_w: int | None = None
        self._reader: threading.Thread | None = None
        self._tail: deque[str] = deque(maxlen=_TAIL_LINES)
        self._url: str | None = None
        self._url_seen = threading.Event()
        self._lock = threading.Lock()
        self._stop_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        read_fd, write_fd = os.pipe()
        env = {**self._env, WATCHDOG_FD_ENV: str(read_fd)}
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - argv is built here, not from input
                self._argv,
                cwd=self._cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(read_fd,),
                start_new_session=True,
            )
        except OSError as exc:
            os.close(write_fd)
            raise ProcessError(f"cannot start the {self.label}: {exc}") from exc
        finally:
            os.close(read_fd)
        self._watchdog_w = write_fd
        self._reader = threading.Thread(
            target=self._read_output, name=f"devstack-{self.name}-output", daemon=True
        )
        self._reader.start()

    def _read_output(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for raw in self._proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._lock:
                self._tail.append(line)
                if self._url is None:
                    match = URL_PATTERN.search(line)
                    if match:
                        self._url = match.group(0)
                        self._url_seen.set()
            self._sink(self.name, line)
        self._url_seen.set()  # EOF: wake anyone waiting for readiness

    def wait_ready(self, deadline: float) -> str:
        """Block until the child prints its URL; raise if it exits or the deadline passes."""
        while True:
            remaining = deadline - self._clock()
            if self._url_seen.wait(max(0.0, min(remaining, 0.1))):
                with self._lock:
                    url = self._url
                if url is not None:
                    return url
                self._raise_exited()
            if self.returncode is not None:
                self._raise_exited()
            if remaining <= 0:
                raise ChildTimeout(
                    f"the {self.label} did not become ready in time.{self._tail_text()}"
                )

    def _raise_exited(self) -> None:
        code = self.wait(timeout=5.0)
        status = describe_status(code)
        raise ChildExited(f"the {self.label} exited with {status}.{self._tail_text()}")

    def _tail_text(self) -> str:
        with self._lock:
            lines = list(self._tail)[-15:]
        if not lines:
            return " It printed nothing."
        return " Its last output:\n    " + "\n    ".join(lines)

    def exit_message(self) -> str:
        """A sentence for the user when the child died on its own."""
        return f"the {self.label} exited unexpectedly with {describe_status(self.returncode)}." + (
            self._tail_text()
        )

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def url(self) -> str | None:
        with self._lock:
            return self._url

    @property
    def returncode(self) -> int | None:
        return self._proc.poll() if self._proc is not None else None

    def wait(self, timeout: float | None = None) -> int | None:
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the child's process group, then SIGKILL it after ``grace`` seconds.

        Safe to call twice and from two threads (a watcher and the owner may both stop).
        """
        with self._stop_lock:
            self._stop(grace)

    def _stop(self, grace: float) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            if self.wait(grace) is None:
                _signal_group(proc.pid, signal.SIGKILL)
                self.wait(grace)
        # The group may hold grandchildren even when the leader is gone.
        _signal_group(proc.pid, signal.SIGKILL)
        if self._watchdog_w is not None:
            os.close(self._watchdog_w)
            self._watchdog_w = None
        if self._reader is not None:
            self._reader.join(timeout=grace)
        if proc.stdout is not None:
            proc.stdout.close()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def describe_status(code: int | None) -> str:
    if code is None:
        return "an unknown status"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
