"""The fake Management API, driven by real boto3 (``apigatewaymanagementapi``) over loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError

from tests.fakes.fake_management_api import FakeManagementApi


@pytest.fixture
def api() -> Iterator[FakeManagementApi]:
    """A running fake Management API."""
    with FakeManagementApi() as fake:
        yield fake


@pytest.fixture
def client(api: FakeManagementApi) -> Any:
    """boto3 as the fallback builds it: the endpoint URL, short timeouts, no retries."""
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=api.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(connect_timeout=1, read_timeout=0.5, retries={"total_max_attempts": 1}),
    )


def test_frames_are_recorded_per_connection_and_signed(client: Any, api: FakeManagementApi) -> None:
    first, second = api.open_connection(), api.open_connection("L0SM9cOFvHcCIhw=")
    client.post_to_connection(ConnectionId=first, Data=b'{"seq": 1}')
    client.post_to_connection(ConnectionId=second, Data=b'{"seq": 2}')
    assert api.frames(first) == [{"seq": 1}]
    assert api.frames("L0SM9cOFvHcCIhw=") == [{"seq": 2}]
    assert all(frame.signed for frame in api.raw_frames())
    assert api.endpoint_url.endswith("/stream")


def test_an_unknown_connection_is_gone_as_api_gateway_says_it(
    client: Any, api: FakeManagementApi
) -> None:
    with pytest.raises(client.exceptions.GoneException) as info:
        client.post_to_connection(ConnectionId="never-opened", Data=b"{}")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410
    assert info.value.response["Error"]["Code"] == "GoneException"
    assert api.refused == 1 and api.frames() == []


def test_gone_after_lets_n_frames_through(client: Any, api: FakeManagementApi) -> None:
    connection = api.open_connection(gone_after=2)
    for _ in (1, 2):
        client.post_to_connection(ConnectionId=connection, Data=b"{}")
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId=connection, Data=b"{}")
    assert len(api.frames(connection)) == 2


def test_get_and_delete_connection(client: Any, api: FakeManagementApi) -> None:
    connection = api.open_connection()
    assert "ConnectedAt" in client.get_connection(ConnectionId=connection)
    client.delete_connection(ConnectionId=connection)
    with pytest.raises(client.exceptions.GoneException):
        client.get_connection(ConnectionId=connection)


def test_delay_plays_a_slow_socket(client: Any, api: FakeManagementApi) -> None:
    connection = api.open_connection()
    api.delay = 2.0
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.post_to_connection(ConnectionId=connection, Data=b"{}")
    assert time.monotonic() - started < 1.5
