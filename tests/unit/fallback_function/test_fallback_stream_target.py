"""Whether a turn streams: both request attributes, a usable STREAM_MANAGEMENT_URL, sane values."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from llm_fallback.config import Settings
from llm_fallback.event import LexEvent
from llm_fallback.stream_target import StreamTarget, stream_target, usable_management_url

URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/stream"


class ListLogger:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict[str, Any]]] = []

    def warning(self, msg: str, extra: dict[str, Any] | None = None) -> None:
        self.warnings.append((msg, extra or {}))


def event_with(load_event: Any, **attributes: str | None) -> LexEvent:
    raw = load_event("lexV2FallbackStreamTurn")
    for name, value in attributes.items():
        if value is None:
            raw["requestAttributes"].pop(name, None)
        else:
            raw["requestAttributes"][name] = value
    return LexEvent(raw)


def test_the_fixture_streams_to_its_connection(load_event: Any) -> None:
    target = stream_target(event_with(load_event), URL, logger=ListLogger())
    assert target == StreamTarget(URL, "L0SM9cOFvHcCIhw=", "t-7c1e2a9f4b3d")
    assert "L0SM9cOFvHcCIhw=" not in repr(target)


def test_settings_read_stream_management_url() -> None:
    assert Settings.from_env({"STREAM_MANAGEMENT_URL": f" {URL} "}).stream_management_url == URL
    assert Settings.from_env({}).stream_management_url == ""


@pytest.mark.parametrize("missing", ["llmStreamConnection", "llmStreamTurn"])
def test_both_attributes_are_needed(load_event: Any, missing: str) -> None:
    logger = ListLogger()
    assert stream_target(event_with(load_event, **{missing: None}), URL, logger=logger) is None
    assert logger.warnings == []


def test_no_url_no_stream(load_event: Any) -> None:
    assert stream_target(event_with(load_event), "", logger=ListLogger()) is None


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("llmStreamTurn", "short"),
        ("llmStreamTurn", "x" * 65),
        ("llmStreamTurn", "has space 123"),
        ("llmStreamConnection", ""),
        ("llmStreamConnection", "../../@connections/other"),
        ("llmStreamConnection", "a" * 129),
    ],
)
def test_malformed_attributes_turn_streaming_off_without_naming_them(
    load_event: Any, attribute: str, value: str
) -> None:
    logger = ListLogger()
    assert stream_target(event_with(load_event, **{attribute: value}), URL, logger=logger) is None
    ((message, extra),) = logger.warnings
    assert value == "" or (value not in message and value not in str(extra))


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        (URL, True),
        ("http://127.0.0.1:8765/stream", True),
        ("https://.execute-api.us-east-1.amazonaws.com/stream", False),
        ("https:///stream", False),
        ("ftp://host/stream", False),
        ("not a url", False),
        ("http://[::1", False),
    ],
)
def test_usable_management_url(url: str, usable: bool) -> None:
    assert usable_management_url(url) is usable


def test_a_url_without_a_host_is_unset_with_one_warning(load_event: Any) -> None:
    url = f"https://.execute-api.us-east-1.amazonaws.com/{uuid.uuid4().hex[:8]}"
    logger = ListLogger()
    for _ in range(3):
        assert stream_target(event_with(load_event), url, logger=logger) is None
    assert len(logger.warnings) == 1
    assert "STREAM_MANAGEMENT_URL" in logger.warnings[0][0]
