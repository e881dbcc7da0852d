"""API Gateway WebSocket rules as data: ids, route selection, event shapes, limits (no I/O)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from devstack.stream_events import (
    DEFAULT_ROUTE_KEYS,
    ConnectionInfo,
    GatewayLimits,
    connect_event,
    disconnect_event,
    forbidden_message,
    header_maps,
    internal_error_message,
    iso_time,
    message_event,
    new_api_id,
    new_connection_id,
    select_route,
    source_ip,
)
from devstack.stream_tunnel import is_websocket_upgrade

NOW = 1_796_226_587.847  # 2026-12-02T15:49:47.847Z
ROUTES = frozenset({"$connect", "$disconnect", "$default", "bind"})


def _info() -> ConnectionInfo:
    headers, multi = header_maps([("Host", "h"), ("Cookie", "a"), ("Cookie", "b")])
    return ConnectionInfo(
        connection_id="L0SM9cOFvHcCIhw=",
        connected_at=NOW,
        source_ip="10.0.0.1",
        user_agent="ua/1",
        headers=headers,
        multi_value_headers=multi,
    )


def test_connection_ids_look_like_api_gateways_and_differ():
    ids = {new_connection_id() for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{15}=", value)


def test_api_id_is_ten_lowercase_characters():
    assert re.fullmatch(r"[0-9a-f]{10}", new_api_id())


@pytest.mark.parametrize(
    ("body", "route"),
    [
        ('{"action": "bind", "sessionId": null}', "bind"),
        ('{"action": "other"}', "$default"),
        ('{"action": 1}', "$default"),
        ('{"action": "$connect"}', "$default"),  # a client cannot pick a $ route
        ('{"action": "$disconnect"}', "$default"),
        ('["bind"]', "$default"),
        ("bind", "$default"),
        ("", "$default"),
        (None, "$default"),
        ('{"nested": {"action": "bind"}}', "$default"),
    ],
)
def test_route_selection(body, route):
    assert select_route(body, ROUTES) == route


def test_no_default_route_selects_nothing():
    routes = frozenset({"$connect", "bind"})
    assert select_route('{"action": "nope"}', routes) is None
    assert select_route('{"action": "bind"}', routes) == "bind"


def test_selection_expression_with_a_nested_path():
    routes = frozenset({"go", "$default"})
    assert select_route('{"a": {"b": "go"}}', routes, "$request.body.a.b") == "go"
    assert select_route('{"a": "go"}', routes, "$request.body.a.b") == "$default"


def test_contract_routes_are_the_default():
    assert {"$connect", "$disconnect", "$default", "bind"} == DEFAULT_ROUTE_KEYS


def test_connect_event_shape():
    event = connect_event(_info(), api_id="abc123defg", stage="stream", domain_name="d", now=NOW)
    context = event["requestContext"]
    assert context["routeKey"] == "$connect"
    assert context["eventType"] == "CONNECT"
    assert context["connectionId"] == "L0SM9cOFvHcCIhw="
    assert context["apiId"] == "abc123defg"
    assert context["stage"] == "stream"
    assert context["domainName"] == "d"
    assert context["connectedAt"] == 1_796_226_587_847
    assert context["requestTimeEpoch"] == 1_796_226_587_847
    assert context["requestTime"] == "02/Dec/2026:15:49:47 +0000"
    assert context["identity"] == {"sourceIp": "10.0.0.1", "userAgent": "ua/1"}
    assert context["messageDirection"] == "IN"
    assert context["requestId"]
    assert event["headers"] == {"Host": "h", "Cookie": "b"}
    assert event["multiValueHeaders"] == {"Host": ["h"], "Cookie": ["a", "b"]}
    assert event["isBase64Encoded"] is False
    assert "body" not in event


def test_message_event_shape():
    event = message_event(
        _info(),
        '{"action":"bind"}',
        route_key="bind",
        api_id="a",
        stage="s",
        domain_name="d",
        now=NOW,
    )
    assert event["requestContext"]["eventType"] == "MESSAGE"
    assert event["requestContext"]["routeKey"] == "bind"
    assert event["requestContext"]["messageId"]
    assert event["body"] == '{"action":"bind"}'
    assert event["isBase64Encoded"] is False
    assert "headers" not in event


def test_binary_message_is_base64():
    event = message_event(
        _info(), b"\x00\xff", route_key="$default", api_id="a", stage="s", domain_name="d", now=NOW
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xff"


def test_disconnect_event_shape():
    event = disconnect_event(
        _info(), api_id="a", stage="s", domain_name="d", now=NOW, status_code=1001, reason="bye"
    )
    context = event["requestContext"]
    assert context["eventType"] == "DISCONNECT"
    assert context["routeKey"] == "$disconnect"
    assert context["disconnectStatusCode"] == 1001
    assert context["disconnectReason"] == "bye"


def test_request_ids_differ_per_event():
    info = _info()
    ids = {
        connect_event(info, api_id="a", stage="s", domain_name="d", now=NOW)["requestContext"][
            "requestId"
        ]
        for _ in range(50)
    }
    assert len(ids) == 50


def test_client_messages_match_api_gateways():
    forbidden = json.loads(forbidden_message("X"))
    assert forbidden["message"] == "Forbidden" and forbidden["connectionId"] == "X"
    assert json.loads(internal_error_message("X"))["message"] == "Internal server error"


def test_management_json_uses_the_services_names_and_iso_times():
    info = _info()
    info.last_active_at = NOW + 1
    assert info.as_management_json() == {
        "connectedAt": "2026-12-02T15:49:47.847Z",
        "identity": {"sourceIp": "10.0.0.1", "userAgent": "ua/1"},
        "lastActiveAt": "2026-12-02T15:49:48.847Z",
    }


def test_iso_time_pads_milliseconds():
    assert iso_time(0.005) == "1970-01-01T00:00:00.005Z"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "127.0.0.9"),
        ({"X-Forwarded-For": "1.1.1.1"}, "1.1.1.1"),
        ({"x-forwarded-for": "6.6.6.6, 1.1.1.1"}, "1.1.1.1"),
        ({"X-Forwarded-For": " , "}, "127.0.0.9"),
    ],
)
def test_source_ip_is_the_last_hop(headers, expected):
    assert source_ip(headers, "127.0.0.9") == expected


def test_limits_are_api_gateways():
    limits = GatewayLimits()
    assert limits.max_frame_bytes == 32 * 1024
    assert limits.max_message_bytes == 128 * 1024
    assert limits.max_post_bytes == 128 * 1024
    assert limits.idle_seconds == 600
    assert limits.max_duration_seconds == 7200
    assert limits.handler_timeout_seconds == 29


@pytest.mark.parametrize(
    ("connection", "upgrade", "expected"),
    [
        ({"upgrade"}, "websocket", True),
        ({"keep-alive", "upgrade"}, "WebSocket", True),
        ({"upgrade"}, "h2c, websocket", True),
        ({"upgrade"}, "h2c", False),
        ({"keep-alive"}, "websocket", False),
        ({"upgrade"}, None, False),
    ],
)
def test_websocket_upgrade_detection(connection, upgrade, expected):
    assert is_websocket_upgrade(connection, upgrade) is expected
