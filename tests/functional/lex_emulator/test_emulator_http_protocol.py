"""The HTTP layer alone (fake engine): boto3 talks to it over real loopback HTTP."""

from __future__ import annotations

import http.client
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest

from lex_emulator import errors
from lex_emulator.http_server import MAX_BODY_BYTES, EmulatorServer, decode_lex_header
from tests.functional.lex_emulator.fake_engine import RecordingEngine
from tests.functional.lex_emulator.lex_clients import ALIAS_ID, BOT_ID, ids, lex_client
from tests.support.botocore_shapes import assert_valid_output

SESSION_PATH = f"/bots/{BOT_ID}/botAliases/{ALIAS_ID}/botLocales/en_US/sessions/s-1"


def _raw(server: EmulatorServer, method: str, path: str, body: bytes | None = None, **headers: str):
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_recognize_text_passes_everything_through_and_parses(fake_client, recording_engine):
    response = fake_client.recognize_text(
        **ids("en_US", "user-1.a:b_c-d"),
        text="hello there",
        sessionState={"sessionAttributes": {"k": "v"}},
        requestAttributes={"channel": "web"},
    )
    assert_valid_output("RecognizeText", response)
    name, kwargs = recording_engine.calls[-1]
    assert name == "recognize_text"
    assert kwargs == {
        "bot_id": BOT_ID,
        "bot_alias_id": ALIAS_ID,
        "locale_id": "en_US",
        "session_id": "user-1.a:b_c-d",
        "text": "hello there",
        "session_state": {"sessionAttributes": {"k": "v"}},
        "request_attributes": {"channel": "web"},
    }
    assert response["messages"][0]["content"] == "echo: hello there"
    assert response["sessionState"]["sessionAttributes"] == {"k": "v", "lastText": "hello there"}
    assert response["requestAttributes"] == {"channel": "web"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_unicode_text_round_trips(fake_client):
    response = fake_client.recognize_text(
        **ids("ko_KR", "ko-session"), text="제 이름은 홍길동이에요"
    )
    assert response["messages"][0]["content"] == "echo: 제 이름은 홍길동이에요"


def test_put_session_answers_in_gzipped_base64_headers(fake_client, recording_engine):
    state = {
        "sessionAttributes": {"name": "홍길동"},
        "dialogAction": {"type": "ElicitIntent"},
    }
    messages = [{"contentType": "PlainText", "content": "다시 오셨네요"}]
    response = fake_client.put_session(
        **ids("ko_KR", "put-1"),
        sessionState=state,
        messages=messages,
        requestAttributes={"a": "b"},
    )
    assert_valid_output("PutSession", response)
    assert recording_engine.calls[-1][0] == "put_session"
    assert recording_engine.calls[-1][1]["session_state"] == state
    assert recording_engine.calls[-1][1]["messages"] == messages
    assert response["sessionId"] == "put-1"
    assert response["contentType"].startswith("text/plain")
    assert decode_lex_header(response["sessionState"]) == state
    assert decode_lex_header(response["messages"]) == messages
    assert decode_lex_header(response["requestAttributes"]) == {"a": "b"}
    assert response["audioStream"].read() == b""


def test_get_and_delete_use_their_methods(fake_client, recording_engine):
    fake_client.recognize_text(**ids("en_US", "gd-1"), text="hi")
    got = fake_client.get_session(**ids("en_US", "gd-1"))
    assert_valid_output("GetSession", got)
    assert got["sessionState"]["sessionAttributes"]["lastText"] == "hi"
    deleted = fake_client.delete_session(**ids("en_US", "gd-1"))
    assert_valid_output("DeleteSession", deleted)
    assert deleted["sessionId"] == "gd-1"
    assert [c[0] for c in recording_engine.calls] == [
        "recognize_text",
        "get_session",
        "delete_session",
    ]
    with pytest.raises(fake_client.exceptions.ResourceNotFoundException):
        fake_client.get_session(**ids("en_US", "gd-1"))


@pytest.mark.parametrize(
    "exc_type",
    [
        errors.ValidationException,
        errors.AccessDeniedException,
        errors.ResourceNotFoundException,
        errors.ConflictException,
        errors.DependencyFailedException,
        errors.ThrottlingException,
        errors.BadGatewayException,
    ],
)
def test_engine_errors_become_modelled_boto3_exceptions(fake_client, recording_engine, exc_type):
    recording_engine.fail_with = exc_type(f"boom {exc_type.code}")
    modelled = getattr(fake_client.exceptions, exc_type.code)
    with pytest.raises(modelled) as caught:
        fake_client.recognize_text(**ids("en_US", "err-1"), text="hi")
    error = caught.value.response
    assert error["Error"]["Code"] == exc_type.code
    assert error["Error"]["Message"] == f"boom {exc_type.code}"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == exc_type.status


def test_unexpected_engine_error_is_500_without_traceback(
    fake_server, fake_client, recording_engine, caplog
):
    recording_engine.fail_with = RuntimeError("secret-detail-sk-123")
    with (
        caplog.at_level(logging.ERROR, logger="lex_emulator.http"),
        pytest.raises(fake_client.exceptions.InternalServerException) as caught,
    ):
        fake_client.recognize_text(**ids("en_US", "err-2"), text="hi")
    message = caught.value.response["Error"]["Message"]
    assert "secret-detail" not in message and "Traceback" not in message
    status, headers, body = _raw(fake_server, "GET", SESSION_PATH)
    assert status == 500
    assert b"secret-detail" not in body and b"Traceback" not in body
    assert headers["x-amzn-ErrorType"] == "InternalServerException"
    assert any("secret-detail" in r.getMessage() or r.exc_info for r in caplog.records)


def test_recognize_utterance_is_refused_clearly(fake_client, recording_engine):
    with pytest.raises(fake_client.exceptions.ValidationException) as caught:
        fake_client.recognize_utterance(
            **ids("en_US", "u-1"), requestContentType="text/plain; charset=utf-8", inputStream=b"hi"
        )
    assert "not supported" in caught.value.response["Error"]["Message"]
    assert recording_engine.calls == []


def test_put_session_refuses_audio_responses(fake_client):
    with pytest.raises(fake_client.exceptions.ValidationException):
        fake_client.put_session(
            **ids("en_US", "audio-1"),
            sessionState={"dialogAction": {"type": "ElicitIntent"}},
            responseContentType="audio/mpeg",
        )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"sessionState": {}}', "'text' is required"),
        (b'{"text": "hi", "sessionState": "x"}', "'sessionState'"),
        (b'{"text": "hi", "requestAttributes": {"a": 1}}', "'requestAttributes'"),
        ('{"text": "\xff"}'.encode("latin-1"), "not valid JSON"),
    ],
)
def test_bad_bodies_are_validation_errors(fake_server, recording_engine, body, fragment):
    status, headers, raw = _raw(
        fake_server, "POST", SESSION_PATH + "/text", body, **{"Content-Type": "application/json"}
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException"
    assert fragment in json.loads(raw)["message"]
    assert recording_engine.calls == []


def test_oversized_body_is_refused_without_reading_it(fake_server):
    status, headers, raw = _raw(
        fake_server,
        "POST",
        SESSION_PATH + "/text",
        b"x" * 10,
        **{"Content-Length": str(MAX_BODY_BYTES + 1)},
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException"
    assert "larger than" in json.loads(raw)["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/bots/LOCALBOTID"),
        ("PUT", SESSION_PATH),
        ("GET", SESSION_PATH + "/text"),
        ("POST", SESSION_PATH + "/elsewhere"),
    ],
)
def test_unknown_routes_are_404_in_aws_format(fake_server, method, path):
    status, headers, raw = _raw(fake_server, method, path)
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/json"
    assert method in json.loads(raw)["message"]


