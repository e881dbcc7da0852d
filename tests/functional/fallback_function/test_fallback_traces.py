"""With tracing on, the fallback's X-Ray documents show the handler and its Secrets Manager call,
and never the user's words, the LLM's answer, the session id or the key.

The handler runs in a fresh interpreter "in Lambda" (tests/support/xray_daemon.py) against moto's
Secrets Manager and the fake OpenAI server on loopback; the X-Ray SDK's real UDP emitter sends to a
stand-in daemon on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.fakes.fake_management_api import FakeManagementApi
from tests.fakes.fake_openai import FakeOpenAI
from tests.support import events
from tests.support.xray_daemon import PARENT_ID, TRACE_ID, XRayDaemon, run_traced

pytest.importorskip("aws_xray_sdk")

ROOT = Path(__file__).resolve().parents[3]
API_KEY = "sk-traced-DO-NOT-LEAK-2b81c4"
REPLY = "TRACE-CANARY reply: 약 2시간 30분 걸려요."


@pytest.fixture(scope="module")
def secrets_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _subsegments(documents: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield document
        yield from _subsegments(document.get("subsegments", []))


def test_the_trace_has_the_handler_and_the_secret_call_and_no_user_data(
    secrets_endpoint: str, tmp_path: Path
) -> None:
    client = boto3.client(
        "secretsmanager",
        endpoint_url=secrets_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    arn = client.create_secret(Name="traced-openai-key", SecretString=API_KEY)["ARN"]
    event = events.load_event("lexV2FallbackKo")
    with FakeOpenAI() as llm, XRayDaemon() as daemon:
        llm.set_behavior("ok", reply=REPLY)
        env = {
            "OPENAI_API_KEY_SECRET_ARN": arn,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": secrets_endpoint,
            "OPENAI_BASE_URL": llm.base_url,
            "POWERTOOLS_SERVICE_NAME": "lex-fallback",
        }
        answer = run_traced(
            ROOT / "fallback_function", "handler", "lambda_handler", event, env, daemon, tmp_path
        )
        documents = daemon.drain()
    assert answer["messages"][0]["content"] == REPLY  # the turn really went through the LLM

    by_name = {d["name"]: d for d in _subsegments(documents)}
    handler = by_name["## lambda_handler"]
    assert handler["trace_id"] == TRACE_ID and handler["parent_id"] == PARENT_ID
    assert handler["annotations"] == {"ColdStart": True, "Service": "lex-fallback"}
    assert "metadata" not in handler
    secret = by_name["secretsmanager"]  # the SDK's botocore patch: one subsegment per call
    assert secret["parent_id"] == handler["id"]
    assert secret["aws"]["operation"] == "GetSecretValue" and secret["namespace"] == "aws"

    raw = b"\n".join(daemon.raw)
    text = raw.decode("utf-8")
    for secret_value in (
        event["inputTranscript"],
        json.dumps(event["inputTranscript"])[1:-1],  # as a JSON escape
        "TRACE-CANARY",
        event["sessionId"],
        API_KEY,
    ):
        assert secret_value not in text, secret_value


def test_a_streamed_turn_traces_its_posts_without_the_connection_or_the_text(
    tmp_path: Path,
) -> None:
    """The posts run on the sender thread: they still land in the trace (the botocore patch),
    and neither the connection id nor the streamed words are in it."""
    event = events.load_event("lexV2FallbackStreamTurn")
    connection = event["requestAttributes"]["llmStreamConnection"]
    with FakeOpenAI() as llm, FakeManagementApi() as api, XRayDaemon() as daemon:
        api.open_connection(connection)
        llm.set_behavior("ok", reply=REPLY)
        env = {
            "OPENAI_API_KEY": API_KEY,
            "OPENAI_BASE_URL": llm.base_url,
            "POWERTOOLS_SERVICE_NAME": "lex-fallback",
            "STREAM_MANAGEMENT_URL": api.endpoint_url,
        }
        answer = run_traced(
            ROOT / "fallback_function", "handler", "lambda_handler", event, env, daemon, tmp_path
        )
        documents = daemon.drain()
        frames = api.frames(connection)
    assert answer["messages"][0]["content"] == REPLY
    assert "".join(f["text"] for f in frames if f["type"] == "chunk") == REPLY
    posts = [
        d
        for d in _subsegments(documents)
        if d.get("aws", {}).get("operation") == "PostToConnection"
    ]
    assert len(posts) == len(frames)
    assert all(d["trace_id"] == TRACE_ID for d in posts)
    text = b"\n".join(daemon.raw).decode("utf-8")
    for secret_value in (connection, "TRACE-CANARY", event["sessionId"], API_KEY):
        assert secret_value not in text, secret_value
