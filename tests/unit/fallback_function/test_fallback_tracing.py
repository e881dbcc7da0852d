"""The Tracer never breaks or slows the handler: it is added only when tracing is on and the
X-Ray SDK is packaged."""

from __future__ import annotations

from typing import Any

import pytest

from llm_fallback.tracing import traced


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"ok": event["n"]}


def test_without_the_sdk_the_handler_is_unchanged() -> None:
    on = {"POWERTOOLS_TRACE_DISABLED": "false"}
    assert traced(handler, sdk_available=lambda: False, env=on) is handler


def test_with_tracing_off_the_handler_is_unchanged() -> None:
    off = {"POWERTOOLS_TRACE_DISABLED": "true"}
    assert traced(handler, sdk_available=lambda: True, env=off) is handler


@pytest.mark.parametrize("value", ["true", "TRUE", " 1 ", "yes", "on"])
def test_every_true_spelling_switches_it_off(value: str) -> None:
    env = {"POWERTOOLS_TRACE_DISABLED": value}
    assert traced(handler, sdk_available=lambda: True, env=env) is handler


def test_with_the_sdk_and_tracing_on_the_handler_is_wrapped_and_answers() -> None:
    pytest.importorskip("aws_xray_sdk")
    wrapped = traced(
        handler, sdk_available=lambda: True, env={"POWERTOOLS_TRACE_DISABLED": "false"}
    )
    assert wrapped is not handler
    assert wrapped.__name__ == "handler"  # the subsegment is "## handler"
    # Outside Lambda Powertools switches the Tracer off by itself; the handler still answers.
    assert wrapped({"n": 2}, None) == {"ok": 2}
