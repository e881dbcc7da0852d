"""template.yaml's /stream parts match docs/contracts.md ("Streaming"): the WebSocket API and its
routes, the `stream` stage and its throttling, the bindings table, StreamFunction, CloudFront."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]
MANAGEMENT_URL = {"Fn::Sub": "https://${StreamApi}.execute-api.${AWS::Region}.amazonaws.com/stream"}
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")["Resources"]


def of_type(resources: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in resources.items() if v["Type"] == type_name}


def test_one_websocket_api_routed_by_action(resources):
    apis = of_type(resources, "AWS::ApiGatewayV2::Api")
    assert set(apis) == {"StreamApi"}
    assert apis["StreamApi"]["ProtocolType"] == "WEBSOCKET"
    assert apis["StreamApi"]["RouteSelectionExpression"] == "$request.body.action"


def test_every_route_is_a_lambda_proxy_to_stream_function(resources):
    routes = of_type(resources, "AWS::ApiGatewayV2::Route")
    assert {r["RouteKey"] for r in routes.values()} == {
        "$connect",
        "bind",
        "$default",
        "$disconnect",
    }
    integrations = of_type(resources, "AWS::ApiGatewayV2::Integration")
    for route in routes.values():
        assert route["ApiId"] == {"Ref": "StreamApi"}
        target = route["Target"]["Fn::Sub"]
        assert target.startswith("integrations/${") and target.endswith("}")
        integration = integrations[target[len("integrations/${") : -1]]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert "${StreamFunction.Arn}" in integration["IntegrationUri"]["Fn::Sub"]
    (permission,) = [
        p
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Principal"] == "apigateway.amazonaws.com"
    ]
    assert permission["FunctionName"] == {"Ref": "StreamFunction"}
    assert permission["SourceArn"]["Fn::Sub"].endswith(":${StreamApi}/stream/*")


def test_one_stage_named_stream_throttled_by_parameters(resources):
    stages = of_type(resources, "AWS::ApiGatewayV2::Stage")
    assert len(stages) == 1
    (stage,) = stages.values()
    assert stage["StageName"] == "stream" and stage["AutoDeploy"] is True
    settings = stage["DefaultRouteSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "StreamThrottlingRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "StreamThrottlingBurstLimit"}


def test_bindings_table_is_on_demand_with_ttl_and_encryption(resources):
    table = resources["StreamBindingsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_stream_function_is_the_chat_package_with_its_own_handler(resources):
    function = resources["StreamFunction"]
    assert function["Metadata"]["BuildMethod"] == "makefile"
    props = function["Properties"]
    assert (props["CodeUri"], props["Handler"]) == ("chalice_app/", "app.stream_events")
    assert resources["ChatApiFunction"]["Properties"]["CodeUri"] == "chalice_app/"
    makefile = (ROOT / "chalice_app/Makefile").read_text()
    assert "build-ChatApiFunction build-StreamFunction:" in makefile


def test_functions_get_the_contract_variables(resources):
    def env(name: str) -> dict[str, Any]:
        return resources[name]["Properties"]["Environment"]["Variables"]

    stream = env("StreamFunction")
    assert stream["STREAM_BINDINGS_TABLE"] == {"Ref": "StreamBindingsTable"}
    assert stream["STREAM_MANAGEMENT_URL"] == MANAGEMENT_URL
    assert stream["SESSION_KEY_SECRET_ARN"] == env("ChatApiFunction")["SESSION_KEY_SECRET_ARN"]
    assert stream["SESSION_KEY"] == ""
    assert env("ChatApiFunction")["STREAM_BINDINGS_TABLE"] == {"Ref": "StreamBindingsTable"}
    assert "STREAM_MANAGEMENT_URL" not in env("ChatApiFunction")
    assert env("FallbackFunction")["STREAM_MANAGEMENT_URL"] == MANAGEMENT_URL
    assert "STREAM_BINDINGS_TABLE" not in env("FallbackFunction")


def test_cloudfront_sends_stream_to_the_websocket_stage_with_the_handshake_headers(resources):
    config = resources["WebDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    (behaviour,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/stream"]
    origin = origins[behaviour["TargetOriginId"]]
    assert origin["DomainName"] == {
        "Fn::Sub": "${StreamApi}.execute-api.${AWS::Region}.amazonaws.com"
    }
    assert "OriginPath" not in origin  # /stream is the stage's own path
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    policy_id = behaviour["OriginRequestPolicyId"]["Ref"]
    policy = resources[policy_id]["Properties"]["OriginRequestPolicyConfig"]
    headers = policy["HeadersConfig"]
    assert headers["HeaderBehavior"] == "whitelist"
    assert {"Sec-WebSocket-Key", "Sec-WebSocket-Version"} <= set(headers["Headers"])
    assert "Host" not in headers["Headers"]  # API Gateway answers only to its own host name


def test_outputs_name_the_socket_and_the_table():
    outputs = load_template(ROOT / "template.yaml")["Outputs"]
    assert outputs["StreamUrl"]["Value"] == {
        "Fn::Sub": "wss://${WebDistribution.DomainName}/stream"
    }
    assert outputs["StreamBindingsTableArn"]["Value"] == {
        "Fn::GetAtt": ["StreamBindingsTable", "Arn"]
    }
    assert outputs["StreamManagementUrl"]["Value"] == MANAGEMENT_URL


def test_only_cloudfront_can_connect(resources):
    """$connect needs the API key CloudFront adds to the upgrade, as /chat's methods do."""
    api = resources["StreamApi"]["Properties"]
    assert api["ApiKeySelectionExpression"] == "$request.header.x-api-key"
    routes = of_type(resources, "AWS::ApiGatewayV2::Route")
    assert {r["RouteKey"]: r.get("ApiKeyRequired", False) for r in routes.values()} == {
        "$connect": True,
        "bind": False,
        "$default": False,
        "$disconnect": False,
    }
    config = resources["WebDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert (
        origins["StreamApiOrigin"]["OriginCustomHeaders"]
        == origins["ChatApiOrigin"]["OriginCustomHeaders"]
    )
    (plan,) = of_type(resources, "AWS::ApiGateway::UsagePlan").values()
    assert {"ApiId": {"Ref": "StreamApi"}, "Stage": {"Ref": "StreamStage"}} in plan["ApiStages"]
