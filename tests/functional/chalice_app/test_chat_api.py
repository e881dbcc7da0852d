"""POST /chat and GET /health through chalice.test.Client, real boto3, a fake Lex over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import lex_client
from chalicelib.session_ids import SessionIds, session_hash
from lex_emulator.cfn_template import import_handler
from tests.fakes.fake_lex import default_response
from tests.support.session_ids import TEST_SESSION_KEY, sign

#: A session id this server issued earlier (signed with the tests' key).
SID = sign("Qm9yTGV4U2Vzc2lvbjAwMQ")

HELLO_KO = {
    "messages": [
        {"content": "안녕하세요!", "contentType": "PlainText"},
        {"content": "이름이 무엇인가요?", "contentType": "PlainText"},
    ],
    "sessionState": {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "FirstName"},
        "intent": {
            "name": "HelloWorld",
            "slots": {"FirstName": None},
            "state": "InProgress",
            "confirmationState": "None",
        },
        "sessionAttributes": {},
    },
    "interpretations": [{"intent": {"name": "HelloWorld"}, "nluConfidence": {"score": 0.93}}],
    "sessionId": "s-1",
}


def error_of(body):
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}
    return body["error"]["code"]


def test_health_is_ok_without_calling_lex(client, fake_lex):
    response = client.http.get("/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok"}
    assert fake_lex.requests == []


def test_chat_passes_text_ids_and_locale_to_lex(post_chat, fake_lex):
    status, body, headers = post_chat(
        {"text": "  안녕\x00 ", "sessionId": SID, "localeId": "ko_KR"}
    )
    assert status == 200, body
    (sent,) = fake_lex.requests
    assert (sent.bot_id, sent.bot_alias_id, sent.locale_id, sent.session_id) == (
        "LOCALBOTID",
        "TSTALIASID",
        "ko_KR",
        SID,
    )
    assert sent.body == {"text": "안녕"}
    assert body["sessionId"] == SID
    assert headers.get("Cache-Control") == "no-store"


def test_designed_intent_returns_every_message_and_source_lex(post_chat, fake_lex):
    fake_lex.respond(HELLO_KO)
    status, body, _ = post_chat({"text": "안녕", "sessionId": SID})
    assert status == 200
    assert body == {
        "sessionId": SID,
        "messages": HELLO_KO["messages"],
        "intent": {"name": "HelloWorld", "state": "InProgress"},
        "dialogAction": "ElicitSlot",
        "source": "lex",
    }


def test_fallback_intent_is_source_llm_with_all_its_messages(post_chat, fake_lex):
    parts = [f"LLM answer part {i}" for i in range(1, 4)]

    def llm_answer(request):
        answer = default_response(request)
        answer["messages"] = [{"content": p, "contentType": "PlainText"} for p in parts]
        return answer

    fake_lex.respond(llm_answer)
    status, body, _ = post_chat(
        {"text": "What is the tallest mountain in Korea?", "localeId": "en_US"}
    )
    assert status == 200
    assert body["source"] == "llm"
    assert body["intent"] == {"name": "FallbackIntent", "state": "Fulfilled"}
    assert body["dialogAction"] == "Close"
    assert [m["content"] for m in body["messages"]] == parts


def test_missing_session_id_is_issued_returned_and_sent_to_lex(post_chat, fake_lex):
    _, first, _ = post_chat({"text": "hello"})
    _, second, _ = post_chat({"text": "hello"})
    assert first["sessionId"] != second["sessionId"]
    assert [r.session_id for r in fake_lex.requests] == [first["sessionId"], second["sessionId"]]
    issuer = SessionIds(TEST_SESSION_KEY.encode())
    for sid in (first["sessionId"], second["sessionId"]):
        assert sid.startswith("s1.") and len(sid) == 48
        assert issuer.is_valid(sid)


def test_an_issued_session_id_continues_the_same_lex_session(post_chat, fake_lex):
    _, first, _ = post_chat({"text": "안녕"})
    status, second, _ = post_chat({"text": "홍길동", "sessionId": first["sessionId"]})
    assert status == 200 and second["sessionId"] == first["sessionId"]
    assert [r.session_id for r in fake_lex.requests] == [first["sessionId"]] * 2


@pytest.mark.parametrize(
    "session_id",
    [
        "ab",
        "..",
        "0123456789abcdef0123456789abcdef",  # the old server's uuid4().hex shape
        "s1.Qm9yTGV4U2Vzc2lvbjAwMQ.AAAAAAAAAAAAAAAAAAAAAA",  # right shape, wrong MAC
        sign("Qm9yTGV4U2Vzc2lvbjAwMQ", key="a-key-this-server-never-had-0123456789"),
        sign("Qm9yTGV4U2Vzc2lvbjAwMQ")[:-1] + "x",  # tampered MAC
        "s1.Qm9yTGV4U2Vzc2lvbjAwMg" + SID[25:],  # tampered random part
        SID + "\n",
    ],
    ids=[
        "ab",
        "dots",
        "uuid-hex",
        "zero-mac",
        "other-key",
        "tampered-mac",
        "tampered-id",
        "newline",
    ],
)
def test_a_client_chosen_or_forged_session_id_is_400_and_never_reaches_lex(
    post_chat, fake_lex, session_id
):
    status, body, _ = post_chat({"text": "what did I tell you before?", "sessionId": session_id})
    assert (status, error_of(body)) == (400, "invalid_session_id")
    assert "without sessionId" in body["error"]["message"]
    assert fake_lex.requests == []


def test_ids_issued_under_another_key_are_refused(apply_template_env, fake_lex, tmp_path):
    """A dev-stack restart generates a new key: the page's stored id is then refused."""
    spec = apply_template_env(
        LEX_ENDPOINT_URL=fake_lex.endpoint_url, SESSION_KEY="the-next-runs-key-" + "k" * 20
    )
    status, body = _post_with(spec, tmp_path, {"text": "hello", "sessionId": SID})
    assert (status, error_of(body)) == (400, "invalid_session_id")
    assert fake_lex.requests == []


