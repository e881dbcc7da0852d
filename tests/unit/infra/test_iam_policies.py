"""Every AWS action the code calls is granted by its function's policies, and nothing broader.

The actions are found in the source, not listed by hand: every ``boto3 ... client("service")`` a
function's code creates, every call on it whose name is an operation of that service's botocore model,
plus the Powertools helpers that call AWS for us. Each becomes an IAM action
(``<signingName>:<Operation>``) that must be allowed by the template's policy for that function and,
for the chat API, by each Chalice stage policy file too.
"""

from __future__ import annotations

import ast
import fnmatch
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]

# Powertools helpers that call AWS on our behalf: (function or class called) -> IAM action.
WRAPPED_CALLS = {
    "get_secret": "secretsmanager:GetSecretValue",
    "SecretsProvider": "secretsmanager:GetSecretValue",
}

_BOTO = botocore.session.get_session()


def _operations(service: str) -> dict[str, str]:
    """snake_case method name -> IAM action for one botocore service."""
    model = _BOTO.get_service_model(service)
    prefix = model.signing_name or model.endpoint_prefix
    from botocore import xform_name

    return {xform_name(op): f"{prefix}:{op}" for op in model.operation_names}


def actions_called(code_dir: Path) -> set[str]:
    """IAM actions the code under ``code_dir`` can call, found by reading its source."""
    services: set[str] = set()
    calls: set[str] = set()
    for path in code_dir.rglob("*.py"):
        if ".chalice" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                calls.add(node.func.id)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.add(node.func.attr)
                if (
                    node.func.attr == "client"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    services.add(node.args[0].value)
    actions = {WRAPPED_CALLS[c] for c in calls if c in WRAPPED_CALLS}
    for service in services:
        ops = _operations(service)
        actions |= {ops[c] for c in calls if c in ops}
    return actions


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed(statements: list[dict[str, Any]], action: str) -> list[Any]:
    """Resources of the Allow statements that grant ``action``."""
    resources: list[Any] = []
    for st in statements:
        if st.get("Effect") != "Allow":
            continue
        if any(fnmatch.fnmatchcase(action, pattern) for pattern in _as_list(st["Action"])):
            resources.extend(_as_list(st["Resource"]))
    return resources


def template_statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    props = template["Resources"][function]["Properties"]
    statements: list[dict[str, Any]] = []
    for policy in props.get("Policies", []):
        assert isinstance(policy, dict), f"{function}: use inline statements, not managed policies"
        statements.extend(policy["Statement"])
    return statements


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """The project's template."""
    return load_template(ROOT / "template.yaml")


def test_source_scan_finds_what_each_function_calls() -> None:
    assert actions_called(ROOT / "chalice_app") == {
        "lex:RecognizeText",
        "secretsmanager:GetSecretValue",
    }
    assert actions_called(ROOT / "fallback_function") == {"secretsmanager:GetSecretValue"}


# The one resource each called action is scoped to, per function.
RESOURCE_REFS = {
    "ChatApiFunction": {
        "lex:RecognizeText": "ChatBotAlias.BotAliasId",
        "secretsmanager:GetSecretValue": "SessionKeySecret",
    },
    "FallbackFunction": {"secretsmanager:GetSecretValue": "OpenAIApiKeySecret"},
}


@pytest.mark.parametrize(
    ("function", "code_dir"),
    [("ChatApiFunction", "chalice_app"), ("FallbackFunction", "fallback_function")],
)
def test_template_grants_every_called_action_on_the_one_resource(
    template: dict[str, Any], function: str, code_dir: str
) -> None:
    statements = template_statements(template, function)
    for action in actions_called(ROOT / code_dir):
        resources = allowed(statements, action)
        assert resources, f"{function} may not call {action}"
        resource_ref = RESOURCE_REFS[function][action]
        for resource in resources:
            assert resource != "*", f"{function}: {action} on '*'"
            assert resource_ref in json.dumps(resource), f"{function}: {action} not scoped"


def test_template_policies_grant_nothing_the_code_does_not_call(template: dict[str, Any]) -> None:
    for function, code_dir in (
        ("ChatApiFunction", "chalice_app"),
        ("FallbackFunction", "fallback_function"),
    ):
        called = actions_called(ROOT / code_dir)
        for st in template_statements(template, function):
            for pattern in _as_list(st["Action"]):
                assert "*" not in pattern, f"{function}: wildcard action {pattern}"
                assert pattern in called, (
                    f"{function}: grants {pattern}, which the code never calls"
                )


@pytest.mark.parametrize(
    "policy_file", sorted((ROOT / "chalice_app/.chalice").glob("policy-*.json"))
)
def test_chalice_policy_files_grant_what_the_app_calls(policy_file: Path) -> None:
    statements = json.loads(policy_file.read_text())["Statement"]
    scoped_to = {
        "lex:RecognizeText": ":bot-alias/",
        "secretsmanager:GetSecretValue": ":secret:*SessionKeySecret",
    }
    for action in actions_called(ROOT / "chalice_app"):
        resources = allowed(statements, action)
        assert resources, f"{policy_file.name} does not grant {action}"
        assert all(r != "*" and scoped_to[action] in r for r in resources)
    for st in statements:
        for pattern in _as_list(st["Action"]):
            assert pattern != "lex:*" and pattern != "*"


def test_config_uses_the_policy_files_not_autogen() -> None:
    config = json.loads((ROOT / "chalice_app/.chalice/config.json").read_text())
    assert config["autogen_policy"] is False
    for stage in ("dev", "prod"):
        policy = config["stages"][stage]["iam_policy_file"]
        assert (ROOT / "chalice_app/.chalice" / policy).is_file()


def test_no_statement_in_the_template_allows_everything(template: dict[str, Any]) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("Effect") == "Allow":
                actions = _as_list(node.get("Action", []))
                assert "*" not in actions and not any(a.endswith(":*") for a in actions), node
                assert node.get("Resource") != "*", node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(template["Resources"])
