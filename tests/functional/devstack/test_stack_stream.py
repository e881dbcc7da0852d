"""``/stream`` in the whole local stack: front origin → gateway child → StreamFunction → moto.

The template is the repository's with a StreamFunction added (the stand-in in ``stream_app/``,
a WebSocket API with its routes, and ``StreamBindingsTable``), written to a temporary folder with
every ``CodeUri`` made absolute. Waits are bounded; nothing assumes a duration.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from devstack import Stack
from devstack.bindings_db import dynamodb_client
from lex_emulator.cfn_template import load_template
from tests.functional.devstack.stream_fixtures import management_client

REPO = Path(__file__).resolve().parents[3]
STAND_IN = Path(__file__).resolve().parent / "stream_app"
TIMEOUT = 10.0

STREAM_RESOURCES: dict[str, Any] = {
    "StreamFunction": {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "CodeUri": str(STAND_IN),
            "Handler": "app.stream_events",
            "Timeout": 10,
            "Environment": {
                "Variables": {
                    "STREAM_BINDINGS_TABLE": {"Ref": "StreamBindingsTable"},
                    "STREAM_MANAGEMENT_URL": "",
                }
            },
        },
    },
    "StreamApi": {
        "Type": "AWS::ApiGatewayV2::Api",
        "Properties": {
            "Name": "stream",
            "ProtocolType": "WEBSOCKET",
            "RouteSelectionExpression": "$request.body.action",
        },
    },
    **{
        f"StreamRoute{n}": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {"ApiId": {"Ref": "StreamApi"}, "RouteKey": key},
        }
        for n, key in enumerate(["$connect", "$disconnect", "bind"])
    },
    "StreamBindingsTable": {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
        },
    },
}


def _repo_template_without_streaming() -> dict[str, Any]:
    """The repository's template with its own stream resources (if any) taken out, every
    ``CodeUri`` made absolute."""
    template = load_template(REPO / "template.yaml")
    resources = template["Resources"]
    for name in [
        n
        for n, r in resources.items()
        if n in ("StreamFunction", "StreamBindingsTable")
        or (isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::ApiGatewayV2::"))
    ]:
        del resources[name]
    for resource in resources.values():
        props = resource.get("Properties") if isinstance(resource, dict) else None
        if isinstance(props, dict) and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = str((REPO / props["CodeUri"]).resolve())
    return template


def _write(template: dict[str, Any], folder: Path) -> Path:
    # Conditions and outputs may name the removed resources; the local stack reads neither.
    template.pop("Outputs", None)
    path = folder / "template.json"
    path.write_text(json.dumps(template))
    return path


def stream_template(folder: Path) -> Path:
    """The repository's template with the stand-in stream resources, as JSON in ``folder``."""
    template = _repo_template_without_streaming()
    template["Resources"].update(json.loads(json.dumps(STREAM_RESOURCES)))
    return _write(template, folder)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    template = stream_template(tmp_path_factory.mktemp("stream-template"))
    env_vars = {"Parameters": {}, "FallbackFunction": {"OPENAI_API_KEY": ""}}
    with Stack(port=0, template=template, env_vars=env_vars) as running:
        yield running


def test_bind_through_the_front_origin_uses_the_stacks_table_and_management_api(stack):
    assert stack.streaming
    assert stack.stream_url.startswith(stack.url.replace("http://", "ws://"))
    with connect(stack.stream_url, open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"action": "bind", "sessionId": None}))
        reply = json.loads(ws.recv(timeout=TIMEOUT))
        assert reply["type"] == "bound" and reply["route"] == "bind"
        connection_id = reply["connectionId"]
        table = dynamodb_client(stack.bindings_endpoint_url)
        item = table.get_item(
            TableName="StreamBindingsTable",
            Key={"pk": {"S": "c#" + connection_id}},
            ConsistentRead=True,
        )
        assert item["Item"]["expiresAt"] == {"N": "4102444800"}
        management_client(stack.stream_management_url).post_to_connection(
            ConnectionId=connection_id, Data=b'{"type": "chunk", "seq": 1}'
        )
        assert json.loads(ws.recv(timeout=TIMEOUT)) == {"type": "chunk", "seq": 1}


def test_table_is_created_from_the_template(stack):
    table = dynamodb_client(stack.bindings_endpoint_url)
    described = table.describe_table(TableName="StreamBindingsTable")["Table"]
    assert described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    ttl = table.describe_time_to_live(TableName="StreamBindingsTable")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}


def test_refused_connect_and_unrouted_message(stack):
    with pytest.raises(InvalidStatus) as caught:
        connect(stack.stream_url, additional_headers={"X-Refuse": "yes"}, open_timeout=TIMEOUT)
    assert caught.value.response.status_code == 403
    # This API has no $default route: API Gateway answers Forbidden and keeps the connection.
    with connect(stack.stream_url, open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"action": "nothing"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["message"] == "Forbidden"
        ws.send(json.dumps({"action": "bind"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["type"] == "bound"


def test_unknown_connection_is_gone(stack):
    client = management_client(stack.stream_management_url)
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId="AAAAAAAAAAAAAAA=", Data=b"x")


def test_page_and_chat_still_answer(stack):
    with urllib.request.urlopen(stack.url, timeout=TIMEOUT) as response:
        assert response.status == 200
    request = urllib.request.Request(
        stack.url + "chat",
        data=json.dumps({"text": "hello", "localeId": "en_US"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert response.status == 200 and answer["sessionId"]


def test_streaming_turned_off_serves_no_stream(tmp_path):
    template = stream_template(tmp_path)
    with Stack(port=0, template=template, env_vars={}, stream=False) as running:
        assert not running.streaming
        assert "stream" not in running.pids
        with pytest.raises(InvalidStatus) as caught:
            connect(running.url.replace("http://", "ws://") + "stream", open_timeout=TIMEOUT)
        assert caught.value.response.status_code == 404


def test_template_without_stream_function_runs_as_before(tmp_path):
    template = _write(_repo_template_without_streaming(), tmp_path)
    with Stack(port=0, template=template, env_vars={}) as running:
        assert not running.streaming
        assert sorted(running.pids) == ["api", "front", "lex"]
        request = urllib.request.Request(running.url + "stream", method="GET")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=TIMEOUT)
        assert caught.value.code == 404


def test_idle_socket_is_closed_by_the_stack_gateway(tmp_path):
    template = stream_template(tmp_path)
    with (
        Stack(port=0, template=template, env_vars={}, stream_idle_timeout=0.3) as running,
        connect(running.stream_url, open_timeout=TIMEOUT) as ws,
        pytest.raises(ConnectionClosed) as caught,
    ):
        ws.recv(timeout=TIMEOUT)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1001
