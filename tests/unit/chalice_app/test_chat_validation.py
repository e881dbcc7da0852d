"""Request checks: body size, Content-Type, JSON shape and each field."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.config import MAX_BODY_BYTES, Settings
from chalicelib.errors import (
    InvalidJsonError,
    InvalidRequestError,
    InvalidSessionIdError,
    InvalidTextError,
    PayloadTooLargeError,
    UnsupportedLocaleError,
    UnsupportedMediaTypeError,
)
from chalicelib.session_ids import SessionIds
from chalicelib.validation import (
    check_content_type,
    clean_text,
    parse_chat_request,
    read_body,
    text_length,
)
from tests.support.session_ids import TEST_SESSION_KEY, sign

SETTINGS = Settings(bot_id="LOCALBOTID", bot_alias_id="TSTALIASID")
SESSIONS = SessionIds(TEST_SESSION_KEY.encode())
SID = sign("VmFsaWRhdGlvblRlc3QwMDE")


def parse(body: object, settings: Settings = SETTINGS, sessions: SessionIds = SESSIONS):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_chat_request(raw, settings, sessions=sessions)


def test_valid_request_keeps_its_fields():
    req = parse({"text": "안녕", "sessionId": SID, "localeId": "en_US"})
    assert (req.text, req.session_id, req.locale_id) == ("안녕", SID, "en_US")
    assert req.session_id_generated is False


def test_missing_session_id_is_issued_and_flagged():
    req = parse({"text": "hi"})
    assert SESSIONS.is_valid(req.session_id)
    assert req.session_id_generated is True


def test_locale_defaults_to_settings_default():
    settings = Settings(bot_id="LOCALBOTID", bot_alias_id="TSTALIASID", default_locale="en_US")
    assert parse(b'{"text": "hi"}', settings).locale_id == "en_US"


def test_null_optional_fields_count_as_absent():
    req = parse({"text": "hi", "sessionId": None, "localeId": None})
    assert req.session_id_generated and req.locale_id == "ko_KR"


def test_unknown_fields_are_ignored():
    assert parse({"text": "hi", "clientVersion": 3, "extra": {"a": 1}}).text == "hi"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  hello  ", "hello"),
        ("a\x00b\x07c", "abc"),
        ("line1\nline2\tend", "line1\nline2\tend"),
        ("\r\n x \u0085", "x"),
        ("\x1b[31mred", "[31mred"),
        ("\u200dzwj kept", "\u200dzwj kept"),
        ("lone \ud800 surrogate", "lone  surrogate"),
    ],
)
def test_clean_text_drops_controls_but_keeps_newlines_and_tabs(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   "}, {"text": "\x00\x01\n\t "}, {"text": None}],
    ids=["missing", "empty", "spaces", "controls-only", "null"],
)
def test_missing_or_empty_text_is_invalid_text(body):
    with pytest.raises(InvalidTextError):
        parse(body)


def test_text_length_limit_is_1024_after_cleaning():
    assert len(parse({"text": "a" * 1024}).text) == 1024
    assert len(parse({"text": "  " + "a" * 1024 + "\x00\x00  "}).text) == 1024
    with pytest.raises(InvalidTextError):
        parse({"text": "a" * 1025})


def test_text_length_counts_utf16_units_like_the_page():
    assert text_length("😀") == 2
    assert text_length("한국어") == 3
    parse({"text": "😀" * 512})
    with pytest.raises(InvalidTextError):
        parse({"text": "😀" * 513})


@pytest.mark.parametrize("field", ["text", "sessionId", "localeId"])
@pytest.mark.parametrize("value", [1, 1.5, True, ["a"], {"a": "b"}])
def test_non_string_fields_are_invalid_request(field, value):
    body = {"text": "hi", field: value}
    with pytest.raises(InvalidRequestError) as info:
        parse(body)
    assert info.value.code == "invalid_request"
    assert field in info.value.message


@pytest.mark.parametrize(
    "session_id",
    [
        "a",
        "x" * 101,
        "has space",
        "slash/inside",
        "ünïcode",
        "semi;colon",
        "",
        # Lex-valid ids a client could choose: all refused now.
        "ab",
        "..",
        "x" * 100,
        "A-b_c.d:e",
        "0123456789",
    ],
)
def test_ids_this_server_did_not_issue_are_refused(session_id):
    with pytest.raises(InvalidSessionIdError) as info:
        parse({"text": "hi", "sessionId": session_id})
    assert "without sessionId" in info.value.message


@pytest.mark.parametrize("locale", ["fr_FR", "ko-KR", "ko_kr", "", "KO_KR"])
def test_unknown_locale_is_refused_and_message_lists_the_allowed_ones(locale):
    with pytest.raises(UnsupportedLocaleError) as info:
        parse({"text": "hi", "localeId": locale})
    assert "ko_KR" in info.value.message and "en_US" in info.value.message


@pytest.mark.parametrize(
    "raw",
    [b"", b"   ", b"{", b"not json", b"{'text': 'hi'}", b"\xff\xfe{}", b"[" * 5000],
    ids=["empty", "blank", "truncated", "words", "single-quotes", "not-utf8", "deep-nesting"],
)
def test_non_json_bodies_are_invalid_json(raw):
    with pytest.raises(InvalidJsonError):
        parse(raw)


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null", b'[{"text": "hi"}]'])
def test_json_that_is_not_an_object_is_invalid_request(raw):
    with pytest.raises(InvalidRequestError) as info:
        parse(raw)
    assert info.value.code == "invalid_request"


def test_utf8_bom_is_tolerated():
    assert parse(b'\xef\xbb\xbf{"text": "hi"}').text == "hi"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"],
)
def test_json_content_types_are_accepted(content_type):
    check_content_type(content_type)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "*/*",
    ],
)
def test_other_content_types_are_unsupported(content_type):
    with pytest.raises(UnsupportedMediaTypeError):
        check_content_type(content_type)


def test_read_body_accepts_str_bytes_and_none():
    assert read_body('{"text": "안녕"}') == '{"text": "안녕"}'.encode()
    assert read_body(b"abc") == b"abc"
    assert read_body(None) == b""


def test_read_body_limit_is_16_kb_in_bytes():
    assert len(read_body("a" * MAX_BODY_BYTES)) == MAX_BODY_BYTES
    with pytest.raises(PayloadTooLargeError):
        read_body("a" * (MAX_BODY_BYTES + 1))
    # 6000 Korean characters are under 16 K characters but 18 000 bytes.
    with pytest.raises(PayloadTooLargeError):
        read_body("가" * 6000)
    with pytest.raises(PayloadTooLargeError):
        read_body(b"a" * (MAX_BODY_BYTES + 1))


def test_read_body_decodes_base64_and_checks_the_decoded_size():
    encoded = base64.b64encode(b'{"text": "hi"}').decode()
    assert read_body(encoded, is_base64=True) == b'{"text": "hi"}'
    assert len(read_body(base64.b64encode(b"a" * MAX_BODY_BYTES).decode(), is_base64=True)) == (
        MAX_BODY_BYTES
    )
    with pytest.raises(PayloadTooLargeError):
        read_body(base64.b64encode(b"a" * (MAX_BODY_BYTES + 1)).decode(), is_base64=True)


def test_read_body_with_broken_base64_is_invalid_json():
    with pytest.raises(InvalidJsonError):
        read_body("not base64!!", is_base64=True)
