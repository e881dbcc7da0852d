"""The /stream handlers with in-memory dependencies passed in (no I/O): bind, errors, disconnect."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib import stream_socket
from chalicelib.errors import SessionKeyUnavailableError
from chalicelib.session_ids import SessionIds
from chalicelib.stream_bindings import BindingStore
from chalicelib.stream_config import StreamSettings
from chalicelib.stream_lookup import BindingLookup
from chalicelib.stream_replies import Replies
from tests.support.events import load_event
from tests.support.session_ids import TEST_SESSION_KEY, sign
from tests.unit.chalice_app.stream_fakes import FakeDynamoDB, FakeManagementApi

SID = sign("U3RyZWFtU2Vzc2lvbjAwMQ")
SETTINGS = StreamSettings(
    bindings_table="bindings",
    management_url="http://127.0.0.1:9/stream",
    session_key=TEST_SESSION_KEY,
)


class World:
    """One fake table and one fake Management API behind a deps factory."""

    def __init__(self, settings: StreamSettings = SETTINGS) -> None:
        self.db = FakeDynamoDB()
        self.api = FakeManagementApi()
        self.settings = settings
        self.sessions = SessionIds(TEST_SESSION_KEY.encode())

    def deps(self) -> stream_socket.StreamDeps:
        return stream_socket.StreamDeps(
            settings=self.settings,
            sessions=lambda settings: self.sessions,
            bindings=lambda settings: BindingStore(self.db, settings.bindings_table),
            replies=lambda settings: Replies(self.api),
        )

    def replies(self) -> list[tuple[str, dict[str, Any]]]:
        return [(cid, json.loads(data)) for cid, data in self.api.posts]

    def bound_connection(self, session_id: str) -> str | None:
        return BindingLookup(self.db, "bindings").find_connection(session_id)


def message(body: Any, connection_id: str = "conn-A=", **extra: Any) -> dict[str, Any]:
    event = load_event("websocketBind")
    event["requestContext"]["connectionId"] = connection_id
    event["body"] = body if isinstance(body, str) or body is None else json.dumps(body)
    event.update(extra)
    return event


@pytest.fixture
def world() -> World:
    return World()


def test_bind_with_an_issued_id_stores_the_binding_and_replies_bound(world):
    assert stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}), world.deps
    ) == {"statusCode": 200}
    assert world.replies() == [("conn-A=", {"type": "bound", "sessionId": SID})]
    assert world.bound_connection(SID) == "conn-A="


@pytest.mark.parametrize("body", [{"action": "bind", "sessionId": None}, {"action": "bind"}])
def test_bind_without_an_id_issues_a_new_one_and_binds_it(world, body):
    stream_socket.handle_message(message(body), world.deps)
    ((cid, reply),) = world.replies()
    assert reply["type"] == "bound" and cid == "conn-A="
    assert world.sessions.is_valid(reply["sessionId"])
    assert world.bound_connection(reply["sessionId"]) == "conn-A="


@pytest.mark.parametrize(
    ("session_id", "code"),
    [
        ("s1.client-chosen-id", "invalid_session_id"),
        (
            sign("U3RyZWFtU2Vzc2lvbjAwMQ", key="another-key-another-key-another-key!!"),
            "invalid_session_id",
        ),
        (12345, "invalid_request"),
        ({"id": SID}, "invalid_request"),
    ],
)
def test_a_session_id_the_server_did_not_issue_is_refused(world, session_id, code):
    stream_socket.handle_message(message({"action": "bind", "sessionId": session_id}), world.deps)
    ((_, reply),) = world.replies()
    assert reply["type"] == "error" and reply["code"] == code
    assert isinstance(reply["message"], str) and reply["message"]
    assert world.db.items == {}  # nothing bound


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"action": "subscribe", "sessionId": SID}, "unknown_action"),
        ({"sessionId": SID}, "unknown_action"),
        ({"action": ["bind"]}, "unknown_action"),
        ("not json", "invalid_request"),
        ("[1, 2]", "invalid_request"),
        ("", "invalid_request"),
        (None, "invalid_request"),
        ('{"action": "bind", "sessionId": null, "pad": "' + "x" * 4100 + '"}', "invalid_request"),
        ("[" * 5000, "invalid_request"),
    ],
)
def test_bad_frames_get_an_error_reply_and_a_200(world, body, code):
    assert stream_socket.handle_message(message(body), world.deps) == {"statusCode": 200}
    ((_, reply),) = world.replies()
    assert (reply["type"], reply["code"]) == ("error", code)
    assert world.db.items == {}


def test_a_frame_of_exactly_4_kb_is_read(world):
    body = json.dumps({"action": "bind", "sessionId": SID, "pad": ""})
    body = body[:-2] + "x" * (stream_socket.MAX_FRAME_BYTES - len(body)) + '"}'
    assert len(body.encode()) == stream_socket.MAX_FRAME_BYTES
    stream_socket.handle_message(message(body), world.deps)
    assert world.replies()[0][1]["type"] == "bound"


def test_a_base64_binary_frame_is_read_like_text(world):
    raw = json.dumps({"action": "bind", "sessionId": SID}).encode()
    event = message(base64.b64encode(raw).decode(), isBase64Encoded=True)
    stream_socket.handle_message(event, world.deps)
    assert world.replies()[0][1] == {"type": "bound", "sessionId": SID}


def test_no_bindings_table_is_not_configured():
    world = World(
        StreamSettings(management_url="http://127.0.0.1:9/stream", session_key=TEST_SESSION_KEY)
    )
    stream_socket.handle_message(message({"action": "bind", "sessionId": SID}), world.deps)
    assert world.replies()[0][1]["code"] == "not_configured"


def test_no_session_key_is_not_configured():
    world = World(StreamSettings(bindings_table="bindings", management_url="http://127.0.0.1:9/s"))
    deps = stream_socket.default_deps({"STREAM_BINDINGS_TABLE": "bindings"})
    world_deps = stream_socket.StreamDeps(
        settings=world.settings,
        sessions=deps.sessions,  # the real key resolution: neither SESSION_KEY nor the secret
        bindings=world.deps().bindings,
        replies=world.deps().replies,
    )
    stream_socket.handle_message(message({"action": "bind", "sessionId": SID}), lambda: world_deps)
    assert world.replies()[0][1]["code"] == "not_configured"


def test_an_unreadable_session_key_secret_is_service_unavailable(world):
    def no_secret(settings):
        raise SessionKeyUnavailableError(detail="AccessDenied")

    deps = world.deps()
    deps = stream_socket.StreamDeps(deps.settings, no_secret, deps.bindings, deps.replies)
    stream_socket.handle_message(message({"action": "bind", "sessionId": SID}), lambda: deps)
    assert world.replies()[0][1]["code"] == "service_unavailable"


def test_a_table_outage_is_a_service_unavailable_reply_not_a_crash(world, capsys):
    world.db.go_down()
    assert stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}), world.deps
    ) == {"statusCode": 200}
    assert world.replies()[0][1]["code"] == "service_unavailable"
    out = capsys.readouterr().out
    assert "Traceback" not in out and SID not in out


def test_a_gone_connection_drops_the_reply_quietly(world, capsys):
    world.api.gone.add("conn-A=")
    assert stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}), world.deps
    ) == {"statusCode": 200}
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["reply"] == "gone:GoneException"


def test_without_a_management_url_nothing_is_posted_and_nothing_fails(world):
    world.settings = StreamSettings(bindings_table="bindings", session_key=TEST_SESSION_KEY)
    deps = world.deps()
    deps = stream_socket.StreamDeps(deps.settings, deps.sessions, deps.bindings, lambda s: None)
    assert stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}), lambda: deps
    ) == {"statusCode": 200}
    assert world.api.posts == []


def test_logs_carry_hashes_never_the_session_id_or_the_frame(world, capsys):
    secret_text = "my private words"
    stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID, "note": secret_text}), world.deps
    )
    stream_socket.handle_message(message({"action": secret_text}), world.deps)
    stream_socket.handle_message(message({"action": "bind", "sessionId": SID + "x"}), world.deps)
    out = capsys.readouterr().out
    assert SID not in out and secret_text not in out and "conn-A=" not in out
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line.get("outcome") for line in lines] == ["bound", "error", "error"]
    assert all(len(line["connectionHash"]) == 16 for line in lines)


def test_disconnect_deletes_both_items(world):
    stream_socket.handle_message(message({"action": "bind", "sessionId": SID}), world.deps)
    event = load_event("websocketDisconnect")
    event["requestContext"]["connectionId"] = "conn-A="
    assert stream_socket.handle_disconnect(event, world.deps) == {"statusCode": 200}
    assert world.db.items == {}
    assert world.api.posts[1:] == []  # no reply to a closed socket


def test_disconnect_of_an_older_connection_keeps_the_newer_binding(world):
    stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}, "conn-A="), world.deps
    )
    stream_socket.handle_message(
        message({"action": "bind", "sessionId": SID}, "conn-B="), world.deps
    )
    event = load_event("websocketDisconnect")
    event["requestContext"]["connectionId"] = "conn-A="
    stream_socket.handle_disconnect(event, world.deps)
    assert world.bound_connection(SID) == "conn-B="


def test_disconnect_survives_a_table_outage(world, capsys):
    world.db.go_down()
    assert stream_socket.handle_disconnect(load_event("websocketDisconnect"), world.deps) == {
        "statusCode": 200
    }
    assert "Traceback" not in capsys.readouterr().out


def test_connect_is_accepted_and_stores_nothing(world):
    assert stream_socket.handle_connect(load_event("websocketConnect")) == {"statusCode": 200}
    assert world.db.calls == [] and world.api.posts == []


class FakeWebsocketApi:
    def __init__(self) -> None:
        self.configured: list[tuple[str, str]] = []

    def configure(self, domain_name: str, stage: str) -> None:
        self.configured.append((domain_name, stage))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("websocketConnect", "CONNECT"),
        ("websocketBind", "MESSAGE"),
        ("websocketDisconnect", "DISCONNECT"),
    ],
)
def test_dispatch_picks_the_handler_by_event_type(fixture, expected):
    seen: list[str] = []
    handlers = {
        name: (lambda event, context, name=name: seen.append(name) or {"statusCode": 200})
        for name in ("CONNECT", "MESSAGE", "DISCONNECT")
    }
    api = FakeWebsocketApi()
    assert stream_socket.dispatch(load_event(fixture), None, handlers, api) == {"statusCode": 200}
    assert seen == [expected]
    assert api.configured == [("abcdef1234.execute-api.us-east-1.amazonaws.com", "stream")]


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        {},
        {"requestContext": "x"},
        {"requestContext": {"eventType": "CONNECT"}},
        {
            "requestContext": {
                "eventType": "PING",
                "connectionId": "c",
                "apiId": "a",
                "stage": "s",
                "domainName": "d",
            }
        },
        {
            "requestContext": {
                "eventType": "MESSAGE",
                "connectionId": "bad id!",
                "apiId": "a",
                "stage": "s",
                "domainName": "d",
            }
        },
    ],
)
def test_dispatch_refuses_what_is_not_a_websocket_event(event):
    handlers = {
        "CONNECT": lambda e, c: pytest.fail("called"),
        "MESSAGE": lambda e, c: pytest.fail("called"),
    }
    assert stream_socket.dispatch(event, None, handlers) == {"statusCode": 400}


def test_dispatch_turns_a_bug_into_a_500_without_a_traceback(capsys):
    def broken(event, context):
        raise RuntimeError("quoting " + SID)

    assert stream_socket.dispatch(load_event("websocketBind"), None, {"MESSAGE": broken}) == {
        "statusCode": 500
    }
    out = capsys.readouterr().out
    assert "Traceback" not in out and SID not in out
    line = json.loads(out.strip().splitlines()[-1])
    assert line["errorType"] == "RuntimeError" and line["where"].startswith(
        "test_stream_socket.py:"
    )
