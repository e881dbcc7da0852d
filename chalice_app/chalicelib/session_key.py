"""Where the session-id key comes from (docs/contracts.md):

1. ``SESSION_KEY`` (local runs: devstack generates one per run; tests pass their own);
2. the Secrets Manager secret named by ``SESSION_KEY_SECRET_ARN`` (the template's ``SessionKeySecret``,
   a generated plain string), read once per ``SECRET_MAX_AGE_SECONDS`` per container on one cached
   boto3 client with tight timeouts; when a refresh fails, the last good value keeps serving;
3. otherwise ``ConfigurationError`` (503 ``not_configured``): without a key no id can be checked.

The key is returned to the caller and nowhere else: it is never logged or put in an error. The
chat package carries only the part of Powertools that Metrics (and, with tracing, Tracer) imports,
not Parameters, so this module is the small cached read Powertools Parameters would otherwise give.

IAM: ``secretsmanager:GetSecretValue`` on that one secret.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from chalicelib.errors import ConfigurationError, SessionKeyUnavailableError
from chalicelib.logs import get_logger
from chalicelib.session_ids import MIN_KEY_CHARS, SessionIds

__all__ = [
    "SECRET_MAX_AGE_SECONDS",
    "KeySettings",
    "SecretCache",
    "clear_session_key_cache",
    "default_session_ids",
    "fetch_secret_with_boto3",
    "resolve_session_key",
    "secrets_manager_client",
]

SECRET_MAX_AGE_SECONDS = 300.0


class KeySettings(Protocol):
    """Where the key is configured: the chat API's ``Settings`` and ``StreamSettings`` both fit."""

    @property
    def session_key(self) -> str: ...
    @property
    def session_key_secret_arn(self) -> str: ...
    @property
    def region(self) -> str | None: ...


SecretFetcher = Callable[[str, str | None], str]
"""(secret ARN, region) -> the secret's string; may raise anything on failure."""


@functools.lru_cache(maxsize=4)
def secrets_manager_client(region: str | None) -> Any:
    """One ``secretsmanager`` client (and connection pool) per container and region.

    botocore reads a local endpoint from ``AWS_ENDPOINT_URL_SECRETS_MANAGER`` by itself. Its
    defaults (60 s timeouts, retries) would let a slow Secrets Manager eat API Gateway's 29 s.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=2, read_timeout=3, retries={"total_max_attempts": 2, "mode": "standard"}
    )
    return boto3.session.Session().client("secretsmanager", region_name=region, config=config)


def fetch_secret_with_boto3(arn: str, region: str | None = None) -> str:
    value = secrets_manager_client(region).get_secret_value(SecretId=arn).get("SecretString")
    if not isinstance(value, str):
        raise TypeError("the session key secret holds no SecretString")
    return value


class SecretCache:
    """Values by ARN for ``max_age`` seconds; a failed refresh serves the stale value and logs."""

    def __init__(
        self,
        fetch: SecretFetcher,
        *,
        max_age: float = SECRET_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, str]] = {}

    def get(self, arn: str, region: str | None = None) -> str:
        now = self._clock()
        cached = self._values.get(arn)
        if cached is not None and now - cached[0] < self._max_age:
            return cached[1]
        with self._lock:
            cached = self._values.get(arn)
            if cached is not None and now - cached[0] < self._max_age:
                return cached[1]
            try:
                value = self._fetch(arn, region)
            except Exception as exc:
                if cached is None:
                    raise SessionKeyUnavailableError(
                        detail=f"cannot read the session key secret ({type(exc).__name__})"
                    ) from exc
                get_logger().warning(
                    "session key refresh failed; using the cached key",
                    extra={"fields": {"cause": type(exc).__name__}},
                )
                self._values[arn] = (now, cached[1])
                return cached[1]
            self._values[arn] = (now, value)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def _usable(value: str, source: str) -> bytes:
    key = value.strip()
    if len(key) < MIN_KEY_CHARS:
        raise ConfigurationError(
            detail=f"{source} must be at least {MIN_KEY_CHARS} characters (got {len(key)})"
        )
    return key.encode("utf-8")


def resolve_session_key(settings: KeySettings, secrets: SecretCache) -> bytes:
    if settings.session_key:
        return _usable(settings.session_key, "SESSION_KEY")
    if settings.session_key_secret_arn:
        value = secrets.get(settings.session_key_secret_arn, settings.region)
        return _usable(value, "the session key secret")
    raise ConfigurationError(detail="set SESSION_KEY_SECRET_ARN (AWS) or SESSION_KEY (local)")


_CACHE = SecretCache(fetch_secret_with_boto3)


def default_session_ids(settings: KeySettings) -> SessionIds:
    """The container's ``SessionIds`` for these settings (the key read through ``_CACHE``)."""
    return SessionIds(resolve_session_key(settings, _CACHE))


def clear_session_key_cache() -> None:
    """Forget the cached secret and client (tests, or after rotating the key)."""
    _CACHE.clear()
    secrets_manager_client.cache_clear()