def test_any_sigv4_header_is_accepted(fake_server):
    status, _, raw = _raw(
        fake_server,
        "POST",
        SESSION_PATH + "/text",
        b'{"text": "hi"}',
        Authorization="AWS4-HMAC-SHA256 Credential=whatever, Signature=deadbeef",
    )
    assert status == 200
    assert json.loads(raw)["messages"][0]["content"] == "echo: hi"


def test_percent_encoded_path_segments_are_decoded(fake_server, recording_engine):
    status, _, _ = _raw(
        fake_server,
        "POST",
        f"/bots/{BOT_ID}/botAliases/{ALIAS_ID}/botLocales/en_US/sessions/a%3Ab/text",
        b'{"text": "hi"}',
    )
    assert status == 200
    assert recording_engine.calls[-1][1]["session_id"] == "a:b"


def test_keep_alive_connection_serves_many_requests(fake_server):
    parts = urlsplit(fake_server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for i in range(5):
            conn.request("POST", SESSION_PATH + "/text", body=json.dumps({"text": f"t{i}"}))
            response = conn.getresponse()
            assert json.loads(response.read())["messages"][0]["content"] == f"echo: t{i}"
    finally:
        conn.close()


def test_sixty_concurrent_clients_all_get_their_own_answer(fake_server):
    client = lex_client(fake_server.url, pool=60)

    def one(i: int) -> tuple[int, Any]:
        response = client.recognize_text(**ids("en_US", f"conc-{i}"), text=f"value-{i}")
        return i, response

    with ThreadPoolExecutor(max_workers=60) as pool:
        results = list(pool.map(one, range(60)))
    for i, response in results:
        assert response["sessionId"] == f"conc-{i}"
        assert response["messages"][0]["content"] == f"echo: value-{i}"


def test_stop_frees_the_port_and_is_idempotent():
    server = EmulatorServer(RecordingEngine()).start()
    client = lex_client(server.url)
    client.recognize_text(**ids("en_US", "stop-1"), text="hi")
    server.stop()
    server.stop()
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    with pytest.raises(OSError):
        conn.request("GET", "/")
        conn.getresponse()
    conn.close()


def test_debug_log_carries_a_session_hash_not_the_session_id(fake_client, caplog):
    """The access log names the session by hash: a session id is a credential."""
    import hashlib

    session_id = "s1.secretSessionPart0123456789.mac0123456789abcdef01"
    with caplog.at_level(logging.DEBUG, logger="lex_emulator.http"):
        fake_client.recognize_text(**ids("en_US", session_id), text="hello")
        fake_client.get_session(**ids("en_US", session_id))
    lines = [r.getMessage() for r in caplog.records if r.name == "lex_emulator.http"]
    assert len(lines) >= 2
    assert not any("secretSessionPart" in line for line in lines)
    expected = hashlib.sha256(session_id.encode()).hexdigest()[:16]
    assert all(f"<sessionHash:{expected}>" in line for line in lines)
