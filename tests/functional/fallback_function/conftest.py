"""Fixtures: the FallbackFunction handler resolved from template.yaml, a fake OpenAI server on
loopback, a Lambda context with a controllable clock, and log capture."""

from __future__ import annotations

import io
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lex_emulator.cfn_template import import_handler, load_template, resolve_function
from llm_fallback.secrets import clear_secret_cache
from tests.fakes.fake_openai import FakeOpenAI
from tests.support import events

ROOT = Path(__file__).resolve().parents[3]
API_KEY = "sk-test-DO-NOT-LEAK-5f3a9c"
CONTRACT_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_API_KEY_SECRET_ARN",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OPENAI_MAX_TOKENS",
    "OPENAI_SYSTEM_PROMPT",
    "LLM_TIMEOUT_SECONDS",
    "LLM_MAX_RETRIES",
    "LLM_HISTORY_TURNS",
    "AWS_ENDPOINT_URL_SECRETSMANAGER",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "STREAM_MANAGEMENT_URL",
)


class FakeLambdaContext:
    """The attributes Lambda's context has, with a remaining time driven by ``clock``."""

    function_name = "FallbackFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:FallbackFunction"
    log_group_name = "/aws/lambda/FallbackFunction"
    log_stream_name = "local"

    def __init__(self, remaining_seconds: float, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._deadline = clock() + remaining_seconds
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock()) * 1000))


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """Load ``events/<name>.json``."""

    return events.load_event


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _clear_secret_cache() -> Iterator[None]:
    """Powertools Parameters caches secrets per process; every test starts cold."""
    clear_secret_cache()
    yield
    clear_secret_cache()


class LogCapture(io.StringIO):
    """Collects what the function's Powertools logger writes, formatted as in production."""

    def __init__(self) -> None:
        super().__init__()
        self._handler = logging.StreamHandler(self)
        self._loggers: list[logging.Logger] = []

    def attach(self, powertools_logger: Any) -> None:
        service_logger = logging.getLogger(powertools_logger.name)
        self._handler.setFormatter(powertools_logger.registered_handler.formatter)
        if service_logger not in self._loggers:
            service_logger.addHandler(self._handler)
            self._loggers.append(service_logger)

    def remove(self) -> None:
        for service_logger in self._loggers:
            service_logger.removeHandler(self._handler)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    """The function's log output (attached when ``configure`` imports the handler)."""
    capture = LogCapture()
    yield capture
    capture.remove()


@pytest.fixture
def configure(
    monkeypatch: pytest.MonkeyPatch, logs: LogCapture
) -> Callable[..., Callable[..., dict[str, Any]]]:
    """Apply the template's FallbackFunction environment plus overrides; return its handler."""

    def apply(**overrides: str) -> Callable[..., dict[str, Any]]:
        for name in CONTRACT_VARS:
            monkeypatch.delenv(name, raising=False)
        template = load_template(ROOT / "template.yaml")
        spec = resolve_function(
            template, "FallbackFunction", ROOT, env_overrides={"FallbackFunction": overrides}
        )
        for name, value in spec.environment.items():
            monkeypatch.setenv(name, value)
        handler = import_handler(spec)
        logs.attach(sys.modules[handler.__module__].logger)
        return handler

    return apply


@pytest.fixture
def handler(configure: Any, llm: FakeOpenAI) -> Callable[..., dict[str, Any]]:
    """The handler with OPENAI_BASE_URL/OPENAI_API_KEY pointing at the fake server."""
    return configure(OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=API_KEY)  # type: ignore[no-any-return]
