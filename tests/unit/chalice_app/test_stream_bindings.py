"""Bind / unbind / lookup on an in-memory DynamoDB (no I/O): the items the contract names."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import StreamUnavailableError
from chalicelib.stream_bindings import BindingStore
from chalicelib.stream_keys import BINDING_TTL_SECONDS, connection_pk, session_pk
from chalicelib.stream_lookup import BindingLookup
from tests.unit.chalice_app.stream_fakes import FakeDynamoDB

NOW = 1_800_000_000.0
SID = "s1.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB"
OTHER = "s1.CCCCCCCCCCCCCCCCCCCCCC.DDDDDDDDDDDDDDDDDDDDDD"


@pytest.fixture
def db() -> FakeDynamoDB:
    return FakeDynamoDB()


def store(db: FakeDynamoDB, now: float = NOW) -> BindingStore:
    return BindingStore(db, db.table, clock=lambda: now)


def lookup(db: FakeDynamoDB, now: float = NOW) -> BindingLookup:
    return BindingLookup(db, db.table, clock=lambda: now)


def test_bind_writes_both_items_with_the_hash_and_a_two_hour_ttl(db):
    expires = store(db).bind(SID, "conn-A=")
    assert expires == int(NOW) + BINDING_TTL_SECONDS == int(NOW) + 7200
    s_key = "s#" + hashlib.sha256(SID.encode()).hexdigest()
    assert session_pk(SID) == s_key
    assert db.items == {
        "c#conn-A=": {
            "pk": {"S": "c#conn-A="},
            "sessionKey": {"S": s_key},
            "expiresAt": {"N": str(expires)},
        },
        s_key: {
            "pk": {"S": s_key},
            "connectionId": {"S": "conn-A="},
            "expiresAt": {"N": str(expires)},
        },
    }
    assert SID not in repr(db.items)  # the id itself is never stored


def test_lookup_is_strongly_consistent_and_finds_the_connection(db):
    store(db).bind(SID, "conn-A=")
    assert lookup(db).find_connection(SID) == "conn-A="
    operation, kwargs = db.calls[-1]
    assert operation == "GetItem" and kwargs["ConsistentRead"] is True
    assert lookup(db).find_connection(OTHER) is None


def test_an_expired_binding_is_no_binding(db):
    store(db).bind(SID, "conn-A=")
    assert lookup(db, NOW + BINDING_TTL_SECONDS - 1).find_connection(SID) == "conn-A="
    assert lookup(db, NOW + BINDING_TTL_SECONDS).find_connection(SID) is None


@pytest.mark.parametrize(
    "item",
    [
        {"connectionId": {"S": "conn-A="}},  # no expiresAt
        {"connectionId": {"S": "conn-A="}, "expiresAt": {"N": "soon"}},
        {"connectionId": {"S": "has space"}, "expiresAt": {"N": str(int(NOW) + 60)}},
        {"connectionId": {"N": "1"}, "expiresAt": {"N": str(int(NOW) + 60)}},
    ],
)
def test_a_malformed_item_is_no_binding(db, item):
    db.items[session_pk(SID)] = {"pk": {"S": session_pk(SID)}, **item}
    assert lookup(db).find_connection(SID) is None


def test_latest_bind_of_a_session_wins_and_the_old_connection_leaving_keeps_it(db):
    store(db).bind(SID, "conn-A=")
    store(db).bind(SID, "conn-B=")
    assert lookup(db).find_connection(SID) == "conn-B="
    assert store(db).unbind("conn-A=") is True
    assert lookup(db).find_connection(SID) == "conn-B="  # conditional delete kept B's binding
    assert connection_pk("conn-A=") not in db.items
    assert store(db).unbind("conn-B=") is True
    assert db.items == {}


def test_rebinding_a_connection_to_another_session_drops_the_first_sessions_binding(db):
    store(db).bind(SID, "conn-A=")
    store(db).bind(OTHER, "conn-A=")
    assert lookup(db).find_connection(SID) is None
    assert lookup(db).find_connection(OTHER) == "conn-A="


def test_unbinding_an_unknown_connection_is_fine(db):
    assert store(db).unbind("never-bound") is False
    assert db.items == {}


@pytest.mark.parametrize(
    "error",
    [
        ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "PutItem"),
        ClientError({"Error": {"Code": "AccessDeniedException"}}, "PutItem"),
    ],
)
def test_table_errors_become_stream_unavailable(db, error):
    db.fail_with = error
    with pytest.raises(StreamUnavailableError) as caught:
        store(db).bind(SID, "conn-A=")
    assert caught.value.code == "service_unavailable"
    assert SID not in str(caught.value.detail)
    with pytest.raises(StreamUnavailableError):
        store(db).unbind("conn-A=")
    with pytest.raises(StreamUnavailableError):
        lookup(db).find_connection(SID)


def test_an_unreachable_table_becomes_stream_unavailable(db):
    db.go_down()
    with pytest.raises(StreamUnavailableError) as caught:
        lookup(db).find_connection(SID)
    assert caught.value.detail == "GetItem: EndpointConnectionError"
