"""API key resolution: env var, then the secret, then a dummy for local servers, else not set."""

from __future__ import annotations

from typing import Any

import pytest

from llm_fallback.config import Settings
from llm_fallback.errors import LLMNotConfigured, LLMUnavailable
from llm_fallback.secrets import DUMMY_LOCAL_KEY, PLACEHOLDER, resolve_api_key

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-AbCdEf"


class FakeSecrets:
    """A Secrets Manager stand-in that records which ARNs were read."""

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self.value = value
        self.error = error
        self.calls: list[str] = []

    def __call__(self, arn: str) -> Any:
        self.calls.append(arn)
        if self.error is not None:
            raise self.error
        return self.value


def test_env_key_wins_and_the_secret_is_not_read() -> None:
    secrets = FakeSecrets("sk-from-secret")
    settings = Settings(api_key="sk-from-env", api_key_secret_arn=ARN)
    assert resolve_api_key(settings, secrets) == "sk-from-env"
    assert secrets.calls == []


@pytest.mark.parametrize("value", ["sk-from-secret", b"sk-from-secret", "  sk-from-secret\n"])
def test_secret_is_used_without_env_key(value: Any) -> None:
    secrets = FakeSecrets(value)
    assert resolve_api_key(Settings(api_key_secret_arn=ARN), secrets) == "sk-from-secret"
    assert secrets.calls == [ARN]


@pytest.mark.parametrize("value", [PLACEHOLDER, "", "   ", None, b"\xff\xfe"])
def test_placeholder_or_empty_secret_counts_as_unset(value: Any) -> None:
    with pytest.raises(LLMNotConfigured):
        resolve_api_key(Settings(api_key_secret_arn=ARN), FakeSecrets(value))
    settings = Settings(api_key_secret_arn=ARN, base_url="http://127.0.0.1:9/v1")
    assert resolve_api_key(settings, FakeSecrets(value)) == DUMMY_LOCAL_KEY


def test_placeholder_env_key_counts_as_unset() -> None:
    with pytest.raises(LLMNotConfigured):
        resolve_api_key(Settings(api_key=PLACEHOLDER), FakeSecrets())


def test_base_url_alone_gives_a_dummy_key() -> None:
    secrets = FakeSecrets("never read")
    assert resolve_api_key(Settings(base_url="http://127.0.0.1:11434/v1"), secrets) == (
        DUMMY_LOCAL_KEY
    )
    assert secrets.calls == []


def test_nothing_configured() -> None:
    with pytest.raises(LLMNotConfigured, match="OPENAI_API_KEY or OPENAI_BASE_URL"):
        resolve_api_key(Settings(), FakeSecrets())


def test_unreadable_secret_is_unavailable_and_names_no_secret() -> None:
    secrets = FakeSecrets(error=RuntimeError(f"AccessDenied for {ARN}"))
    with pytest.raises(LLMUnavailable) as info:
        resolve_api_key(Settings(api_key_secret_arn=ARN), secrets)
    assert ARN not in str(info.value)
    assert "RuntimeError" in str(info.value)


def test_settings_repr_hides_the_key() -> None:
    assert "sk-secret-value" not in repr(Settings(api_key="sk-secret-value"))