@pytest.mark.parametrize("session_key", ["", "too-short-key"])
def test_without_a_usable_session_key_the_api_is_503_not_configured(
    apply_template_env, fake_lex, tmp_path, capsys, session_key
):
    spec = apply_template_env(LEX_ENDPOINT_URL=fake_lex.endpoint_url, SESSION_KEY=session_key)
    status, body = _post_with(spec, tmp_path, {"text": "hello"})
    assert (status, error_of(body)) == (503, "not_configured")
    assert fake_lex.requests == []
    out = capsys.readouterr().out
    assert "SESSION_KEY" in out
    assert not session_key or session_key not in out


def test_default_locale_comes_from_the_template(post_chat, fake_lex):
    post_chat({"text": "hello"})
    assert fake_lex.requests[0].locale_id == "ko_KR"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "invalid_json"),
        (b"", "application/json", 400, "invalid_json"),
        (b"[1, 2]", "application/json", 400, "invalid_request"),
        (b'"just a string"', "application/json", 400, "invalid_request"),
        ({}, "application/json", 400, "invalid_text"),
        ({"text": ""}, "application/json", 400, "invalid_text"),
        ({"text": " \n\t "}, "application/json", 400, "invalid_text"),
        ({"text": "a" * 1025}, "application/json", 400, "invalid_text"),
        ({"text": 12}, "application/json", 400, "invalid_request"),
        ({"text": "hi", "sessionId": 12}, "application/json", 400, "invalid_request"),
        ({"text": "hi", "localeId": ["ko_KR"]}, "application/json", 400, "invalid_request"),
        ({"text": "hi", "sessionId": "x"}, "application/json", 400, "invalid_session_id"),
        ({"text": "hi", "sessionId": ""}, "application/json", 400, "invalid_session_id"),
        ({"text": "hi", "sessionId": "has space"}, "application/json", 400, "invalid_session_id"),
        ({"text": "hi", "localeId": "fr_FR"}, "application/json", 400, "unsupported_locale"),
        ({"text": "hi"}, "text/plain", 415, "unsupported_media_type"),
        ({"text": "hi"}, "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ({"text": "hi"}, None, 415, "unsupported_media_type"),
        ({"text": "hi", "pad": "x" * 17_000}, "application/json", 413, "payload_too_large"),
        (b"x" * 20_000, "text/plain", 413, "payload_too_large"),
    ],
)
def test_bad_requests_get_our_error_format_and_never_reach_lex(
    post_chat, fake_lex, body, content_type, status, code
):
    got_status, got_body, headers = post_chat(body, content_type=content_type)
    assert (got_status, error_of(got_body)) == (status, code)
    assert headers["Content-Type"] == "application/json"
    assert fake_lex.requests == []


def test_text_reaches_lex_in_nfc_without_invisible_characters(post_chat, fake_lex):
    import unicodedata

    status, _, _ = post_chat({"text": unicodedata.normalize("NFD", "안녕하세요") + "\u200b"})
    assert status == 200
    assert fake_lex.requests[0].text == "안녕하세요"


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u2060\ufeff\u200c", "\u200d", "\u3164"])
def test_invisible_only_text_is_400_invalid_text_and_never_reaches_lex(post_chat, fake_lex, text):
    status, body, _ = post_chat({"text": text})
    assert (status, error_of(body)) == (400, "invalid_text")
    assert fake_lex.requests == []


def test_text_of_exactly_1024_characters_is_accepted(post_chat, fake_lex):
    status, _, _ = post_chat({"text": "가" * 1024})
    assert status == 200
    assert fake_lex.requests[0].text == "가" * 1024


def test_wrong_method_is_405_in_our_format(client):
    response = client.http.get("/chat")
    assert response.status_code == 405
    assert error_of(json.loads(response.body)) == "method_not_allowed"
    assert response.headers.get("Allow") == "POST"


