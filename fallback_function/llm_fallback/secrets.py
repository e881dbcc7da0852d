"""Where the OpenAI API key comes from, in the order docs/contracts.md pins:

1. ``OPENAI_API_KEY`` (local runs);
2. the Secrets Manager secret named by ``OPENAI_API_KEY_SECRET_ARN`` (a plain string), fetched with
   Powertools Parameters and cached for ``SECRET_MAX_AGE_SECONDS``; the template's placeholder
   ``REPLACE_WITH_OPENAI_API_KEY`` or an empty value counts as unset;
3. when ``OPENAI_BASE_URL`` is set, a dummy key (local OpenAI-compatible servers ignore it);
4. otherwise ``LLMNotConfigured``.

The key is returned to the caller and nowhere else: it is never logged or put in an exception.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from llm_fallback.config import Settings
from llm_fallback.errors import LLMNotConfigured, LLMUnavailable

__all__ = [
    "DUMMY_LOCAL_KEY",
    "PLACEHOLDER",
    "SECRET_MAX_AGE_SECONDS",
    "SecretFetcher",
    "clear_secret_cache",
    "fetch_secret_with_powertools",
    "resolve_api_key",
]

PLACEHOLDER = "REPLACE_WITH_OPENAI_API_KEY"
DUMMY_LOCAL_KEY = "sk-local-no-key-needed"
SECRET_MAX_AGE_SECONDS = 300

SecretFetcher = Callable[[str], Any]
"""Takes a secret ARN, returns its value (str or bytes); may raise anything on failure."""


STANDARD_ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_SECRETS_MANAGER"
LEGACY_ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_SECRETSMANAGER"
"""The name docs/contracts.md first gave; botocore itself only reads the standard one."""


@functools.lru_cache(maxsize=4)
def _provider_for(endpoint_url: str | None) -> Any:
    """One Powertools SecretsProvider (and its cache) per endpoint, on a client with tight timeouts.

    botocore's defaults (60 s connect/read, retries) would let a slow Secrets Manager eat the whole
    code-hook budget and turn a friendly notice into a DependencyFailed from Lex.
    """
    import boto3
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    config = Config(
        connect_timeout=2,
        read_timeout=3,
        retries={"total_max_attempts": 2, "mode": "standard"},
    )
    client = boto3.client("secretsmanager", endpoint_url=endpoint_url, config=config)
    return SecretsProvider(boto3_client=client)


def fetch_secret_with_powertools(arn: str) -> Any:
    """Powertools Parameters: one GetSecretValue per ``SECRET_MAX_AGE_SECONDS`` per container.

    botocore reads a local endpoint from ``AWS_ENDPOINT_URL_SECRETS_MANAGER`` by itself; the
    legacy ``AWS_ENDPOINT_URL_SECRETSMANAGER`` is honoured too, so either spelling reaches moto.
    """
    legacy = os.environ.get(LEGACY_ENDPOINT_VARIABLE, "").strip()
    endpoint = legacy if legacy and not os.environ.get(STANDARD_ENDPOINT_VARIABLE) else None
    return _provider_for(endpoint).get(arn, max_age=SECRET_MAX_AGE_SECONDS)


def clear_secret_cache() -> None:
    """Forget cached secrets (tests, or after rotating the key in a warm container)."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # type: ignore[no-untyped-call]
    _provider_for.cache_clear()


def _usable(value: Any) -> str:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return ""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return "" if value == PLACEHOLDER else value


def resolve_api_key(
    settings: Settings, fetch_secret: SecretFetcher = fetch_secret_with_powertools
) -> str:
    """The key to use, or ``LLMNotConfigured``; ``LLMUnavailable`` when the secret can't be read."""
    key = _usable(settings.api_key)
    if key:
        return key
    if settings.api_key_secret_arn:
        try:
            secret = fetch_secret(settings.api_key_secret_arn)
        except Exception as exc:
            # The secret's text is never in these errors, but we keep only the class name anyway.
            raise LLMUnavailable(f"cannot read the API key secret ({type(exc).__name__})") from exc
        key = _usable(secret)
        if key:
            return key
    if settings.base_url:
        return DUMMY_LOCAL_KEY
    raise LLMNotConfigured(
        "no API key: set OPENAI_API_KEY or OPENAI_BASE_URL, or put the key in the secret"
    )
