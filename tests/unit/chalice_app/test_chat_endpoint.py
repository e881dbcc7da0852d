"""The glue: handle_chat with injected env and Lex, and the error-format middleware (no I/O)."""

from __future__ import annotations

import json

from chalice.app import Request, Response, error_response

from chalicelib.endpoint import handle_chat, make_error_format_middleware
from chalicelib.errors import LexTimeoutError
from chalicelib.session_ids import SessionIds
from tests.support.session_ids import TEST_SESSION_KEY

ENV = {
    "LEX_BOT_ID": "LOCALBOTID",
    "LEX_BOT_ALIAS_ID": "TSTALIASID",
    "SESSION_KEY": TEST_SESSION_KEY,
}
ROUTES: dict[str, dict[str, object]] = {"/chat": {}, "/health": {}}


def make_request(body: str | None, content_type: str | None = "application/json") -> Request:
    headers = {"Content-Type": content_type} if content_type else {}
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": headers,
            "pathParameters": None,
            "requestContext": {"httpMethod": "POST", "resourcePath": "/chat", "requestId": "r-1"},
            "body": body,
            "stageVariables": None,
        }
    )


class FakeLex:
    def __init__(self, answer=None, error: Exception | None = None):
        self.answer, self.error, self.calls = answer, error, 0

    def recognize_text(self, **kwargs):
        self.calls += 1
        if self.error:
            raise self.error
        return self.answer


def chat(body, lex, **kwargs):
    response = handle_chat(make_request(body, **kwargs), env=ENV, lex_factory=lambda settings: lex)
    return response.status_code, response.body, response.headers


def test_success_uses_the_injected_lex_and_session_ids():
    lex = FakeLex({"messages": [{"content": "hi", "contentType": "PlainText"}], "sessionState": {}})
    sessions = SessionIds(b"k" * 32, random_bytes=lambda n: b"\x00" * n)
    response = handle_chat(
        make_request('{"text": "hello"}'),
        env=ENV,
        lex_factory=lambda settings: lex,
        sessions_factory=lambda settings: sessions,
    )
    assert response.status_code == 200
    assert response.body["sessionId"] == sessions.issue()
    assert response.body["messages"] == [{"content": "hi", "contentType": "PlainText"}]
    assert lex.calls == 1


def test_translated_lex_errors_become_their_status():
    status, body, _ = chat('{"text": "hello"}', FakeLex(error=LexTimeoutError()))
    assert status == 504 and body["error"]["code"] == "lex_timeout"


def test_an_unexpected_bug_is_500_internal_error_without_a_traceback(capsys):
    status, body, _ = chat('{"text": "hello"}', FakeLex(error=RuntimeError("bug in here")))
    assert status == 500
    assert body == {"error": {"code": "internal_error", "message": body["error"]["message"]}}
    assert "bug in here" not in json.dumps(body) and "Traceback" not in json.dumps(body)
    logged = capsys.readouterr().out
    assert "Traceback" in logged and "bug in here" in logged


def test_content_type_is_checked_after_size():
    status, _, _ = chat("x" * 20_000, FakeLex(), content_type="text/plain")
    assert status == 413


def make_middleware():
    return make_error_format_middleware(ROUTES)


def test_middleware_passes_good_responses_through():
    ok = Response(body={"status": "ok"}, status_code=200)
    assert make_middleware()(make_request(None), lambda event: ok) is ok


def test_middleware_leaves_our_own_errors_alone():
    ours = Response(body={"error": {"code": "x", "message": "y"}}, status_code=400)
    assert make_middleware()(make_request(None), lambda event: ours) is ours


def test_middleware_rewrites_chalice_errors_into_our_format():
    cases = [
        (
            error_response(
                error_code="UnsupportedMediaType",
                message="Unsupported media type: x",
                http_status_code=415,
            ),
            415,
        ),
        (
            error_response(
                error_code="BadRequestError", message="Error Parsing JSON", http_status_code=400
            ),
            400,
        ),
        (
            error_response(
                error_code="MethodNotAllowedError",
                message="Unsupported method: GET",
                http_status_code=405,
            ),
            405,
        ),
        (
            error_response(
                error_code="InternalServerError",
                message="An internal server error occurred.",
                http_status_code=500,
            ),
            500,
        ),
        (
            error_response(
                error_code="InternalServerError", message="Unknown request.", http_status_code=500
            ),
            404,
        ),
        (
            error_response(error_code="TooManyRequestsError", message="slow", http_status_code=429),
            429,
        ),
    ]
    for chalice_response, status in cases:
        rewritten = make_middleware()(make_request(None), lambda event, r=chalice_response: r)
        assert rewritten.status_code == status
        assert set(rewritten.body) == {"error"}
        assert rewritten.headers["Content-Type"] == "application/json"


def test_middleware_keeps_the_allow_header_of_a_405():
    chalice_405 = error_response(
        error_code="MethodNotAllowedError",
        message="no",
        http_status_code=405,
        headers={"Allow": "POST"},
    )
    rewritten = make_middleware()(make_request(None), lambda event: chalice_405)
    assert rewritten.headers["Allow"] == "POST"
    assert rewritten.body["error"]["code"] == "method_not_allowed"


def test_middleware_is_the_last_resort_for_exceptions(capsys):
    def explode(event):
        raise KeyError("/somewhere")

    response = make_middleware()(make_request(None), explode)
    assert response.status_code == 500
    assert response.body["error"]["code"] == "internal_error"
    assert "KeyError" in capsys.readouterr().out


def test_middleware_answers_404_for_unknown_routes_without_calling_the_app():
    request = make_request(None)
    request.path = "/elsewhere"
    called = []
    response = make_middleware()(request, lambda event: called.append(event))
    assert response.status_code == 404 and called == []
