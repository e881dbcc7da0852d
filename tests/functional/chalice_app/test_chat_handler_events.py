"""Invoke the handler template.yaml names (``app.app``) with each events/ fixture, as
``sam local invoke -e events/<file>`` would, against a fake Lex over real HTTP.

The fixtures' session ids are signed with ``tests.support.session_ids.TEST_SESSION_KEY``, which the
``chat_spec`` fixture sets as ``SESSION_KEY``."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest

from tests.support.events import EVENTS_DIR, load_event

ROOT = Path(__file__).resolve().parents[3]
EVENTS = EVENTS_DIR

# fixture -> (status, error code or None for success)
EXPECTED = {
    "apiGatewayChatPost.json": (200, None),
    "apiGatewayChatPostNewSession.json": (200, None),
    "apiGatewayChatPostBase64.json": (200, None),
    "apiGatewayChatPostInvalidJson.json": (400, "invalid_json"),
    "apiGatewayChatPostTooLong.json": (400, "invalid_text"),
    "apiGatewayChatPostNonStringText.json": (400, "invalid_request"),
    "apiGatewayChatPostBadSessionId.json": (400, "invalid_session_id"),
    "apiGatewayChatPostClientChosenSessionId.json": (400, "invalid_session_id"),
    "apiGatewayChatPostForgedSessionId.json": (400, "invalid_session_id"),
    "apiGatewayChatPostUnknownLocale.json": (400, "unsupported_locale"),
    "apiGatewayChatPostWrongContentType.json": (415, "unsupported_media_type"),
    "apiGatewayChatPostTooLarge.json": (413, "payload_too_large"),
    "apiGatewayChatGetMethodNotAllowed.json": (405, "method_not_allowed"),
    "apiGatewayHealthGet.json": (200, None),
}


class LambdaContext:
    """The attributes and method a Lambda context offers, with a fixed deadline."""

    function_name = "local-ChatApiFunction"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:local-ChatApiFunction"
    memory_limit_in_mb = 256
    log_group_name = "/aws/lambda/local-ChatApiFunction"
    log_stream_name = "2026/11/23/[$LATEST]0123456789abcdef"

    def __init__(self, timeout_seconds: int):
        self.aws_request_id = str(uuid.uuid4())
        self._remaining_ms = timeout_seconds * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


def test_every_api_gateway_fixture_has_an_expectation():
    assert sorted(p.name for p in EVENTS.glob("apiGateway*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_handler_answers_each_fixture(name, expected, chalice_app, chat_spec, fake_lex):
    event = load_event(name)
    result = chalice_app(event, LambdaContext(chat_spec.timeout_seconds))

    status, code = expected
    assert set(result) >= {"statusCode", "headers", "body"}
    assert result["statusCode"] == status
    body = json.loads(result["body"])
    if code is not None:
        assert body == {"error": {"code": code, "message": body["error"]["message"]}}
        assert body["error"]["message"]
        assert fake_lex.requests == []
        return
    if event["resource"] == "/health":
        assert body == {"status": "ok"}
        return
    sent_body = event["body"]
    if event["isBase64Encoded"]:
        sent_body = base64.b64decode(sent_body).decode("utf-8")
    request = json.loads(sent_body)
    (received,) = fake_lex.requests
    assert received.text == request["text"]
    assert received.locale_id == request.get("localeId", "ko_KR")
    assert body["sessionId"] == received.session_id == request.get("sessionId", received.session_id)
    assert [m["content"] for m in body["messages"]] == [f"[fake-lex] {request['text']}"]
    assert body["source"] == "llm"


def test_the_template_names_this_app_with_a_timeout_under_api_gateways(chat_spec):
    assert chat_spec.handler == "app.app"
    assert chat_spec.code_uri == (ROOT / "chalice_app").resolve()
    # API Gateway gives up at 29 s; the Lex read timeout must end first.
    assert chat_spec.timeout_seconds <= 29
    assert chat_spec.timeout_seconds >= 3 + 25  # connect + read defaults fit in the function


def test_an_event_for_a_route_the_app_does_not_serve_is_404_in_our_format(chalice_app, chat_spec):
    event = load_event("apiGatewayHealthGet.json")
    event["resource"] = event["path"] = event["requestContext"]["resourcePath"] = "/nowhere"
    result = chalice_app(event, LambdaContext(chat_spec.timeout_seconds))
    assert result["statusCode"] == 404
    assert json.loads(result["body"])["error"]["code"] == "not_found"
