"""What the local stream gateway needs from ``template.yaml``: plain data, no I/O.

* the ``StreamFunction`` (absent: streaming is off locally, and the stack runs as before);
* the WebSocket API's ``RouteSelectionExpression`` and its routes' ``RouteKey`` values
  (``AWS::ApiGatewayV2::Api`` with ``ProtocolType: WEBSOCKET``; the contract's defaults when the
  template has no such API);
* the ``StreamBindingsTable`` definition (``KeySchema``, ``AttributeDefinitions``, TTL), to
  create the same table in the local moto server (the contract's ``pk`` / ``expiresAt`` when the
  template has no such table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devstack.config import STREAM_FUNCTION
from devstack.stream_events import DEFAULT_ROUTE_KEYS, DEFAULT_SELECTION_EXPRESSION
from lex_emulator.cfn_template import resolve_value

__all__ = [
    "BINDINGS_TABLE",
    "StreamApi",
    "TableDefinition",
    "has_stream_function",
    "stream_api",
    "table_definition",
]

BINDINGS_TABLE = "StreamBindingsTable"
_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


@dataclass(frozen=True)
class StreamApi:
    selection_expression: str
    route_keys: frozenset[str]


@dataclass(frozen=True)
class TableDefinition:
    """A DynamoDB table as boto3's ``create_table`` and ``update_time_to_live`` take it."""

    name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    ttl_attribute: str | None

    def create_table_kwargs(self) -> dict[str, Any]:
        return {
            "TableName": self.name,
            "KeySchema": self.key_schema,
            "AttributeDefinitions": self.attribute_definitions,
            "BillingMode": "PAY_PER_REQUEST",
        }


def _resources(template: Mapping[str, Any]) -> Mapping[str, Any]:
    resources = template.get("Resources")
    return resources if isinstance(resources, dict) else {}


def has_stream_function(template: Mapping[str, Any]) -> bool:
    res = _resources(template).get(STREAM_FUNCTION)
    return isinstance(res, dict) and res.get("Type") in _FUNCTION_TYPES


def _refers_to(value: Any, logical_id: str) -> bool:
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        return any(_refers_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(_refers_to(v, logical_id) for v in value)
    return False


def stream_api(template: Mapping[str, Any]) -> StreamApi:
    """The first WebSocket API's route selection and routes (the contract's when absent)."""
    resources = _resources(template)
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::ApiGatewayV2::Api":
            continue
        props = res.get("Properties") or {}
        if resolve_value(template, props.get("ProtocolType")) != "WEBSOCKET":
            continue
        expression = resolve_value(template, props.get("RouteSelectionExpression"))
        keys = set()
        for other in resources.values():
            if not isinstance(other, dict) or other.get("Type") != "AWS::ApiGatewayV2::Route":
                continue
            route_props = other.get("Properties") or {}
            if not _refers_to(route_props.get("ApiId"), logical_id):
                continue
            key = resolve_value(template, route_props.get("RouteKey"))
            if isinstance(key, str) and key:
                keys.add(key)
        return StreamApi(
            selection_expression=expression
            if isinstance(expression, str) and expression
            else DEFAULT_SELECTION_EXPRESSION,
            route_keys=frozenset(keys) if keys else DEFAULT_ROUTE_KEYS,
        )
    return StreamApi(DEFAULT_SELECTION_EXPRESSION, DEFAULT_ROUTE_KEYS)


def _string_pairs(template: Mapping[str, Any], items: Any, a: str, b: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            first, second = (
                resolve_value(template, item.get(a)),
                resolve_value(template, item.get(b)),
            )
            if isinstance(first, str) and first and isinstance(second, str) and second:
                out.append({a: first, b: second})
    return out


def table_definition(template: Mapping[str, Any]) -> TableDefinition:
    """``StreamBindingsTable`` from the template (its ``TableName`` if set, else the logical id),
    or the contract's: ``pk`` (S), TTL ``expiresAt``."""
    res = _resources(template).get(BINDINGS_TABLE)
    props = (res.get("Properties") or {}) if isinstance(res, dict) else {}
    name = resolve_value(template, props.get("TableName"))
    keys = _string_pairs(template, props.get("KeySchema"), "AttributeName", "KeyType")
    attributes = _string_pairs(
        template, props.get("AttributeDefinitions"), "AttributeName", "AttributeType"
    )
    ttl_spec = props.get("TimeToLiveSpecification") or {}
    ttl = resolve_value(template, ttl_spec.get("AttributeName")) if ttl_spec else None
    enabled = resolve_value(template, ttl_spec.get("Enabled", True)) if ttl_spec else ""
    if not keys or not attributes:
        keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
        attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
        ttl, enabled = "expiresAt", "True"
    return TableDefinition(
        name=name if isinstance(name, str) and name else BINDINGS_TABLE,
        key_schema=keys,
        attribute_definitions=attributes,
        ttl_attribute=ttl if isinstance(ttl, str) and ttl and enabled.lower() == "true" else None,
    )
