"""The Tracer never breaks the handler: off without the X-Ray SDK, off by the template's default."""

from __future__ import annotations

from typing import Any

import pytest

from llm_fallback.tracing import make_tracer


def test_without_the_sdk_the_tracer_is_off_even_when_tracing_is_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fallback")  # looks like Lambda
    tracer = make_tracer(sdk_available=lambda: False)

    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"ok": event["n"]}

    assert tracer.disabled is True
    assert handler({"n": 1}, None) == {"ok": 1}


def test_the_template_default_switches_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert make_tracer(sdk_available=lambda: True).disabled is True
