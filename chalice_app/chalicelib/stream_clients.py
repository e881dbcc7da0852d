"""The streaming side's boto3 clients: DynamoDB (bindings) and the API Gateway Management API.

Each is created once per container and set of settings (``functools.lru_cache``) and handed to the
modules that call it (``stream_lookup``, ``stream_bindings``, ``stream_replies``), which own the
calls and their error translation; this module calls no operation itself.

* DynamoDB: botocore reads a local endpoint from its standard ``AWS_ENDPOINT_URL_DYNAMODB`` by
  itself (moto locally); no custom endpoint code. Timeouts are tight and there are at most two
  attempts: a slow table must not eat the chat API's 29 s (the chat API's own lookup tries once).
* Management API: ``endpoint_url`` is ``STREAM_MANAGEMENT_URL`` (the API's stage URL on AWS, the
  local gateway in ``make dev``), never anything a client sent.

With a loopback endpoint and no AWS credentials in the environment the clients sign with dummy
keys (local servers ignore signatures), as ``lex_client`` does for the emulator. Without a region
and with a local endpoint the region is ``us-east-1``.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from chalicelib.errors import StreamUnavailableError

__all__ = ["LOCAL_REGION", "dynamodb_client", "management_client", "reset_stream_clients"]

LOCAL_REGION = "us-east-1"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _is_loopback(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK_HOSTS


def _local_kwargs(endpoint_url: str | None, region: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if endpoint_url and _is_loopback(endpoint_url) and not os.environ.get("AWS_ACCESS_KEY_ID"):
        kwargs["aws_access_key_id"] = "local"
        kwargs["aws_secret_access_key"] = "local"  # noqa: S105 - not a secret
    chosen = region or (LOCAL_REGION if endpoint_url else None)
    if chosen:
        kwargs["region_name"] = chosen
    return kwargs


def dynamodb_client(region: str | None, timeout_seconds: float, max_attempts: int) -> Any:
    """The container's ``dynamodb`` client for these settings (``AWS_ENDPOINT_URL_DYNAMODB`` is
    honoured by botocore itself). Raises ``StreamUnavailableError`` if none can be made."""
    local = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    return _dynamodb(local or None, region, timeout_seconds, max_attempts)


@functools.lru_cache(maxsize=8)
def _dynamodb(
    local_endpoint: str | None, region: str | None, timeout_seconds: float, max_attempts: int
) -> Any:
    # ``local_endpoint`` is only part of the cache key: botocore reads it from the environment.
    import boto3

    with _creating("dynamodb"):
        session: Any = boto3.session.Session()
        return session.client(
            "dynamodb",
            config=_config(timeout_seconds, max_attempts),
            **_local_kwargs(local_endpoint, region),
        )


@functools.lru_cache(maxsize=8)
def management_client(endpoint_url: str, region: str | None) -> Any:
    """The container's ``apigatewaymanagementapi`` client for ``endpoint_url`` (2 s, two attempts).

    Raises ``StreamUnavailableError`` if none can be made."""
    import boto3

    with _creating("apigatewaymanagementapi"):
        session: Any = boto3.session.Session()
        return session.client(
            "apigatewaymanagementapi",
            endpoint_url=endpoint_url,
            config=_config(2.0, 2),
            **_local_kwargs(endpoint_url, region),
        )


def _config(timeout_seconds: float, max_attempts: int) -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=min(timeout_seconds, 1.0),
        read_timeout=timeout_seconds,
        retries={"total_max_attempts": max_attempts, "mode": "standard"},
    )


@contextlib.contextmanager
def _creating(service: str) -> Iterator[None]:
    from botocore.exceptions import BotoCoreError

    try:
        yield
    except (BotoCoreError, ValueError) as exc:  # NoRegionError, a malformed endpoint URL
        raise StreamUnavailableError(
            detail=f"cannot create the {service} client ({type(exc).__name__})"
        ) from exc


def reset_stream_clients() -> None:
    """Forget the cached clients (tests, or after the environment changed)."""
    _dynamodb.cache_clear()
    management_client.cache_clear()
