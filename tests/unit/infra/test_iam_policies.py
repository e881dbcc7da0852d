"""Every AWS action the code calls is granted by its function's policies, and nothing broader.

The actions are found in the source, not listed by hand: every ``boto3 ... client("service")`` a
function's code creates, every call on it whose name is an operation of that service's botocore model,
plus the Powertools helpers that call AWS for us. Each becomes an IAM action
(``<signingName>:<Operation>``) that must be allowed by the template's policy for that function and,
for the chat API, by each Chalice stage policy file too.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from deploytools.iam_actions import actions_called
from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]


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


def test_chalice_policy_files_are_generated_not_committed() -> None:
    """``make chalice-config STAGE=...`` writes them from the code and the deployed stack
    (tests/functional/deploytools checks what it writes); a hand-kept file drifts."""
    assert not list((ROOT / "chalice_app/.chalice").glob("policy-*.json"))
    ignored = (ROOT / ".gitignore").read_text()
    assert "chalice_app/.chalice/policy-*.json" in ignored


def test_config_uses_the_policy_files_not_autogen() -> None:
    config = json.loads((ROOT / "chalice_app/.chalice/config.json").read_text())
    assert config["autogen_policy"] is False
    for stage in ("dev", "prod"):
        assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"


# Actions whose request names no resource, so IAM can only authorise them against "*": Polly's
# SynthesizeSpeech without a lexicon (Service Authorization Reference, list_amazonpolly.html).
NO_RESOURCE_ACTIONS = frozenset({"polly:SynthesizeSpeech"})


def test_no_statement_in_the_template_allows_everything(template: dict[str, Any]) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("Effect") == "Allow":
                actions = _as_list(node.get("Action", []))
                assert "*" not in actions and not any(a.endswith(":*") for a in actions), node
                if not set(actions) <= NO_RESOURCE_ACTIONS:
                    assert node.get("Resource") != "*", node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(template["Resources"])
