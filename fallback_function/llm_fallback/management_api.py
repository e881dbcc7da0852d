"""The API Gateway Management API: the only module that posts to the page's WebSocket connection.

``ManagementApi.post`` is one ``post_to_connection`` (boto3 ``apigatewaymanagementapi`` with
``endpoint_url=STREAM_MANAGEMENT_URL``: API Gateway on AWS, the local gateway in ``make dev``).
botocore's defaults (60 s connect and read, retries) would let one slow socket hold a chunk for
minutes, so the client gets ``CONNECT_TIMEOUT_SECONDS`` / ``READ_TIMEOUT_SECONDS`` and no retries:
a chunk that cannot go out quickly is not worth sending late, since the page gets the whole answer
from ``/chat`` anyway. botocore errors are translated here, once: ``GoneException`` ->
``StreamGone``, anything else -> ``StreamError`` (class names and error codes only: nothing of the
frame, the connection id or the credentials).

boto3 is the Lambda runtime's (not packaged: requirements.txt). One client per endpoint is kept for
the container's life (boto3 clients are thread-safe; creating one is not, hence the lock); it is
built on the sender thread, while the model is still thinking, not on the path that reads it.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

from llm_fallback.errors import StreamError, StreamGone

__all__ = ["CONNECT_TIMEOUT_SECONDS", "READ_TIMEOUT_SECONDS", "ManagementApi", "management_client"]

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
_REGION_IN_HOST = re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com")
_lock = threading.Lock()


def _region(endpoint_url: str) -> str:
    """The Lambda's region (``AWS_REGION``), else the one in an execute-api host, else us-east-1."""
    import boto3

    region = boto3.session.Session().region_name
    if region:
        return str(region)
    match = _REGION_IN_HOST.search(endpoint_url)
    return match.group(1) if match else "us-east-1"


@functools.lru_cache(maxsize=4)
def _cached_client(endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"total_max_attempts": 1},
    )
    session = boto3.session.Session()
    return session.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint_url,
        region_name=_region(endpoint_url),
        config=config,
    )


def management_client(endpoint_url: str) -> Any:
    """The cached boto3 client for ``endpoint_url``."""
    with _lock:
        return _cached_client(endpoint_url)


class ManagementApi:
    """Posts frames to connections behind one endpoint; ``client`` is injectable for tests."""

    def __init__(self, endpoint_url: str, *, client: Any | None = None) -> None:
        self._endpoint_url = endpoint_url
        self._client = client

    def warm(self) -> None:
        """Build (or reuse) the client now, or ``StreamError``."""
        if self._client is not None:
            return
        try:
            self._client = management_client(self._endpoint_url)
        except Exception as exc:  # botocore's NoRegionError, an unknown service, ...
            raise StreamError(f"cannot build the client ({type(exc).__name__})") from exc

    def post(self, connection_id: str, data: bytes) -> None:
        """One frame to one connection, or ``StreamGone`` / ``StreamError``."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.warm()
        client: Any = self._client
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code") or "ClientError")
            if code == "GoneException":
                raise StreamGone("the connection is gone") from exc
            raise StreamError(f"the Management API refused the post ({code[:64]})") from exc
        except BotoCoreError as exc:
            raise StreamError(f"cannot post to the connection ({type(exc).__name__})") from exc
