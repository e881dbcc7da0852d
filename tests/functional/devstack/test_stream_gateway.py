"""The local stream gateway over real sockets: a websockets client in, real boto3 posts out.

Every wait is on an event with a bounded timeout; nothing assumes how long something takes.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from devstack.stream_events import GatewayLimits
from devstack.stream_gateway import StreamGateway
from tests.functional.devstack.stream_fixtures import RecordingHandler, management_client

TIMEOUT = 10.0


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


def _start(handler: RecordingHandler, limits: GatewayLimits | None = None) -> StreamGateway:
    gateway = StreamGateway(handler, limits=limits)
    gateway.start()
    handler.management_url = gateway.management_url
    return gateway


@pytest.fixture
def gateway(handler: RecordingHandler) -> Iterator[StreamGateway]:
    running = _start(handler)
    yield running
    running.stop()


def _bind(ws: ClientConnection, session_id: str | None = "abc") -> dict[str, object]:
    ws.send(json.dumps({"action": "bind", "sessionId": session_id}))
    reply: dict[str, object] = json.loads(ws.recv(timeout=TIMEOUT))
    return reply


def test_connect_bind_disconnect_events_have_api_gateway_shape(gateway, handler):
    with connect(gateway.url, additional_headers={"X-Test": "1"}, open_timeout=TIMEOUT) as ws:
        assert _bind(ws) == {"type": "bound", "sessionId": "abc"}
    connect_event = handler.wait_for("$connect")[0]
    bind_event = handler.wait_for("bind")[0]
    disconnect_event = handler.wait_for("$disconnect")[0]

    context = connect_event["requestContext"]
    assert context["eventType"] == "CONNECT"
    assert context["stage"] == "stream"
    assert context["apiId"] == gateway.api_id
    assert context["domainName"] == gateway.domain_name
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert len(context["connectionId"]) == 16
    assert isinstance(context["connectedAt"], int)
    assert connect_event["headers"]["X-Test"] == "1"
    assert connect_event["isBase64Encoded"] is False

    assert bind_event["requestContext"]["eventType"] == "MESSAGE"
    assert bind_event["requestContext"]["connectionId"] == context["connectionId"]
    assert json.loads(bind_event["body"]) == {"action": "bind", "sessionId": "abc"}
    assert "headers" not in bind_event

    assert disconnect_event["requestContext"]["eventType"] == "DISCONNECT"
    assert disconnect_event["requestContext"]["disconnectStatusCode"] == 1000
    assert disconnect_event["requestContext"]["requestId"] != context["requestId"]


def test_other_messages_go_to_default(gateway, handler):
    with connect(gateway.url, open_timeout=TIMEOUT) as ws:
        ws.send("not json")
        ws.send(json.dumps({"action": "other"}))
        events = handler.wait_for("$default", count=2)
    assert [e["body"] for e in events] == ["not json", '{"action": "other"}']


def test_refused_connect_is_the_handlers_status(gateway, handler):
    with pytest.raises(InvalidStatus) as caught:
        connect(gateway.url, additional_headers={"X-Refuse": "yes"}, open_timeout=TIMEOUT)
    assert caught.value.response.status_code == 403
    assert handler.wait_for("$connect")
    assert gateway.connection_ids() == []


def test_failing_connect_handler_refuses_with_502(gateway, handler):
    handler.fail_routes.add("$connect")
    with pytest.raises(InvalidStatus) as caught:
        connect(gateway.url, open_timeout=TIMEOUT)
    assert caught.value.response.status_code == 502


def test_failing_message_handler_tells_the_client_like_api_gateway(gateway, handler):
    handler.fail_routes.add("bind")
    with connect(gateway.url, open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"action": "bind"}))
        reply = json.loads(ws.recv(timeout=TIMEOUT))
    assert reply["message"] == "Internal server error"


def test_other_paths_are_not_found(gateway):
    with pytest.raises(InvalidStatus) as caught:
        connect(gateway.url.replace("/stream", "/other"), open_timeout=TIMEOUT)
    assert caught.value.response.status_code == 404


def test_boto3_post_get_delete(gateway, handler):
    client = management_client(gateway.management_url)
    with connect(gateway.url, user_agent_header="probe/1", open_timeout=TIMEOUT) as ws:
        _bind(ws)
        connection_id = handler.wait_for("$connect")[0]["requestContext"]["connectionId"]
        client.post_to_connection(ConnectionId=connection_id, Data=b'{"type": "chunk"}')
        assert json.loads(ws.recv(timeout=TIMEOUT)) == {"type": "chunk"}
        info = client.get_connection(ConnectionId=connection_id)
        assert info["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "probe/1"}
        assert info["ConnectedAt"] <= info["LastActiveAt"]
        client.delete_connection(ConnectionId=connection_id)
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=TIMEOUT)
    assert handler.wait_for("$disconnect")
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId=connection_id, Data=b"late")


def test_unknown_connection_is_gone_for_every_operation(gateway):
    client = management_client(gateway.management_url)
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId="AAAAAAAAAAAAAAA=", Data=b"x")
    with pytest.raises(client.exceptions.GoneException):
        client.get_connection(ConnectionId="AAAAAAAAAAAAAAA=")
    with pytest.raises(client.exceptions.GoneException):
        client.delete_connection(ConnectionId="AAAAAAAAAAAAAAA=")


def test_post_over_128_kb_is_payload_too_large(gateway, handler):
    client = management_client(gateway.management_url)
    with connect(gateway.url, open_timeout=TIMEOUT):
        connection_id = handler.wait_for("$connect")[0]["requestContext"]["connectionId"]
        with pytest.raises(client.exceptions.PayloadTooLargeException):
            client.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))


def test_frame_over_32_kb_closes_with_1009(gateway, handler):
    with connect(gateway.url, open_timeout=TIMEOUT, max_size=None) as ws:
        ws.send("x" * (32 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=TIMEOUT)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1009
    assert handler.wait_for("$disconnect")
    assert [e for e in handler.events if e["requestContext"]["routeKey"] == "$default"] == []


def test_idle_connection_is_closed_going_away(handler):
    gateway = _start(handler, GatewayLimits(idle_seconds=0.2))
    try:
        with (
            connect(gateway.url, open_timeout=TIMEOUT) as ws,
            pytest.raises(ConnectionClosed) as caught,
        ):
            ws.recv(timeout=TIMEOUT)
        assert caught.value.rcvd is not None and caught.value.rcvd.code == 1001
        assert handler.wait_for("$disconnect")[0]["requestContext"]["disconnectStatusCode"] == 1001
    finally:
        gateway.stop()


def test_connection_ends_at_max_duration_even_when_busy(handler):
    gateway = _start(handler, GatewayLimits(max_duration_seconds=0.5))
    try:
        with (
            connect(gateway.url, open_timeout=TIMEOUT) as ws,
            pytest.raises(ConnectionClosed) as caught,
        ):
            for _ in range(10_000):  # bounded; the close ends it long before
                ws.send("{}")
                with contextlib.suppress(TimeoutError):
                    ws.recv(timeout=0.05)
        assert caught.value.rcvd is not None and caught.value.rcvd.code == 1001
        assert handler.wait_for("$default")  # it was busy, not idle
    finally:
        gateway.stop()


def test_slow_reader_fills_only_its_own_queue(handler):
    """A client that never reads: posts to it end with 429, posts to another still arrive."""
    gateway = _start(handler, GatewayLimits(send_queue_frames=4))
    client = management_client(gateway.management_url)
    try:
        slow = socket.create_connection(("127.0.0.1", gateway.ws_port), timeout=TIMEOUT)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(
            b"GET /stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        assert slow.recv(12) == b"HTTP/1.1 101"
        slow_id = handler.wait_for("$connect")[0]["requestContext"]["connectionId"]
        with connect(gateway.url, open_timeout=TIMEOUT) as fast:
            fast_id = handler.wait_for("$connect", count=2)[1]["requestContext"]["connectionId"]
            chunk = b"y" * (100 * 1024)
            refused = False
            for _ in range(1000):  # bounded: socket buffers hold a few MB at most
                try:
                    client.post_to_connection(ConnectionId=slow_id, Data=chunk)
                except client.exceptions.LimitExceededException:
                    refused = True
                    break
            assert refused
            client.post_to_connection(ConnectionId=fast_id, Data=b"still here")
            assert fast.recv(timeout=TIMEOUT) == "still here"
        slow.close()
    finally:
        gateway.stop()


def test_management_api_refuses_what_it_does_not_serve(gateway):
    host, port = gateway.management_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        conn.request("GET", "/stream/other")
        response = conn.getresponse()
        assert response.status == 404
        assert response.getheader("x-amzn-ErrorType") == "NotFoundException"
        response.read()
        conn.putrequest("POST", "/stream/@connections/abc")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        conn.send(b"1\r\nx\r\n0\r\n\r\n")
        response = conn.getresponse()
        assert response.status == 400
        assert response.getheader("x-amzn-ErrorType") == "BadRequestException"
    finally:
        conn.close()


def test_percent_encoded_ids_are_decoded(gateway, handler):
    """boto3 sends ``=`` as ``%3D``; the raw form works too."""
    with connect(gateway.url, open_timeout=TIMEOUT) as ws:
        connection_id = handler.wait_for("$connect")[0]["requestContext"]["connectionId"]
        host, port = gateway.management_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        try:
            for path_id in (connection_id, connection_id.replace("=", "%3D")):
                conn.request("POST", f"/stream/@connections/{path_id}", body=b"hi")
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                assert ws.recv(timeout=TIMEOUT) == "hi"
        finally:
            conn.close()