@pytest.mark.parametrize(
    ("lex_status", "error_type", "status", "code"),
    [
        (429, "ThrottlingException", 429, "lex_throttled"),
        (424, "DependencyFailedException", 502, "lex_dependency_failed"),
        (404, "ResourceNotFoundException", 502, "lex_misconfigured"),
        (403, "AccessDeniedException", 502, "lex_misconfigured"),
        (400, "ValidationException", 400, "lex_rejected_request"),
        (409, "ConflictException", 409, "lex_conflict"),
        (502, "BadGatewayException", 502, "lex_error"),
        (500, "InternalServerException", 502, "lex_error"),
    ],
)
def test_lex_errors_are_translated(post_chat, fake_lex, lex_status, error_type, status, code):
    fake_lex.fail(lex_status, error_type, f"{error_type} details for the log only")
    got_status, body, headers = post_chat({"text": "hello", "sessionId": SID})
    assert (got_status, error_of(body)) == (status, code)
    assert "details for the log only" not in body["error"]["message"]
    assert len(fake_lex.requests) == 1  # RecognizeText is never retried
    if status == 429:
        assert headers["Retry-After"] == "1"


def test_lex_details_go_to_the_log_not_the_response(post_chat, fake_lex, capsys):
    fake_lex.fail(403, "AccessDeniedException", "User is not authorized to perform lex:Recognize")
    post_chat({"text": "hello", "sessionId": SID})
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    (entry,) = [e for e in logged if e.get("code") == "lex_misconfigured"]
    assert "not authorized" in entry["detail"]
    assert entry["status"] == 502 and entry["sessionHash"] == session_hash(SID)


def test_lex_unreachable_is_503(apply_template_env, closed_port_url, tmp_path):
    spec = apply_template_env(LEX_ENDPOINT_URL=closed_port_url)
    status, body = _post_with(spec, tmp_path, {"text": "hello"})
    assert (status, error_of(body)) == (503, "lex_unreachable")


def test_connection_dropped_by_lex_is_503(post_chat, fake_lex):
    fake_lex.drop()
    status, body, _ = post_chat({"text": "hello"})
    assert (status, error_of(body)) == (503, "lex_unreachable")


def test_lex_read_timeout_is_504(apply_template_env, fake_lex, tmp_path):
    spec = apply_template_env(
        LEX_ENDPOINT_URL=fake_lex.endpoint_url, LEX_READ_TIMEOUT_SECONDS="0.3"
    )
    fake_lex.delay(3.0)
    status, body = _post_with(spec, tmp_path, {"text": "hello"})
    assert (status, error_of(body)) == (504, "lex_timeout")
    assert len(fake_lex.requests) == 1  # not retried


def test_missing_bot_id_is_503_not_configured(apply_template_env, fake_lex, tmp_path):
    spec = apply_template_env(LEX_ENDPOINT_URL=fake_lex.endpoint_url, LEX_BOT_ID="")
    status, body = _post_with(spec, tmp_path, {"text": "hello"})
    assert (status, error_of(body)) == (503, "not_configured")
    assert fake_lex.requests == []


def test_malformed_lex_answer_is_502(post_chat, fake_lex):
    fake_lex.respond({"messages": "not a list", "sessionState": {}})
    status, body, _ = post_chat({"text": "hello"})
    assert (status, error_of(body)) == (502, "lex_error")


def test_the_client_is_created_once_per_process_and_can_be_reset(post_chat, fake_lex):
    post_chat({"text": "one"})
    first = lex_client._cached
    post_chat({"text": "two"})
    assert lex_client._cached is first and first is not None
    lex_client.reset_lex_client()
    assert lex_client._cached is None
    post_chat({"text": "three"})
    assert lex_client._cached is not None and lex_client._cached[1] is not first[1]
    assert len(fake_lex.requests) == 3


def test_logs_are_json_and_never_contain_the_users_text_or_session_id(post_chat, fake_lex, capsys):
    secret_text = "my-private-question-7f3a"
    forged = sign("Rm9yZ2VkU2Vzc2lvbklkMDE", key="a-key-this-server-never-had-0123456789")
    post_chat({"text": secret_text, "sessionId": SID})
    post_chat({"text": secret_text, "sessionId": forged})
    _, issued, _ = post_chat({"text": secret_text})
    out = capsys.readouterr().out
    for never in (secret_text, SID, forged, issued["sessionId"]):
        assert never not in out
    entries = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    chat_entries = [e for e in entries if e.get("route") == "POST /chat"]
    assert [e.get("status") for e in chat_entries] == [200, 400, 200]
    assert not any("sessionId" in e for e in entries)
    ok, refused, new = chat_entries
    assert (
        ok["sessionHash"] == session_hash(SID)
        and ok["source"] == "llm"
        and ok["textLength"] == len(secret_text)
    )
    assert session_hash(forged) in refused["detail"]
    assert new["sessionHash"] == session_hash(issued["sessionId"]) and new["sessionIdGenerated"]


def _post_with(spec, tmp_path, body):
    """POST /chat to a freshly resolved app (for tests that change the env first)."""
    app: Any = import_handler(spec)
    with Client(app, project_dir=str(tmp_path)) as client:
        response = client.http.post(
            "/chat", headers={"Content-Type": "application/json"}, body=json.dumps(body).encode()
        )
    return response.status_code, json.loads(response.body)
