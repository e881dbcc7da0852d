"""With tracing on, the chat API's X-Ray documents show the request and its Lex call, and never
the user's words, Lex's answer or the session id.

The app the template names runs in a fresh interpreter "in Lambda" (tests/support/xray_daemon.py)
with the template's environment, against the fake Lex V2 runtime on loopback; the X-Ray SDK's real
UDP emitter sends to a stand-in daemon on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lex_emulator.cfn_template import load_template, resolve_function
from tests.fakes.fake_lex import FakeLex
from tests.support import events
from tests.support.session_ids import TEST_SESSION_KEY
from tests.support.xray_daemon import PARENT_ID, TRACE_ID, XRayDaemon, run_traced

pytest.importorskip("aws_xray_sdk")

ROOT = Path(__file__).resolve().parents[3]
CANARY_TEXT = "TRACE-CANARY 제주도 맛집 알려줘"


def _subsegments(documents: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield document
        yield from _subsegments(document.get("subsegments", []))


def test_the_trace_has_the_request_and_the_lex_call_and_no_user_data(tmp_path: Path) -> None:
    event = events.load_event("apiGatewayChatPost")
    body = json.loads(event["body"])
    body["text"] = CANARY_TEXT
    event["body"] = json.dumps(body, ensure_ascii=False)
    event["headers"]["Content-Length"] = str(len(event["body"].encode("utf-8")))
    with FakeLex() as lex, XRayDaemon() as daemon:
        overrides = {"LEX_BOT_ID": "LOCALBOTID", "LEX_BOT_ALIAS_ID": "TSTALIASID"}
        overrides["LEX_ENDPOINT_URL"] = lex.endpoint_url
        spec = resolve_function(
            load_template(ROOT / "template.yaml"),
            "ChatApiFunction",
            ROOT,
            env_overrides={"ChatApiFunction": overrides},
        )
        env = {**spec.environment, "SESSION_KEY": TEST_SESSION_KEY}
        answer = run_traced(ROOT / "chalice_app", "app", "app", event, env, daemon, tmp_path)
        documents = daemon.drain()
        (request,) = lex.requests
    assert answer["statusCode"] == 200, answer
    assert CANARY_TEXT in json.loads(answer["body"])["messages"][0]["content"]  # fake Lex echoes

    by_name = {d["name"]: d for d in _subsegments(documents)}
    handler = by_name["## chat_api"]
    assert handler["trace_id"] == TRACE_ID and handler["parent_id"] == PARENT_ID
    assert handler["annotations"] == {"ColdStart": True, "Service": "chat-api"}
    assert "metadata" not in handler
    lex_call = next(
        d for d in by_name.values() if d.get("aws", {}).get("operation") == "RecognizeText"
    )
    assert lex_call["parent_id"] == handler["id"] and lex_call["namespace"] == "aws"

    text = b"\n".join(daemon.raw).decode("utf-8")
    for private in (
        CANARY_TEXT,
        "TRACE-CANARY",
        json.dumps(CANARY_TEXT)[1:-1],  # as a JSON escape
        body["sessionId"],
        request.session_id,  # the Lex session id (the URL path is not recorded)
        TEST_SESSION_KEY,
    ):
        assert private not in text, private
