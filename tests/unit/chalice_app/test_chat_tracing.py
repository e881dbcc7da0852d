"""The chat API's Tracer: a middleware added only when tracing is on and the X-Ray SDK is there,
which passes every request through unchanged (no I/O: outside Lambda Powertools keeps it off)."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.app import Chalice

from chalicelib.tracing import make_tracing_middleware, register_tracing
from tests.support import events

ON = {"POWERTOOLS_TRACE_DISABLED": "false"}
OFF = {"POWERTOOLS_TRACE_DISABLED": "true"}


class FakeApp:
    def __init__(self) -> None:
        self.registered: list[tuple[Any, str]] = []

    def register_middleware(self, func: Any, event_type: str = "all") -> None:
        self.registered.append((func, event_type))


def _no_middleware() -> Any:
    raise AssertionError("the middleware (and the SDK import) must not be built")


def test_with_tracing_off_nothing_is_built_or_registered() -> None:
    app = FakeApp()
    added = register_tracing(
        app, sdk_available=lambda: True, env=OFF, make_middleware=_no_middleware
    )
    assert added is False and app.registered == []


def test_without_the_sdk_nothing_is_built_or_registered() -> None:
    app = FakeApp()
    added = register_tracing(
        app, sdk_available=lambda: False, env=ON, make_middleware=_no_middleware
    )
    assert added is False and app.registered == []


@pytest.mark.parametrize("value", ["true", "TRUE", " 1 ", "yes", "on"])
def test_every_true_spelling_switches_it_off(value: str) -> None:
    app = FakeApp()
    env = {"POWERTOOLS_TRACE_DISABLED": value}
    assert not register_tracing(app, sdk_available=lambda: True, env=env)


def test_with_tracing_on_one_http_middleware_is_registered() -> None:
    app = FakeApp()

    def middleware(request: Any, get_response: Any) -> Any:
        return get_response(request)

    added = register_tracing(
        app, sdk_available=lambda: True, env=ON, make_middleware=lambda: middleware
    )
    assert added is True and app.registered == [(middleware, "http")]


def test_the_real_middleware_passes_the_request_and_answer_through() -> None:
    pytest.importorskip("aws_xray_sdk")
    middleware = make_tracing_middleware()
    seen: list[Any] = []

    def get_response(request: Any) -> dict[str, str]:
        seen.append(request)
        return {"answer": "unchanged"}

    request = object()
    assert middleware(request, get_response) == {"answer": "unchanged"}
    assert seen == [request]
    assert middleware.__name__ == "chat_api"  # the subsegment is "## chat_api"


def test_a_chalice_app_with_tracing_on_answers_as_without() -> None:
    pytest.importorskip("aws_xray_sdk")
    app = Chalice(app_name="traced")
    assert register_tracing(app, sdk_available=lambda: True, env=ON)

    @app.route("/health", methods=["GET"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    response = app(events.load_event("apiGatewayHealthGet"), None)
    assert response["statusCode"] == 200
    assert response["body"] == '{"status":"ok"}'
