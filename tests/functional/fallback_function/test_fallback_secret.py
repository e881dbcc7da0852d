"""The API key from Secrets Manager, through Powertools Parameters, against moto's server on
loopback: the real AWS protocol, reached through botocore's standard
AWS_ENDPOINT_URL_SECRETS_MANAGER variable (and the legacy spelling the contract first used)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from llm_fallback.messages import Notice, notice_text
from llm_fallback.secrets import PLACEHOLDER
from tests.fakes.fake_openai import FakeOpenAI
from tests.functional.fallback_function.conftest import FakeLambdaContext
from tests.support.lex_response_rules import assert_valid

SECRET_KEY = "sk-from-secrets-manager-7d41e0"


@pytest.fixture(scope="module")
def secrets_endpoint() -> Iterator[str]:
    """A moto Secrets Manager on 127.0.0.1."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, secrets_endpoint: str) -> str:
    """Fake credentials and the local endpoint; returns the endpoint."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return secrets_endpoint


def create_secret(endpoint: str, name: str, value: str) -> str:
    client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
    arn: str = client.create_secret(Name=name, SecretString=value)["ARN"]
    return arn


def put_secret(endpoint: str, arn: str, value: str) -> None:
    client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
    client.put_secret_value(SecretId=arn, SecretString=value)


def invoke(handler: Any, event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = handler(event, FakeLambdaContext(25.0))
    assert_valid(answer)
    return answer


@pytest.mark.parametrize(
    "endpoint_variable", ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_SECRETSMANAGER"]
)
def test_key_comes_from_the_secret_and_is_cached(
    endpoint_variable: str,
    configure: Any,
    aws_env: str,
    llm: FakeOpenAI,
    load_event: Any,
    logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
) -> None:
    arn = create_secret(aws_env, f"openai-key-cached-{endpoint_variable}", SECRET_KEY)
    handler = configure(
        OPENAI_API_KEY_SECRET_ARN=arn, OPENAI_BASE_URL=llm.base_url, **{endpoint_variable: aws_env}
    )
    first = invoke(handler, load_event("lexV2FallbackEn"))
    assert first["sessionState"]["intent"]["state"] == "Fulfilled"
    put_secret(aws_env, arn, "sk-rotated-but-not-yet-seen")
    invoke(handler, load_event("lexV2FallbackKo"))
    # Both calls carried the first value: Powertools served the second from its cache.
    assert llm.authorizations == [f"Bearer {SECRET_KEY}"] * 2
    out, err = capfd.readouterr()
    for text in (logs.getvalue(), out, err, json.dumps(first)):
        assert SECRET_KEY not in text


def test_placeholder_secret_without_base_url_is_not_configured(
    configure: Any, aws_env: str, load_event: Any
) -> None:
    arn = create_secret(aws_env, "openai-key-placeholder", PLACEHOLDER)
    handler = configure(OPENAI_API_KEY_SECRET_ARN=arn, AWS_ENDPOINT_URL_SECRETS_MANAGER=aws_env)
    answer = invoke(handler, load_event("lexV2FallbackEn"))
    assert [m["content"] for m in answer["messages"]] == [
        notice_text(Notice.NOT_CONFIGURED, "en_US")
    ]


def test_env_key_wins_over_the_secret(
    configure: Any, aws_env: str, llm: FakeOpenAI, load_event: Any
) -> None:
    arn = create_secret(aws_env, "openai-key-shadowed", SECRET_KEY)
    handler = configure(
        OPENAI_API_KEY="sk-env-key",
        OPENAI_API_KEY_SECRET_ARN=arn,
        OPENAI_BASE_URL=llm.base_url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER=aws_env,
    )
    invoke(handler, load_event("lexV2FallbackEn"))
    assert llm.authorizations == ["Bearer sk-env-key"]


def test_missing_secret_is_a_friendly_answer(
    configure: Any, aws_env: str, llm: FakeOpenAI, load_event: Any, logs: io.StringIO
) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf"
    handler = configure(
        OPENAI_API_KEY_SECRET_ARN=arn,
        OPENAI_BASE_URL=llm.base_url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER=aws_env,
    )
    answer = invoke(handler, load_event("lexV2FallbackKo"))
    assert [m["content"] for m in answer["messages"]] == [notice_text(Notice.UNAVAILABLE, "ko_KR")]
    assert llm.requests == []
    assert "cannot read the API key secret" in logs.getvalue()
