"""Fixtures: fake Lex over HTTP -> template environment -> the app the template names -> client."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib.lex_client import reset_lex_client
from chalicelib.session_key import clear_session_key_cache
from lex_emulator.cfn_template import import_handler, load_template, resolve_function
from tests.fakes.fake_lex import FakeLex
from tests.support.session_ids import TEST_SESSION_KEY

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"
BOT_ID = "LOCALBOTID"
ALIAS_ID = "TSTALIASID"
_AWS_CREDENTIAL_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
)


@pytest.fixture
def fake_lex():
    """A fake Lex V2 runtime on 127.0.0.1, answering RecognizeText."""
    with FakeLex() as lex:
        yield lex


@pytest.fixture
def closed_port_url():
    """An http URL on loopback where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def apply_template_env(monkeypatch, tmp_path):
    """A function applying ChatApiFunction's template env plus env.json-like overrides.

    ``SESSION_KEY`` is the tests' key (the one events/ fixtures are signed with) unless overridden
    (``SESSION_KEY=""`` leaves it unset).
    """

    def apply(**overrides: str):
        template = load_template(TEMPLATE)
        ids = {"LEX_BOT_ID": BOT_ID, "LEX_BOT_ALIAS_ID": ALIAS_ID}
        session_key = overrides.pop("SESSION_KEY", TEST_SESSION_KEY)
        spec = resolve_function(
            template, "ChatApiFunction", ROOT, env_overrides={"ChatApiFunction": ids | overrides}
        )
        for name in _AWS_CREDENTIAL_VARS:
            monkeypatch.delenv(name, raising=False)
        # No ~/.aws files: the loopback endpoint must work without any AWS setup.
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
        monkeypatch.delenv("AWS_REGION", raising=False)
        monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
        for name, value in spec.environment.items():
            monkeypatch.setenv(name, value)
        if session_key:
            monkeypatch.setenv("SESSION_KEY", session_key)
        else:
            monkeypatch.delenv("SESSION_KEY", raising=False)
        reset_lex_client()
        clear_session_key_cache()
        return spec

    yield apply
    reset_lex_client()
    clear_session_key_cache()


@pytest.fixture
def chat_spec(apply_template_env, fake_lex):
    """ChatApiFunction as the template defines it, pointed at the fake Lex."""
    return apply_template_env(LEX_ENDPOINT_URL=fake_lex.endpoint_url)


@pytest.fixture
def chalice_app(chat_spec):
    """The object the template names as the handler (``app.app``)."""
    return import_handler(chat_spec)


@pytest.fixture
def client(chalice_app, tmp_path):
    """chalice.test.Client with no .chalice config, so only the template's env applies."""
    with Client(chalice_app, project_dir=str(tmp_path)) as test_client:
        yield test_client


@pytest.fixture
def post_chat(client):
    """POST /chat with a JSON body (or raw bytes) -> (status, parsed JSON body, headers)."""

    def post(body, content_type: str | None = "application/json", headers=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        all_headers = dict(headers or {})
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        response = client.http.post("/chat", headers=all_headers, body=raw)
        return response.status_code, json.loads(response.body), response.headers

    return post


# ---------------------------------------------------------------- /stream (issue 12)
@pytest.fixture(scope="session")
def moto_dynamodb():
    """moto's server on 127.0.0.1 (DynamoDB over real HTTP), for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def management_api():
    """A tiny Management API (POST /stream/@connections/{id}) recording what is posted."""
    from tests.functional.chalice_app.stream_support import FakeManagementApi

    with FakeManagementApi() as api:
        yield api


@pytest.fixture
def bindings_table(moto_dynamodb, request):
    """A fresh bindings table in moto (template definition), its name."""
    import boto3

    from tests.functional.chalice_app.stream_support import create_bindings_table

    name = "bindings-" + request.node.name.replace("[", "-").replace("]", "")[:60]
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    client = boto3.client(
        "dynamodb",
        endpoint_url=moto_dynamodb,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    create_bindings_table(client, name)
    yield name
    client.delete_table(TableName=name)


@pytest.fixture
def stream_env(monkeypatch, tmp_path, moto_dynamodb, management_api, bindings_table):
    """StreamFunction's and ChatApiFunction's template env pointed at moto and the fake API."""
    from chalicelib.stream_clients import reset_stream_clients

    for name in _AWS_CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_dynamodb)
    reset_stream_clients()
    clear_session_key_cache()
    yield {
        "STREAM_BINDINGS_TABLE": bindings_table,
        "STREAM_MANAGEMENT_URL": management_api.url,
    }
    reset_stream_clients()
    clear_session_key_cache()


@pytest.fixture
def stream_events(stream_env, monkeypatch):
    """The StreamFunction handler the template names (``app.stream_events``), template env applied."""
    template = load_template(TEMPLATE)
    spec = resolve_function(
        template,
        "StreamFunction",
        ROOT,
        env_overrides={"StreamFunction": {**stream_env, "SESSION_KEY": TEST_SESSION_KEY}},
    )
    for name, value in spec.environment.items():
        monkeypatch.setenv(name, value)
    assert spec.handler == "app.stream_events"
    return import_handler(spec)
