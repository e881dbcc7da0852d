"""/chat with a turnId through chalice.test.Client, real boto3 to a fake Lex and to moto's DynamoDB:
a session bound over /stream gets the llmStream request attributes, nothing else does."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from lex_emulator.cfn_template import import_handler
from tests.support.events import load_event

BOUND_SID = json.loads(load_event("websocketBind")["body"])["sessionId"]
CONNECTION = load_event("websocketBind")["requestContext"]["connectionId"]


@pytest.fixture
def chat(stream_events, stream_env, apply_template_env, fake_lex, tmp_path):
    """POST /chat on ChatApiFunction (template env + the moto table) -> (status, body)."""
    spec = apply_template_env(
        LEX_ENDPOINT_URL=fake_lex.endpoint_url,
        STREAM_BINDINGS_TABLE=stream_env["STREAM_BINDINGS_TABLE"],
    )
    app = import_handler(spec)
    with Client(app, project_dir=str(tmp_path)) as client:

        def post(body: dict) -> tuple[int, dict]:
            response = client.http.post(
                "/chat",
                headers={"Content-Type": "application/json"},
                body=json.dumps(body).encode(),
            )
            return response.status_code, json.loads(response.body)

        yield post


def test_a_bound_session_streams_its_turn(stream_events, chat, fake_lex):
    stream_events(load_event("websocketBind"), None)
    status, body = chat({"text": "tell me a story", "sessionId": BOUND_SID, "turnId": "t-000001"})
    assert status == 200, body
    (sent,) = fake_lex.requests
    assert sent.body["requestAttributes"] == {
        "llmStreamConnection": CONNECTION,
        "llmStreamTurn": "t-000001",
    }


def test_after_disconnect_the_turn_is_not_streamed(stream_events, chat, fake_lex):
    stream_events(load_event("websocketBind"), None)
    stream_events(load_event("websocketDisconnect"), None)
    status, _ = chat({"text": "hello", "sessionId": BOUND_SID, "turnId": "t-000002"})
    assert status == 200
    assert "requestAttributes" not in fake_lex.requests[0].body


def test_without_a_turn_id_nothing_is_streamed(stream_events, chat, fake_lex):
    stream_events(load_event("websocketBind"), None)
    status, _ = chat({"text": "hello", "sessionId": BOUND_SID})
    assert status == 200
    assert fake_lex.requests[0].body == {"text": "hello"}


def test_a_bad_turn_id_is_400(stream_events, chat, fake_lex):
    status, body = chat({"text": "hello", "sessionId": BOUND_SID, "turnId": "bad turn"})
    assert status == 400 and body["error"]["code"] == "invalid_request"
    assert fake_lex.requests == []


def test_an_unreachable_table_leaves_the_turn_unstreamed(
    stream_events, chat, fake_lex, monkeypatch, closed_port_url
):
    from chalicelib.stream_clients import reset_stream_clients

    stream_events(load_event("websocketBind"), None)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_port_url)
    reset_stream_clients()
    status, body = chat({"text": "hello", "sessionId": BOUND_SID, "turnId": "t-000003"})
    assert status == 200, body
    assert "requestAttributes" not in fake_lex.requests[0].body
