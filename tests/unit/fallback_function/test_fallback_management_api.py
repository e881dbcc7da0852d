"""ManagementApi's boundary: botocore's errors become StreamGone / StreamError, the client is tight.

botocore's own ``Stubber`` answers in memory (no socket), on a real ``apigatewaymanagementapi``
client, so the request shape is checked against the service model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from llm_fallback.errors import StreamError, StreamGone
from llm_fallback.management_api import (
    CONNECT_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
    ManagementApi,
    management_client,
)

URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/stream"


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing needs some credentials; nothing is sent."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    """A real client with an in-memory Stubber."""
    client = boto3.client("apigatewaymanagementapi", endpoint_url=URL, region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield client, stubber


def test_a_post_sends_the_connection_and_the_frame(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("post_to_connection", {}, {"ConnectionId": "c1=", "Data": b'{"seq":1}'})
    ManagementApi(URL, client=client).post("c1=", b'{"seq":1}')
    stubber.assert_no_pending_responses()


def test_gone_becomes_stream_gone(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error("post_to_connection", "GoneException", http_status_code=410)
    with pytest.raises(StreamGone):
        ManagementApi(URL, client=client).post("c1=", b"{}")


@pytest.mark.parametrize(
    "code", ["ForbiddenException", "LimitExceededException", "PayloadTooLargeException"]
)
def test_other_refusals_become_stream_error_with_the_code_only(
    stubbed: tuple[Any, Stubber], code: str
) -> None:
    client, stubber = stubbed
    stubber.add_client_error("post_to_connection", code, "secret-ish detail")
    with pytest.raises(StreamError) as info:
        ManagementApi(URL, client=client).post("c1=", b"{}")
    assert not isinstance(info.value, StreamGone)
    assert code in str(info.value) and "secret-ish" not in str(info.value)


def test_a_timeout_becomes_stream_error() -> None:
    class TimingOut:
        def post_to_connection(self, **_: Any) -> None:
            raise ReadTimeoutError(endpoint_url=URL)

    with pytest.raises(StreamError, match="ReadTimeoutError"):
        ManagementApi(URL, client=TimingOut()).post("c1=", b"{}")


def test_the_client_has_short_timeouts_no_retries_and_the_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    client = management_client(URL)
    assert client is management_client(URL)  # one per endpoint, kept
    config = client.meta.config
    assert config.connect_timeout == CONNECT_TIMEOUT_SECONDS <= 1
    assert config.read_timeout == READ_TIMEOUT_SECONDS <= 1
    assert config.retries["total_max_attempts"] == 1
    assert client.meta.endpoint_url == URL


def test_without_a_region_the_execute_api_host_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    url = "https://zzz999.execute-api.ap-northeast-2.amazonaws.com/prod"
    assert management_client(url).meta.region_name == "ap-northeast-2"
