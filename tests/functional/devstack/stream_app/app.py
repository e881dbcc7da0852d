"""A stand-in StreamFunction for the stack's tests, until the chat app's ``stream_events`` lands.

Like the real one it uses only what the stack gives it: ``STREAM_BINDINGS_TABLE`` in the DynamoDB
at ``AWS_ENDPOINT_URL_DYNAMODB``, replies through ``STREAM_MANAGEMENT_URL`` with boto3. A bind
stores ``c#<connectionId>`` and answers ``{"type": "bound", "connectionId": ...}``; ``$disconnect``
deletes the item; a ``$connect`` with ``X-Refuse: yes`` is refused with 403.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def stream_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    del context
    request = event["requestContext"]
    connection_id = request["connectionId"]
    table = os.environ["STREAM_BINDINGS_TABLE"]
    dynamodb = boto3.client("dynamodb")  # endpoint from AWS_ENDPOINT_URL_DYNAMODB
    if request["eventType"] == "CONNECT":
        refused = event.get("headers", {}).get("X-Refuse") == "yes"
        return {"statusCode": 403 if refused else 200}
    if request["eventType"] == "DISCONNECT":
        dynamodb.delete_item(TableName=table, Key={"pk": {"S": "c#" + connection_id}})
        return {"statusCode": 200}
    dynamodb.put_item(
        TableName=table,
        Item={"pk": {"S": "c#" + connection_id}, "expiresAt": {"N": "4102444800"}},
    )
    management = boto3.client(
        "apigatewaymanagementapi", endpoint_url=os.environ["STREAM_MANAGEMENT_URL"]
    )
    reply = {"type": "bound", "connectionId": connection_id, "route": request["routeKey"]}
    management.post_to_connection(ConnectionId=connection_id, Data=json.dumps(reply).encode())
    return {"statusCode": 200}
