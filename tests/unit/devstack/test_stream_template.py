"""What the local gateway reads from a template, and the StreamFunction's environment (no I/O)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devstack.config import stream_function_environment
from devstack.stream_events import DEFAULT_ROUTE_KEYS
from devstack.stream_template import has_stream_function, stream_api, table_definition
from lex_emulator.cfn_template import load_template

REPO = Path(__file__).resolve().parents[3]


def _template(**resources: Any) -> dict[str, Any]:
    return {"Parameters": {"Stage": {"Type": "String", "Default": "x"}}, "Resources": resources}


STREAM_FUNCTION = {
    "Type": "AWS::Serverless::Function",
    "Properties": {
        "CodeUri": "chalice_app/",
        "Handler": "app.stream_events",
        "Environment": {
            "Variables": {
                "STREAM_BINDINGS_TABLE": {"Ref": "StreamBindingsTable"},
                "STREAM_MANAGEMENT_URL": "https://example/stream",
                "OTHER": "kept",
            }
        },
    },
}
API = {
    "Type": "AWS::ApiGatewayV2::Api",
    "Properties": {
        "ProtocolType": "WEBSOCKET",
        "RouteSelectionExpression": "$request.body.kind",
    },
}


def _route(key: str, api: str = "Ws") -> dict[str, Any]:
    return {
        "Type": "AWS::ApiGatewayV2::Route",
        "Properties": {"ApiId": {"Ref": api}, "RouteKey": key},
    }


def test_stream_function_presence():
    assert has_stream_function(_template(StreamFunction=STREAM_FUNCTION))
    assert not has_stream_function(_template())
    assert not has_stream_function(_template(StreamFunction={"Type": "AWS::SNS::Topic"}))


def test_repository_template_runs_without_streaming_until_it_has_a_stream_function():
    template = load_template(REPO / "template.yaml")
    assert has_stream_function(template) == ("StreamFunction" in template["Resources"])


def test_routes_and_selection_come_from_the_websocket_api():
    http_api = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}
    template = _template(
        Http=http_api,
        Ws=API,
        A=_route("$connect"),
        B=_route("bind"),
        C=_route("elsewhere", api="Http"),
    )
    api = stream_api(template)
    assert api.selection_expression == "$request.body.kind"
    assert api.route_keys == frozenset({"$connect", "bind"})


def test_contract_defaults_without_an_api():
    api = stream_api(_template())
    assert api.selection_expression == "$request.body.action"
    assert api.route_keys == DEFAULT_ROUTE_KEYS


def test_table_from_the_template():
    table = {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
        },
    }
    definition = table_definition(_template(StreamBindingsTable=table))
    assert definition.name == "StreamBindingsTable"
    assert definition.key_schema == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert definition.ttl_attribute == "ttl"
    kwargs = definition.create_table_kwargs()
    assert kwargs["TableName"] == "StreamBindingsTable"
    assert kwargs["BillingMode"] == "PAY_PER_REQUEST"


def test_table_name_and_disabled_ttl():
    table = {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": {"Fn::Sub": "bindings-${Stage}"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": False},
        },
    }
    definition = table_definition(_template(StreamBindingsTable=table))
    assert definition.name == "bindings-x"
    assert definition.ttl_attribute is None


def test_contract_table_without_one_in_the_template():
    definition = table_definition(_template())
    assert definition.key_schema == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert definition.attribute_definitions == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert definition.ttl_attribute == "expiresAt"


def test_stream_function_environment_layers():
    template = _template(StreamFunction=STREAM_FUNCTION)
    env = stream_function_environment(
        template,
        REPO,
        {"StreamFunction": {"OTHER": "from env.json"}},
        {"SESSION_KEY": "k", "LEX_BOT_ID": "not for the stream function"},
        {
            "STREAM_BINDINGS_TABLE": "StreamBindingsTable",
            "STREAM_MANAGEMENT_URL": "http://127.0.0.1:1/stream",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:2",
        },
    )
    assert env["STREAM_BINDINGS_TABLE"] == "StreamBindingsTable"
    assert env["STREAM_MANAGEMENT_URL"] == "http://127.0.0.1:1/stream"
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:2"
    assert env["OTHER"] == "from env.json"
    assert env["SESSION_KEY"] == "k"  # the chat API's: its session ids bind
    assert "LEX_BOT_ID" not in env
