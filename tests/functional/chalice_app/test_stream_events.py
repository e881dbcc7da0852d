"""``app.stream_events`` (StreamFunction) driven with real-shaped API Gateway WebSocket events from
events/, with real boto3 over HTTP: moto's DynamoDB (AWS_ENDPOINT_URL_DYNAMODB, botocore's own
variable) and a tiny local Management API that the replies are posted to."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.stream_keys import connection_pk, session_pk
from tests.support.events import load_event
from tests.support.session_ids import TEST_SESSION_KEY

BOUND_SID = json.loads(load_event("websocketBind")["body"])["sessionId"]
CONNECTION = load_event("websocketBind")["requestContext"]["connectionId"]


@pytest.fixture
def table(moto_dynamodb, bindings_table):
    """The bindings table, read with a client of the tests' own."""

    client = boto3.client(
        "dynamodb",
        endpoint_url=moto_dynamodb,
        region_name="us-east-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",
    )

    def items() -> dict[str, dict]:
        rows = client.scan(TableName=bindings_table)["Items"]
        return {row["pk"]["S"]: row for row in rows}

    return items


def event_for(name: str, connection_id: str = CONNECTION) -> dict:
    event = load_event(name)
    event["requestContext"]["connectionId"] = connection_id
    return event


def test_connect_bind_disconnect_round_trip(stream_events, management_api, table):
    assert stream_events(event_for("websocketConnect"), None) == {"statusCode": 200}
    assert table() == {}
    assert stream_events(event_for("websocketBind"), None) == {"statusCode": 200}
    assert management_api.messages() == [(CONNECTION, {"type": "bound", "sessionId": BOUND_SID})]
    items = table()
    assert set(items) == {session_pk(BOUND_SID), connection_pk(CONNECTION)}
    assert items[session_pk(BOUND_SID)]["connectionId"] == {"S": CONNECTION}
    assert items[connection_pk(CONNECTION)]["sessionKey"] == {"S": session_pk(BOUND_SID)}
    assert BOUND_SID not in json.dumps(items)
    assert stream_events(event_for("websocketDisconnect"), None) == {"statusCode": 200}
    assert table() == {}


def test_bind_with_null_issues_an_id_that_chat_accepts(stream_events, management_api, table):
    from chalicelib.session_ids import SessionIds

    stream_events(event_for("websocketBindNewSession"), None)
    ((_, reply),) = management_api.messages()
    assert reply["type"] == "bound"
    assert SessionIds(TEST_SESSION_KEY.encode()).is_valid(reply["sessionId"])
    assert session_pk(reply["sessionId"]) in table()


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("websocketBindForgedSessionId", "invalid_session_id"),
        ("websocketUnknownAction", "unknown_action"),
    ],
)
def test_refused_frames_get_an_error_reply(stream_events, management_api, table, fixture, code):
    assert stream_events(event_for(fixture), None) == {"statusCode": 200}
    ((cid, reply),) = management_api.messages()
    assert cid == CONNECTION and reply["type"] == "error" and reply["code"] == code
    assert table() == {}


def test_an_oversized_frame_is_invalid_request(stream_events, management_api):
    event = event_for("websocketBind")
    event["body"] = json.dumps({"action": "bind", "sessionId": None, "pad": "x" * 5000})
    stream_events(event, None)
    assert management_api.messages()[0][1]["code"] == "invalid_request"


def test_a_second_tab_binding_the_same_session_takes_over_and_the_first_leaving_keeps_it(
    stream_events, table
):
    stream_events(event_for("websocketBind", "first-tab="), None)
    stream_events(event_for("websocketBind", "second-tab="), None)
    assert table()[session_pk(BOUND_SID)]["connectionId"] == {"S": "second-tab="}
    stream_events(event_for("websocketDisconnect", "first-tab="), None)
    assert set(table()) == {session_pk(BOUND_SID), connection_pk("second-tab=")}


def test_a_gone_page_and_a_broken_management_api_never_crash(
    stream_events, management_api, table, capsys
):
    management_api.gone.add(CONNECTION)
    assert stream_events(event_for("websocketBind"), None) == {"statusCode": 200}
    management_api.gone.clear()
    management_api.status = 500
    assert stream_events(event_for("websocketBind", "other="), None) == {"statusCode": 200}
    out = capsys.readouterr().out
    assert "Traceback" not in out and BOUND_SID not in out
    replies = [json.loads(line).get("reply") for line in out.strip().splitlines()]
    assert replies[-2].startswith("gone") and replies[-1].startswith("failed")
    assert session_pk(BOUND_SID) in table()  # the binding itself was stored


def test_a_missing_table_is_a_service_unavailable_reply(stream_events, management_api, monkeypatch):
    monkeypatch.setenv("STREAM_BINDINGS_TABLE", "no-such-table")
    assert stream_events(event_for("websocketBind"), None) == {"statusCode": 200}
    assert management_api.messages()[0][1]["code"] == "service_unavailable"
    assert stream_events(event_for("websocketDisconnect"), None) == {"statusCode": 200}


def test_an_unreachable_table_is_a_service_unavailable_reply(
    stream_events, management_api, monkeypatch, closed_port_url
):
    from chalicelib.stream_clients import reset_stream_clients

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_port_url)
    reset_stream_clients()
    assert stream_events(event_for("websocketBind"), None) == {"statusCode": 200}
    assert management_api.messages()[0][1]["code"] == "service_unavailable"


def test_no_table_configured_is_not_configured(stream_events, management_api, monkeypatch):
    monkeypatch.setenv("STREAM_BINDINGS_TABLE", "")
    stream_events(event_for("websocketBind"), None)
    assert management_api.messages()[0][1]["code"] == "not_configured"


def test_the_client_honours_aws_endpoint_url_dynamodb(stream_env, moto_dynamodb, bindings_table):
    """No endpoint code of ours: botocore's standard variable reaches moto (and the default
    local region is the one the table was created in)."""
    from chalicelib.stream_clients import dynamodb_client

    client = dynamodb_client(None, 1.0, 1)
    assert client.meta.endpoint_url == moto_dynamodb
    assert client.meta.region_name == "us-east-1"
    assert client.describe_table(TableName=bindings_table)["Table"]["TableName"] == bindings_table


# Every WebSocket fixture in events/ and what the page gets for it (None: no reply).
EXPECTED = {
    "websocketConnect.json": None,
    "websocketBind.json": "bound",
    "websocketBindNewSession.json": "bound",
    "websocketBindForgedSessionId.json": "invalid_session_id",
    "websocketUnknownAction.json": "unknown_action",
    "websocketDisconnect.json": None,
}


def test_every_websocket_fixture_is_listed():
    from tests.support.events import EVENTS_DIR

    assert sorted(p.name for p in EVENTS_DIR.glob("websocket*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize(("fixture", "outcome"), sorted(EXPECTED.items()))
def test_each_fixture_through_the_handler(stream_events, management_api, fixture, outcome):
    assert stream_events(load_event(fixture), None) == {"statusCode": 200}
    replies = management_api.messages()
    if outcome is None:
        assert replies == []
        return
    ((cid, reply),) = replies
    assert cid == load_event(fixture)["requestContext"]["connectionId"]
    assert (reply["type"] if reply["type"] == "bound" else reply["code"]) == outcome
