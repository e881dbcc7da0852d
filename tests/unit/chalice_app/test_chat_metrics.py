"""The chat API's EMF output per turn and per error: names, units, dimensions, nothing private."""

from __future__ import annotations

import pytest
from chalice.app import Request

from chalicelib.endpoint import handle_chat
from chalicelib.errors import LexThrottledError, LexTimeoutError
from chalicelib.session_ids import SessionIds
from tests.support import emf

ENV = {"LEX_BOT_ID": "LOCALBOTID", "LEX_BOT_ALIAS_ID": "TSTALIASID"}
TEXT = "my secret question about invoices"
# Fixed random bytes: every new conversation gets this same (valid, server-issued) id.
SESSIONS = SessionIds(b"k" * 32, random_bytes=lambda n: b"\x07" * n)
SESSION = SESSIONS.issue()


def request(body: str) -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {"Content-Type": "application/json"},
            "pathParameters": None,
            "requestContext": {"httpMethod": "POST", "resourcePath": "/chat", "requestId": "r-1"},
            "body": body,
            "stageVariables": None,
        }
    )


class FakeLex:
    def __init__(self, intent: str | None = None, error: Exception | None = None) -> None:
        self.intent, self.error = intent, error

    def recognize_text(self, **kwargs):
        if self.error:
            raise self.error
        state = {"intent": {"name": self.intent, "state": "Fulfilled"}} if self.intent else {}
        return {"messages": [{"content": "a", "contentType": "PlainText"}], "sessionState": state}


def chat(lex: FakeLex, body: str = f'{{"text": "{TEXT}"}}') -> int:
    response = handle_chat(
        request(body), env=ENV, lex_factory=lambda _s: lex, sessions_factory=lambda _s: SESSIONS
    )
    return response.status_code


@pytest.mark.parametrize(("intent", "source"), [("HelloWorld", "lex"), ("FallbackIntent", "llm")])
def test_a_turn_counts_its_source_and_the_lex_latency(intent: str, source: str, capsys) -> None:
    assert chat(FakeLex(intent)) == 200
    out = capsys.readouterr().out
    got = emf.data(out)
    assert [(d.name, d.unit, d.value, d.dimensions) for d in got if d.name == "ChatTurns"] == [
        ("ChatTurns", "Count", 1, {"Source": source})
    ]
    (latency,) = [d for d in got if d.name == "LexLatency"]
    assert latency.unit == "Milliseconds" and latency.dimensions == {} and latency.value >= 0
    assert {d.name for d in got} == {"ChatTurns", "LexLatency"}
    for blob in emf.blobs(out):
        assert TEXT not in str(blob) and SESSION not in str(blob) and "service" not in blob


@pytest.mark.parametrize(
    ("lex", "body", "code"),
    [
        (FakeLex("HelloWorld"), "{not json", "invalid_json"),
        (FakeLex("HelloWorld"), '{"text": ""}', "invalid_text"),
        (FakeLex("HelloWorld"), '{"text": "hi", "localeId": "xx_YY"}', "unsupported_locale"),
        (FakeLex(error=LexTimeoutError()), '{"text": "hi"}', "lex_timeout"),
        (FakeLex(error=LexThrottledError()), '{"text": "hi"}', "lex_throttled"),
        (FakeLex(error=RuntimeError("bug")), '{"text": "hi"}', "internal_error"),
    ],
)
def test_an_error_counts_its_code_and_no_turn(lex: FakeLex, body: str, code: str, capsys) -> None:
    assert chat(lex, body) >= 400
    got = emf.data(capsys.readouterr().out)
    assert [(d.name, d.unit, d.value, d.dimensions) for d in got] == [
        ("ChatErrors", "Count", 1, {"Code": code})
    ]
