"""The session-id key from Secrets Manager, as deployed: the template's SESSION_KEY_SECRET_ARN read
with real boto3 from moto's server on loopback (botocore's AWS_ENDPOINT_URL_SECRETS_MANAGER)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto.server import ThreadedMotoServer

from chalicelib.session_ids import SessionIds
from chalicelib.session_key import secrets_manager_client
from lex_emulator.cfn_template import import_handler

GENERATED_KEY = "Zx8" * 21 + "q"  # 64 characters, like the template's GenerateSecretString


@pytest.fixture(scope="module")
def secrets_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def secret_env(apply_template_env, fake_lex, secrets_endpoint, monkeypatch):
    """ChatApiFunction with SESSION_KEY unset and its secret in moto; returns (spec, arn, client)."""

    def configure(secret_value: str | None):
        sm = boto3.client(
            "secretsmanager",
            endpoint_url=secrets_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        name = f"SessionKeySecret-{id(monkeypatch)}-{secret_value is None}"
        if secret_value is None:
            arn = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}-AbCdEf"
        else:
            arn = sm.create_secret(Name=name, SecretString=secret_value)["ARN"]
        spec = apply_template_env(
            LEX_ENDPOINT_URL=fake_lex.endpoint_url,
            SESSION_KEY="",
            SESSION_KEY_SECRET_ARN=arn,
            AWS_REGION="us-east-1",
        )
        monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets_endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        return spec, arn, sm

    return configure


def post(client: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.http.post(
        "/chat", headers={"Content-Type": "application/json"}, body=json.dumps(body).encode()
    )
    return response.status_code, json.loads(response.body)


def test_ids_are_signed_with_the_secret_which_is_read_once_and_cached(
    secret_env, fake_lex, tmp_path
):
    spec, arn, sm = secret_env(GENERATED_KEY)
    assert spec.environment["SESSION_KEY_SECRET_ARN"] == arn
    with Client(import_handler(spec), project_dir=str(tmp_path)) as client:
        status, first = post(client, {"text": "안녕"})
        assert status == 200
        assert SessionIds(GENERATED_KEY.encode()).is_valid(first["sessionId"])
        client_before = secrets_manager_client("us-east-1")
        sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
        # Cached: the next turns need no Secrets Manager call (the secret is gone now).
        for _ in range(3):
            status, again = post(client, {"text": "홍길동", "sessionId": first["sessionId"]})
            assert status == 200, again
        assert secrets_manager_client("us-east-1") is client_before  # one client per container
    assert len(fake_lex.requests) == 4


def test_an_unreadable_secret_is_503_and_never_reaches_lex(secret_env, fake_lex, tmp_path, capsys):
    spec, _, _ = secret_env(None)  # the ARN names no secret
    with Client(import_handler(spec), project_dir=str(tmp_path)) as client:
        status, body = post(client, {"text": "hello"})
    assert (status, body["error"]["code"]) == (503, "service_unavailable")
    assert fake_lex.requests == []
    entry = next(json.loads(line) for line in capsys.readouterr().out.splitlines() if "503" in line)
    assert "ResourceNotFoundException" in entry["detail"] or "ClientError" in entry["detail"]
