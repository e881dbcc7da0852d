"""/chat with a turnId: the binding lookup decides the RecognizeText request attributes (no I/O)."""

from __future__ import annotations

import json

import pytest

from chalicelib.endpoint import handle_chat
from chalicelib.errors import StreamUnavailableError
from chalicelib.stream_bindings import BindingStore
from chalicelib.stream_lookup import BindingLookup
from tests.support.session_ids import sign
from tests.unit.chalice_app.stream_fakes import FakeDynamoDB
from tests.unit.chalice_app.test_chat_endpoint import ENV, FakeLex, make_request

SID = sign("VHVyblN0cmVhbWluZzAwMQ")
STREAM_ENV = {**ENV, "STREAM_BINDINGS_TABLE": "bindings"}
ANSWER = {"messages": [{"content": "hi", "contentType": "PlainText"}], "sessionState": {}}


class RecordingLex(FakeLex):
    def __init__(self):
        super().__init__(ANSWER)
        self.kwargs: list[dict] = []

    def recognize_text(self, **kwargs):
        self.kwargs.append(kwargs)
        return super().recognize_text(**kwargs)


def chat(body: dict, db: FakeDynamoDB, env=STREAM_ENV):
    lex = RecordingLex()
    response = handle_chat(
        make_request(json.dumps(body)),
        env=env,
        lex_factory=lambda settings: lex,
        lookup_factory=lambda settings: BindingLookup(db, settings.bindings_table),
    )
    return response, lex


@pytest.fixture
def db() -> FakeDynamoDB:
    return FakeDynamoDB()


def test_a_bound_session_with_a_turn_id_streams(db):
    BindingStore(db, "bindings").bind(SID, "conn-A=")
    response, lex = chat({"text": "hello", "sessionId": SID, "turnId": "turn_0001-abc"}, db)
    assert response.status_code == 200
    assert lex.kwargs[0]["request_attributes"] == {
        "llmStreamConnection": "conn-A=",
        "llmStreamTurn": "turn_0001-abc",
    }
    operation, kwargs = db.calls[-1]
    assert operation == "GetItem" and kwargs["ConsistentRead"] is True


def test_without_a_turn_id_the_table_is_not_even_read(db):
    BindingStore(db, "bindings").bind(SID, "conn-A=")
    calls = len(db.calls)
    response, lex = chat({"text": "hello", "sessionId": SID}, db)
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None
    assert len(db.calls) == calls


def test_an_unbound_session_is_not_streamed(db):
    BindingStore(db, "bindings").bind(sign("T3RoZXJTZXNzaW9uMDAx"), "conn-B=")
    response, lex = chat({"text": "hello", "sessionId": SID, "turnId": "turn-0001"}, db)
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None


def test_a_new_session_has_no_binding_yet_and_costs_no_read(db):
    response, lex = chat({"text": "hello", "turnId": "turn-0001"}, db)
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None
    assert db.calls == []


def test_streaming_off_without_the_table_variable(db):
    BindingStore(db, "bindings").bind(SID, "conn-A=")
    response, lex = chat({"text": "hello", "sessionId": SID, "turnId": "turn-0001"}, db, env=ENV)
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None
    assert [c for c in db.calls if c[0] == "GetItem"] == []


def test_a_table_outage_never_breaks_the_turn(db, capsys):
    BindingStore(db, "bindings").bind(SID, "conn-A=")
    db.go_down()
    response, lex = chat({"text": "hello", "sessionId": SID, "turnId": "turn-0001"}, db)
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert any(line.get("stream") == "unavailable" for line in lines)
    assert SID not in json.dumps(lines)


def test_a_lookup_factory_that_cannot_build_a_client_is_an_outage_too(db):
    def no_client(settings):
        raise StreamUnavailableError(detail="cannot create the dynamodb client (NoRegionError)")

    lex = RecordingLex()
    response = handle_chat(
        make_request(json.dumps({"text": "hi", "sessionId": SID, "turnId": "turn-0001"})),
        env=STREAM_ENV,
        lex_factory=lambda settings: lex,
        lookup_factory=no_client,
    )
    assert response.status_code == 200 and lex.kwargs[0]["request_attributes"] is None


@pytest.mark.parametrize(
    "turn_id",
    ["short", "x" * 65, "has space1", "turn/0001", "턴아이디입니다요", 12345678, ["turn-0001"], ""],
)
def test_a_bad_turn_id_is_400_invalid_request(db, turn_id):
    response, lex = chat({"text": "hello", "sessionId": SID, "turnId": turn_id}, db)
    assert response.status_code == 400
    assert response.body["error"]["code"] == "invalid_request"
    assert lex.kwargs == []


@pytest.mark.parametrize("turn_id", ["abcdefgh", "A" * 64, "a-b_c-d_", None])
def test_good_turn_ids(db, turn_id):
    response, _ = chat({"text": "hello", "sessionId": SID, "turnId": turn_id}, db)
    assert response.status_code == 200
