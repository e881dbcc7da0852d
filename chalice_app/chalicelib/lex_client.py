"""The only module that calls Lex: the ``lexv2-runtime`` client and its error translation
(``session_key`` owns the other boto3 client, for Secrets Manager).

The client is created once per process, lazily, on the first request (``get_lex_runtime``) and
reused while the settings that shaped it stay the same; ``reset_lex_client`` forgets it (tests).

``RecognizeText`` advances the dialog, so it is never retried blindly: botocore runs with
``total_max_attempts=1`` and short connect/read timeouts that sit inside API Gateway's 29 s.

IAM: the function needs ``lex:RecognizeText`` on the bot alias it calls, i.e.
``arn:aws:lex:<region>:<account>:bot-alias/<LEX_BOT_ID>/<LEX_BOT_ALIAS_ID>``. SAM's template grants
exactly that; ``.chalice/policy-<stage>.json`` uses ``bot-alias/*/*`` because Chalice policy files
cannot reference the stack. Replace the ``*/*`` with your bot id and alias id to narrow it.

Error translation (botocore -> ``chalicelib.errors``):

==========================================  ================================
ThrottlingException                         LexThrottledError (429, Retry-After)
ValidationException                         LexRejectedError (400)
ConflictException                           LexConflictError (409)
DependencyFailedException                   LexDependencyFailedError (502)
ResourceNotFound, AccessDenied, no creds    LexConfigurationError (502, details logged only)
BadGateway, InternalServer, any other       LexServiceError (502)
EndpointConnection, SSL, ConnectionClosed   LexUnreachableError (503)
ReadTimeout, ConnectTimeout                 LexTimeoutError (504)
==========================================  ================================
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from chalicelib.config import Settings
from chalicelib.errors import (
    ConfigurationError,
    LexConfigurationError,
    LexConflictError,
    LexDependencyFailedError,
    LexError,
    LexRejectedError,
    LexServiceError,
    LexThrottledError,
    LexTimeoutError,
    LexUnreachableError,
)

__all__ = ["BotoLexRuntime", "create_boto3_client", "get_lex_runtime", "reset_lex_client"]

#: Sent with 429 when Lex gives no Retry-After of its own.
DEFAULT_RETRY_AFTER_SECONDS = 1
#: Region used only when an endpoint URL is set (the emulator) and no region is configured.
LOCAL_REGION = "us-east-1"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_CLIENT_ERRORS: dict[str, type[LexError]] = {
    "ThrottlingException": LexThrottledError,
    "ValidationException": LexRejectedError,
    "ConflictException": LexConflictError,
    "DependencyFailedException": LexDependencyFailedError,
    "ResourceNotFoundException": LexConfigurationError,
    "AccessDeniedException": LexConfigurationError,
    "BadGatewayException": LexServiceError,
    "InternalServerException": LexServiceError,
    "InternalFailure": LexServiceError,
}


class BotoLexRuntime:
    """``RecognizeText`` over a boto3 ``lexv2-runtime`` client, speaking our error tree."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def recognize_text(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        text: str,
        request_attributes: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if request_attributes:
            extra["requestAttributes"] = dict(request_attributes)
        try:
            response: dict[str, Any] = self._client.recognize_text(
                botId=bot_id,
                botAliasId=bot_alias_id,
                localeId=locale_id,
                sessionId=session_id,
                text=text,
                **extra,
            )
        except (ClientError, BotoCoreError) as exc:
            raise translate_error(exc) from exc
        except Exception as exc:
            # botocore's parsers fail with plain AttributeError/ValueError on malformed answers
            # (a broken emulator or proxy); that is Lex's side failing, not ours.
            raise LexServiceError(detail=f"unusable RecognizeText answer: {exc!r}") from exc
        return response


def translate_error(exc: ClientError | BotoCoreError) -> LexError:
    """Map one botocore exception to the project's ``LexError`` subclass."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error") or {}
        code = str(error.get("Code") or "Unknown")
        detail = f"{code}: {error.get('Message') or ''}".strip()
        cls = _CLIENT_ERRORS.get(code, LexServiceError)
        if cls is LexThrottledError:
            return LexThrottledError(
                detail=detail, headers={"Retry-After": _retry_after(exc.response)}
            )
        return cls(detail=detail)
    name = type(exc).__name__
    # Timeouts first: ConnectTimeoutError is also a ConnectionError.
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return LexTimeoutError(detail=name)
    # ConnectionError covers EndpointConnectionError (refused, DNS), SSLError and proxy errors.
    if isinstance(exc, BotocoreConnectionError | ConnectionClosedError):
        return LexUnreachableError(detail=f"{name}: {exc}")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return LexConfigurationError(detail=f"{name}: no AWS credentials for lexv2-runtime")
    if isinstance(exc, ParamValidationError):
        # Our validation runs first, so this points at configuration (e.g. a bot id).
        return LexConfigurationError(detail=f"{name}: {exc}")
    return LexServiceError(detail=f"{name}: {exc}")


def _retry_after(response: Mapping[str, Any]) -> str:
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    value = str(headers.get("retry-after") or "").strip()
    return value if value.isdigit() else str(DEFAULT_RETRY_AFTER_SECONDS)


def create_boto3_client(settings: Settings) -> Any:
    """A new ``lexv2-runtime`` client shaped by ``settings`` (no network call)."""
    config = Config(
        connect_timeout=settings.connect_timeout_seconds,
        read_timeout=settings.read_timeout_seconds,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )
    kwargs: dict[str, Any] = {"config": config}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
        if _is_loopback(settings.endpoint_url) and not _has_env_credentials():
            # A local emulator ignores signatures; don't make developers invent AWS keys.
            kwargs["aws_access_key_id"] = "local"
            kwargs["aws_secret_access_key"] = "local"  # noqa: S105 - not a secret
    region = settings.region or (LOCAL_REGION if settings.endpoint_url else None)
    if region:
        kwargs["region_name"] = region
    try:
        return boto3.session.Session().client("lexv2-runtime", **kwargs)
    except NoRegionError as exc:
        raise ConfigurationError(detail="set AWS_REGION (or AWS_DEFAULT_REGION)") from exc
    except ValueError as exc:  # e.g. a malformed endpoint URL
        raise ConfigurationError(detail=f"cannot create lexv2-runtime client: {exc}") from exc


def _is_loopback(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK_HOSTS


def _has_env_credentials() -> bool:
    return bool(os.environ.get("AWS_ACCESS_KEY_ID"))


def _client_key(settings: Settings) -> tuple[Any, ...]:
    return (
        settings.endpoint_url,
        settings.region,
        settings.connect_timeout_seconds,
        settings.read_timeout_seconds,
    )


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], BotoLexRuntime] | None = None


def get_lex_runtime(settings: Settings) -> BotoLexRuntime:
    """The process-wide client, created on first use (and again only if its settings change)."""
    global _cached
    key = _client_key(settings)
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, BotoLexRuntime(create_boto3_client(settings)))
        return _cached[1]


def reset_lex_client() -> None:
    """Forget the cached client, so the next request creates a new one (for tests)."""
    global _cached
    with _lock:
        _cached = None
