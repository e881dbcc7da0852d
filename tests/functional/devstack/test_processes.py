"""ChildProcess: readiness from printed URLs, clear errors for children that die, clean stops."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from devstack.processes import ChildExited, ChildProcess
from tests.functional.devstack.proc_utils import group_members, is_alive, wait_all_gone

REPO = Path(__file__).resolve().parents[3]


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}


def test_ready_url_is_the_first_url_printed_and_stop_ends_the_group():
    lines = []
    child = ChildProcess(
        "web",
        "http.server",
        ["0", "--bind", "127.0.0.1"],
        env=_env(),
        cwd=REPO,
        sink=lambda name, line: lines.append((name, line)),
    )
    child.start()
    try:
        url = child.wait_ready(time.monotonic() + 30)
        assert url.startswith("http://127.0.0.1:")
        assert lines and lines[0][0] == "web"
        pid = child.pid
        assert pid is not None and is_alive(pid)
    finally:
        child.stop()
    assert wait_all_gone([pid]) == []
    assert group_members(pid) == []
    child.stop()  # twice is fine


def test_a_child_that_exits_early_is_reported_with_its_output():
    child = ChildProcess(
        "tool",
        "json.tool",
        ["/nonexistent/input.json"],
        label="JSON tool",
        env=_env(),
        cwd=REPO,
    )
    child.start()
    try:
        with pytest.raises(ChildExited) as info:
            child.wait_ready(time.monotonic() + 30)
    finally:
        child.stop()
    message = str(info.value)
    assert message.startswith("the JSON tool exited with exit code ")
    assert "/nonexistent/input.json" in message  # the child's own error line is included
