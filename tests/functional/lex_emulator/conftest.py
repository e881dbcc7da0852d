"""Fixtures for the emulator's functional tests: servers on 127.0.0.1 and boto3 clients for them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lex_emulator import LexEmulator
from lex_emulator.http_server import EmulatorServer
from tests.functional.lex_emulator.fake_engine import RecordingEngine
from tests.functional.lex_emulator.lex_clients import lex_client

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAIN_TEMPLATE = REPO / "template.yaml"
PIZZA_TEMPLATE = TEMPLATES / "pizza_bot.yaml"
HOOK_TEMPLATE = TEMPLATES / "hook_bot.yaml"
TODAY = date(2026, 1, 5)  # a Monday; dates in the tests are computed from it


class FakeClock:
    """A monotonic clock the test moves by hand (for idle-session expiry)."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@pytest.fixture
def recording_engine() -> RecordingEngine:
    """An in-memory engine that records what the HTTP layer hands it."""
    return RecordingEngine()


@pytest.fixture
def fake_server(recording_engine: RecordingEngine) -> Iterator[EmulatorServer]:
    """The HTTP server over the recording engine, on a free loopback port."""
    with EmulatorServer(recording_engine) as server:
        yield server


@pytest.fixture
def fake_client(fake_server: EmulatorServer) -> Any:
    """boto3 lexv2-runtime client pointed at the fake-engine server."""
    return lex_client(fake_server.url, pool=60)


@pytest.fixture
def emulator_client() -> Iterator[Callable[..., Any]]:
    """Factory: the real engine for a template, served over HTTP; returns a boto3 client."""
    servers: list[EmulatorServer] = []

    def make(
        template: Path = MAIN_TEMPLATE,
        *,
        env_vars: dict[str, dict[str, str]] | None = None,
        clock: Callable[[], float] | None = None,
        today: date | None = TODAY,
        pool: int = 60,
    ) -> Any:
        kwargs: dict[str, Any] = {"env_vars": env_vars, "today": today}
        if clock is not None:
            kwargs["clock"] = clock
        engine = LexEmulator.from_template(str(template), **kwargs)
        server = EmulatorServer(engine).start()
        servers.append(server)
        return lex_client(server.url, pool=pool)

    yield make
    for server in servers:
        server.stop()
