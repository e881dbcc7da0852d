"""What CloudFormation would get: template.yaml translated by samtranslator, offline.

SAM expands ``AWS::Serverless::*`` into resources the source does not show (deployments, stages,
roles, permissions), so the checks that matter for a deploy run on samtranslator's output, the same
library ``sam deploy`` and CloudFormation's transform use. No AWS call is made: the region is fixed
and managed policy names are not looked up (the template uses inline statements only).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[3]

# Actions whose request names no resource, so IAM can only authorise them against "*": Polly's
# SynthesizeSpeech without a lexicon (Service Authorization Reference, list_amazonpolly.html).
NO_RESOURCE_ACTIONS = frozenset({"polly:SynthesizeSpeech"})
SECURITY_HEADER_NAMES = {
    "Content-Security-Policy",
    "Referrer-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Strict-Transport-Security",
}


def translate(
    source: dict[str, Any], parameter_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """samtranslator's output for a parsed SAM template (CodeUri as `sam package` leaves it).

    ``parameter_values`` are what CloudFormation hands the transform (defaults fill the rest)."""
    source = copy.deepcopy(source)
    for logical_id, resource in source["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://artifacts/{logical_id}.zip"
    translator = Translator(
        None, Parser(), boto_session=boto3.session.Session(region_name="us-east-1")
    )
    return translator.translate(
        source, parameter_values=dict(parameter_values or {}), get_managed_policy_map=dict
    )


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resources(source: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return translate(source)["Resources"]


def of_type(resources: dict[str, dict[str, Any]], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in resources.items() if v["Type"] == type_name}


def test_the_rest_api_has_one_stage_and_no_implicit_stage_stage(resources) -> None:
    stages = of_type(resources, "AWS::ApiGateway::Stage")
    assert [s["Properties"]["StageName"] for s in stages.values()] == ["api"]
    for deployment in of_type(resources, "AWS::ApiGateway::Deployment").values():
        # a StageName on a Deployment creates a second, unmanaged stage (SAM's `Stage`)
        assert "StageName" not in deployment["Properties"]


def test_the_check_sees_the_implicit_stage_when_the_fix_is_removed(source) -> None:
    broken = copy.deepcopy(source)
    del broken["Globals"]["Api"]["OpenApiVersion"]
    deployments = of_type(translate(broken)["Resources"], "AWS::ApiGateway::Deployment")
    assert [d["Properties"].get("StageName") for d in deployments.values()] == ["Stage"]


def test_every_stage_throttles_every_method(resources) -> None:
    for name, stage in of_type(resources, "AWS::ApiGateway::Stage").items():
        settings = stage["Properties"].get("MethodSettings") or []
        everything = [s for s in settings if s["ResourcePath"] == "/*" and s["HttpMethod"] == "*"]
        assert everything, f"{name} has no throttling for every method"
        for key in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
            assert key in everything[0], f"{name}: no {key}"


def test_every_method_requires_the_key_only_cloudfront_sends(resources) -> None:
    (api,) = of_type(resources, "AWS::ApiGateway::RestApi").values()
    body = api["Properties"]["Body"]
    assert body["components"]["securitySchemes"]["api_key"] == {
        "type": "apiKey",
        "name": "x-api-key",
        "in": "header",
    }
    methods = [op for path in body["paths"].values() for op in path.values()]
    assert methods and all(op.get("security") == [{"api_key": []}] for op in methods)
    (key,) = of_type(resources, "AWS::ApiGateway::ApiKey").values()
    (dist,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    api_origin = next(o for o in config["Origins"] if "execute-api" in json.dumps(o["DomainName"]))
    (header,) = api_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "x-api-key"
    assert header["HeaderValue"] == key["Properties"]["Value"]
    assert "resolve:secretsmanager" in json.dumps(header["HeaderValue"])
    (plan,) = of_type(resources, "AWS::ApiGateway::UsagePlan").values()
    (stage_id,) = of_type(resources, "AWS::ApiGateway::Stage")
    assert plan["Properties"]["ApiStages"][0]["Stage"] == {"Ref": stage_id}


def _statements(resources: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for name, resource in resources.items():
        props = resource.get("Properties", {})
        documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
        if "PolicyDocument" in props:
            documents.append(props["PolicyDocument"])
        for document in documents:
            found.extend((name, st) for st in document["Statement"])
    return found


def test_no_allow_on_every_resource_where_an_arn_is_known(resources) -> None:
    statements = _statements(resources)
    assert len(statements) >= 4  # the walk reaches the functions' and Lex's roles
    for name, st in statements:
        if st["Effect"] != "Allow":
            continue
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        targets = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        if "*" in targets:
            assert set(actions) <= NO_RESOURCE_ACTIONS, f"{name}: {actions} on '*'"


def test_the_security_headers_policy_is_on_every_cache_behaviour(resources) -> None:
    (dist,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
    assert len(behaviours) >= 3
    for behaviour in behaviours:
        assert behaviour.get("ResponseHeadersPolicyId") == {"Ref": "SecurityHeadersPolicy"}, (
            behaviour.get("PathPattern", "default")
        )
    policy = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    named = {
        "Content-Security-Policy": "ContentSecurityPolicy",
        "Referrer-Policy": "ReferrerPolicy",
        "X-Content-Type-Options": "ContentTypeOptions",
        "X-Frame-Options": "FrameOptions",
        "Strict-Transport-Security": "StrictTransportSecurity",
    }
    present = {h for h, key in named.items() if security.get(key, {}).get("Override") is True}
    present |= {i["Header"] for i in policy["CustomHeadersConfig"]["Items"] if i["Override"]}
    assert present == SECURITY_HEADER_NAMES


def test_every_function_runs_on_python313(resources) -> None:
    functions = of_type(resources, "AWS::Lambda::Function")
    assert {f["Properties"]["Runtime"] for f in functions.values()} == {"python3.13"}
