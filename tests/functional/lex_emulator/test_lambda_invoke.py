"""The emulator's Lambda Invoke path (``--lambda-endpoint``) against a real HTTP Invoke endpoint.

A small local server speaks the Lambda Invoke REST API (``POST /2015-03-31/functions/NAME/
invocations``; https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), so boto3's real
``lambda`` client is used end to end. Every failure must map exactly as an in-process hook's does.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lex_emulator import LexEmulator
from lex_emulator.cfn_template import FunctionSpec
from lex_emulator.code_hook import CodeHookRunner
from lex_emulator.errors import DependencyFailedException
from lex_emulator.lambda_invoke import remote_handler_loader

ROOT = Path(__file__).resolve().parents[3]
CLOSE = {
    "sessionState": {
        "dialogAction": {"type": "Close"},
        "intent": {"name": "FallbackIntent", "state": "Fulfilled"},
    },
    "messages": [{"contentType": "PlainText", "content": "from the invoke endpoint"}],
}


class FakeLambda(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLambda

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = self.path.split("/functions/", 1)[1].split("/", 1)[0]
        self.server.calls.append((name, body))
        mode = self.server.mode
        headers: dict[str, str] = {}
        status = 200
        if mode == "ok":
            payload = json.dumps(CLOSE).encode()
        elif mode == "function_error":
            headers["X-Amz-Function-Error"] = "Unhandled"
            payload = json.dumps({"errorType": "RuntimeError", "errorMessage": "boom"}).encode()
        elif mode == "not_json":
            payload = b"<html>nope</html>"
        elif mode == "invalid":
            payload = json.dumps({"sessionState": {}}).encode()
        elif mode == "missing":
            status = 404
            headers["X-Amzn-ErrorType"] = "ResourceNotFoundException"
            payload = json.dumps(
                {"Type": "User", "message": f"Function not found: {name}"}
            ).encode()
        else:  # slow
            time.sleep(3)
            payload = json.dumps(CLOSE).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_lambda():
    server = FakeLambda()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _runner(url: str, timeout: float = 5.0) -> CodeHookRunner:
    spec = FunctionSpec(logical_id="FallbackFunction", code_uri=ROOT, handler="handler.x")
    return CodeHookRunner(
        spec, clock=time.monotonic, timeout_seconds=timeout, loader=remote_handler_loader(url)
    )


def test_a_valid_answer_comes_back_and_the_function_is_named_by_its_logical_id(fake_lambda):
    answer = _runner(fake_lambda.url).invoke({"messageVersion": "1.0", "inputTranscript": "hi"})
    assert answer == CLOSE
    assert fake_lambda.calls == [
        ("FallbackFunction", {"messageVersion": "1.0", "inputTranscript": "hi"})
    ]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("function_error", "Received error response from Lambda: Unhandled"),
        (
            "not_json",
            "Invalid Lambda Response: Received invalid response from Lambda: expected a JSON object",
        ),
        (
            "invalid",
            "Invalid Lambda Response: Received invalid response from Lambda: sessionState.dialogAction",
        ),
        ("missing", "ResourceNotFoundException"),
    ],
)
def test_failures_are_dependency_failed(fake_lambda, mode, expected):
    fake_lambda.mode = mode
    with pytest.raises(DependencyFailedException) as info:
        _runner(fake_lambda.url).invoke({"messageVersion": "1.0"})
    assert expected in str(info.value)
    if mode == "function_error":
        assert "RuntimeError: boom" in str(info.value)


def test_a_slow_function_times_out_at_the_hook_timeout(fake_lambda):
    fake_lambda.mode = "slow"
    started = time.monotonic()
    with pytest.raises(DependencyFailedException, match="timed out after 1 seconds"):
        _runner(fake_lambda.url, timeout=1.0).invoke({"messageVersion": "1.0"})
    assert time.monotonic() - started < 2.5


def test_an_unreachable_endpoint_is_dependency_failed():
    # A port that was free a moment ago: nothing listens there.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DependencyFailedException, match="Received error response from Lambda"):
        _runner(f"http://127.0.0.1:{port}").invoke({"messageVersion": "1.0"})


def test_the_emulator_routes_fallback_turns_through_the_invoke_api(fake_lambda):
    emulator = LexEmulator.from_template(ROOT / "template.yaml", lambda_endpoint=fake_lambda.url)
    out = emulator.recognize_text(
        bot_id="LOCALBOTID",
        bot_alias_id="TSTALIASID",
        locale_id="en_US",
        session_id="invoke-api-1",
        text="what is the capital of peru",
    )
    assert out["messages"][0]["content"] == "from the invoke endpoint"
    name, event = fake_lambda.calls[-1]
    assert name == "FallbackFunction"
    assert event["invocationSource"] == "FulfillmentCodeHook"
    assert event["sessionState"]["intent"]["name"] == "FallbackIntent"
