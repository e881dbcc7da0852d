"""No-I/O checks of the HTTP layer's pieces: routes vs botocore's model, header codec, env.json."""

from __future__ import annotations

import base64
import gzip
import json
import re

import pytest

from lex_emulator import http_server
from lex_emulator.env_vars import EnvVarsError, parse_env_vars
from lex_emulator.http_server import decode_lex_header, encode_lex_header
from tests.support.botocore_shapes import operation_model

OPERATIONS = [
    "RecognizeText",
    "PutSession",
    "GetSession",
    "DeleteSession",
    "RecognizeUtterance",
    "StartConversation",
]


def _example_path(request_uri: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: f"X{m.group(1)}1", request_uri)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_route_matches_botocores_request_uri_and_method(operation):
    http = operation_model(operation).http
    path = _example_path(http["requestUri"])
    matched = []
    for kind, pattern in http_server._ROUTES.items():
        match = pattern.match(path)
        if match and http_server._OPERATIONS.get((http["method"], kind)) == operation:
            matched.append(match.groupdict())
    assert matched == [
        {
            "botId": "XbotId1",
            "botAliasId": "XbotAliasId1",
            "localeId": "XlocaleId1",
            "sessionId": "XsessionId1",
        }
    ]


@pytest.mark.parametrize("operation", ["RecognizeText", "PutSession"])
def test_body_members_the_server_reads_are_the_models_body_members(operation):
    members = operation_model(operation).input_shape.members
    body = {n for n, s in members.items() if "location" not in s.serialization}
    assert (
        body
        == {
            "RecognizeText": {"text", "sessionState", "requestAttributes"},
            "PutSession": {"messages", "sessionState", "requestAttributes"},
        }[operation]
    )


def test_put_session_header_names_are_the_models():
    members = operation_model("PutSession").output_shape.members
    by_header = {s.serialization.get("name"): n for n, s in members.items()}
    headers = http_server._Handler._put_session_headers(
        {
            "sessionId": "s-1",
            "sessionState": {"dialogAction": {"type": "Close"}},
            "messages": [{"contentType": "PlainText", "content": "hi"}],
            "requestAttributes": {"a": "b"},
        },
        "text/plain; charset=utf-8",
    )
    assert {by_header[name] for name in headers} == {
        "contentType",
        "sessionId",
        "sessionState",
        "messages",
        "requestAttributes",
    }


def test_put_session_headers_leave_out_empty_values():
    headers = http_server._Handler._put_session_headers(
        {"sessionId": "s-1", "sessionState": {"intent": {"name": "X"}}, "messages": []},
        "text/plain; charset=utf-8",
    )
    assert "x-amz-lex-messages" not in headers
    assert "x-amz-lex-request-attributes" not in headers


def test_header_codec_is_gzip_then_base64_of_json():
    value = {"sessionAttributes": {"name": "홍길동"}, "n": [1, 2]}
    encoded = encode_lex_header(value)
    assert encoded.isascii()
    assert json.loads(gzip.decompress(base64.b64decode(encoded))) == value
    assert decode_lex_header(encoded) == value


def test_env_vars_are_normalised_to_strings():
    parsed = parse_env_vars(
        {
            "Parameters": {"A": 1, "B": True, "C": None},
            "FallbackFunction": {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"},
        }
    )
    assert parsed == {
        "Parameters": {"A": "1", "B": "true", "C": ""},
        "FallbackFunction": {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"},
    }


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([1, 2], "expected a JSON object"),
        ({"FallbackFunction": "x"}, "'FallbackFunction' must map"),
        ({"FallbackFunction": {"A": {"nested": 1}}}, "FallbackFunction.A must be"),
        ({"FallbackFunction": {"A": [1]}}, "got list"),
    ],
)
def test_bad_env_vars_name_the_problem(data, fragment):
    with pytest.raises(EnvVarsError, match=re.escape(fragment)):
        parse_env_vars(data, "env.json")


def test_redact_session_ids_hashes_each_session_segment() -> None:
    import hashlib

    from lex_emulator.http_server import redact_session_ids

    line = '"POST /bots/B/botAliases/A/botLocales/ko_KR/sessions/abc%3Ad/text HTTP/1.1" 200 -'
    redacted = redact_session_ids(line)
    assert "abc" not in redacted
    assert f"/sessions/<sessionHash:{hashlib.sha256(b'abc:d').hexdigest()[:16]}>/text" in redacted
    assert redact_session_ids("/health") == "/health"
