"""In-memory stand-ins for the streaming side's boto3 clients (no I/O), passed in, never patched."""

from __future__ import annotations

import copy
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError


class FakeDynamoDB:
    """The low-level ``dynamodb`` calls the bindings code makes, on one dict per table."""

    def __init__(self, table: str = "bindings") -> None:
        self.table = table
        self.items: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_with: Exception | None = None

    def _check(self, operation: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((operation, copy.deepcopy(kwargs)))
        if self.fail_with is not None:
            raise self.fail_with
        if kwargs["TableName"] != self.table:
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": "no table"}}, operation
            )

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self._check("PutItem", kwargs)
        item = kwargs["Item"]
        old = self.items.get(item["pk"]["S"])
        self.items[item["pk"]["S"]] = copy.deepcopy(item)
        if kwargs.get("ReturnValues") == "ALL_OLD" and old is not None:
            return {"Attributes": old}
        return {}

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        self._check("DeleteItem", kwargs)
        key = kwargs["Key"]["pk"]["S"]
        old = self.items.get(key)
        if kwargs.get("ConditionExpression"):
            assert kwargs["ConditionExpression"] == "connectionId = :this"
            wanted = kwargs["ExpressionAttributeValues"][":this"]
            if old is None or old.get("connectionId") != wanted:
                raise ClientError(
                    {"Error": {"Code": "ConditionalCheckFailedException", "Message": "no"}},
                    "DeleteItem",
                )
        self.items.pop(key, None)
        if kwargs.get("ReturnValues") == "ALL_OLD" and old is not None:
            return {"Attributes": old}
        return {}

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self._check("GetItem", kwargs)
        item = self.items.get(kwargs["Key"]["pk"]["S"])
        return {"Item": copy.deepcopy(item)} if item is not None else {}

    def go_down(self) -> None:
        self.fail_with = EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")


class FakeManagementApi:
    """``post_to_connection`` into a list; ``gone`` ids answer ``GoneException``."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, bytes]] = []
        self.gone: set[str] = set()
        self.fail_with: Exception | None = None

    def post_to_connection(self, *, ConnectionId: str, Data: bytes) -> dict[str, Any]:
        if self.fail_with is not None:
            raise self.fail_with
        if ConnectionId in self.gone:
            raise ClientError(
                {"Error": {"Code": "GoneException", "Message": "gone"}}, "PostToConnection"
            )
        self.posts.append((ConnectionId, Data))
        return {}
