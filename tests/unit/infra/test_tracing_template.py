"""X-Ray in the template: one ``Tracing`` parameter turns it on for both functions and the API stage,
and only then may the function roles write to X-Ray.

Checked on samtranslator's output (``sam deploy`` and CloudFormation's transform use the same
library) with each value of the parameter, the way CloudFormation hands the values to the transform.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.unit.infra.test_template_translated import translate

ROOT = Path(__file__).resolve().parents[3]
XRAY_POLICY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
FUNCTIONS = ("ChatApiFunction", "FallbackFunction", "StreamFunction")


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))


def _translated(source: dict[str, Any], tracing: str | None) -> dict[str, dict[str, Any]]:
    params = {} if tracing is None else {"Tracing": tracing}
    return translate(source, parameter_values=params)["Resources"]


def _condition_values(source: dict[str, Any], tracing: str) -> dict[str, bool]:
    """The template's TracingEnabled condition for one parameter value (it is an Fn::Equals)."""
    left, right = source["Conditions"]["TracingEnabled"]["Fn::Equals"]
    assert left == {"Ref": "Tracing"}
    return {"TracingEnabled": tracing == right}


def _resolve_if(value: Any, conditions: dict[str, bool]) -> Any:
    if isinstance(value, dict) and set(value) == {"Fn::If"}:
        name, when_true, when_false = value["Fn::If"]
        return when_true if conditions[name] else when_false
    return value


def _xray_grants(role: dict[str, Any]) -> list[Any]:
    """Every managed policy or inline statement of ``role`` that mentions X-Ray."""
    props = role["Properties"]
    found: list[Any] = [
        arn for arn in props.get("ManagedPolicyArns", []) if "xray" in str(arn).lower()
    ]
    for policy in props.get("Policies", []):
        found += [s for s in policy["PolicyDocument"]["Statement"] if "xray" in str(s).lower()]
    return found


def test_the_parameter_takes_lambdas_mode_names_and_defaults_to_off(source) -> None:
    parameter = source["Parameters"]["Tracing"]
    assert parameter["AllowedValues"] == ["Active", "Disabled"]
    assert parameter["Default"] == "Disabled"
    # a Ref SAM can resolve at translation time; an Fn::If it cannot (see the next test)
    assert source["Globals"]["Function"]["Tracing"] == {"Ref": "Tracing"}


@pytest.mark.parametrize("tracing", [None, "Disabled"])
def test_with_tracing_off_no_function_may_write_to_xray(source, tracing) -> None:
    resources = _translated(source, tracing)
    for function in FUNCTIONS:
        assert "TracingConfig" not in resources[function]["Properties"]
        assert _xray_grants(resources[f"{function}Role"]) == []
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            assert _xray_grants(resource) == [], logical_id


def test_with_tracing_active_both_functions_trace_and_may_write_to_xray(source) -> None:
    resources = _translated(source, "Active")
    for function in FUNCTIONS:
        assert resources[function]["Properties"]["TracingConfig"] == {"Mode": {"Ref": "Tracing"}}
        assert _xray_grants(resources[f"{function}Role"]) == [XRAY_POLICY]


def test_the_check_sees_the_policy_an_fn_if_would_add_when_disabled(source) -> None:
    broken = copy.deepcopy(source)
    broken["Globals"]["Function"]["Tracing"] = {"Fn::If": ["TracingEnabled", "Active", "Disabled"]}
    resources = _translated(broken, "Disabled")
    for function in FUNCTIONS:
        assert _xray_grants(resources[f"{function}Role"]) == [XRAY_POLICY]


@pytest.mark.parametrize(("tracing", "trace_disabled"), [("Active", "false"), ("Disabled", "true")])
def test_powertools_tracer_and_the_api_stage_follow_the_parameter(
    source, tracing, trace_disabled
) -> None:
    conditions = _condition_values(source, tracing)
    resources = _translated(source, tracing)
    for function in FUNCTIONS:
        variables = resources[function]["Properties"]["Environment"]["Variables"]
        assert _resolve_if(variables["POWERTOOLS_TRACE_DISABLED"], conditions) == trace_disabled
    stages = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert stages
    for stage in stages:
        assert _resolve_if(stage["Properties"]["TracingEnabled"], conditions) is (
            tracing == "Active"
        )
