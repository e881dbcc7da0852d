"""The Tracer never breaks the handler: without the X-Ray SDK the handler is left as it is."""

from __future__ import annotations

from typing import Any

import pytest

from llm_fallback.tracing import traced


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"ok": event["n"]}


def test_without_the_sdk_the_handler_is_unchanged() -> None:
    assert traced(handler, sdk_available=lambda: False) is handler


def test_with_the_sdk_and_tracing_off_the_handler_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("aws_xray_sdk")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    wrapped = traced(handler)
    assert wrapped is not handler
    assert wrapped({"n": 2}, None) == {"ok": 2}
