"""Every AWS action the code calls is granted by its function's policies, and nothing broader.

The actions are found in the source, not listed by hand: every ``boto3 ... client("service")`` a
function's code creates, every call on it whose name is an operation of that service's botocore model,
plus the Powertools helpers that call AWS for us. Each becomes an IAM action
(``<signingName>:<Operation>``) that must be allowed by the template's policy for that function and,
for the chat API, by each Chalice stage policy file too.

``ChatApiFunction`` and ``StreamFunction`` share ``chalice_app/``; each is held to the modules its
handler reaches (``FUNCTIONS``), and a test checks that ``app.py`` really hands the routes to
``endpoint`` and the WebSocket handlers to ``stream_socket``.
"""

from __future__ import annotations

import ast
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


# function -> (code folder, the modules its handler hands events to; None: the whole folder)
FUNCTIONS: dict[str, tuple[str, list[str] | None]] = {
    "ChatApiFunction": ("chalice_app", ["chalicelib.endpoint"]),
    "StreamFunction": ("chalice_app", ["chalicelib.stream_socket"]),
    "FallbackFunction": ("fallback_function", None),
}


def called_by(function: str) -> set[str]:
    code_dir, entries = FUNCTIONS[function]
    return actions_called(ROOT / code_dir, entries)


STREAM_CONNECTIONS = "${StreamApi}/stream/POST/@connections/*"
TABLE_ARN = json.dumps({"Fn::GetAtt": ["StreamBindingsTable", "Arn"]})


def test_source_scan_finds_what_each_function_calls() -> None:
    assert called_by("ChatApiFunction") == {
        "lex:RecognizeText",
        "secretsmanager:GetSecretValue",
        "dynamodb:GetItem",
    }
    assert called_by("StreamFunction") == {
        "secretsmanager:GetSecretValue",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "execute-api:ManageConnections",
    }
    fallback = called_by("FallbackFunction")
    assert "secretsmanager:GetSecretValue" in fallback
    assert fallback <= {"secretsmanager:GetSecretValue", "execute-api:ManageConnections"}


def test_app_hands_routes_to_endpoint_and_websocket_events_to_stream_socket() -> None:
    """What makes the per-function scan honest: each handler in app.py reaches one module."""
    tree = ast.parse((ROOT / "chalice_app/app.py").read_text(encoding="utf-8"))
    seen: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = {
            d.func.attr
            for d in node.decorator_list
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
        }
        kind = (
            "route"
            if "route" in decorators
            else "stream"
            if decorators & {"on_ws_connect", "on_ws_message", "on_ws_disconnect"}
            or node.name == "stream_events"
            else "other"
        )
        used = {
            n.value.id
            for n in ast.walk(node)
            if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id in {"endpoint", "stream_socket"}
        }
        seen.setdefault(kind, set()).update(used)
    assert seen == {"route": {"endpoint"}, "stream": {"stream_socket"}}


# The one resource each called action is scoped to, per function.
RESOURCE_REFS = {
    "ChatApiFunction": {
        "lex:RecognizeText": "ChatBotAlias.BotAliasId",
        "secretsmanager:GetSecretValue": "SessionKeySecret",
        "dynamodb:GetItem": TABLE_ARN,
    },
    "StreamFunction": {
        "secretsmanager:GetSecretValue": "SessionKeySecret",
        "dynamodb:PutItem": TABLE_ARN,
        "dynamodb:DeleteItem": TABLE_ARN,
        "execute-api:ManageConnections": STREAM_CONNECTIONS,
    },
    "FallbackFunction": {
        "secretsmanager:GetSecretValue": "OpenAIApiKeySecret",
        "execute-api:ManageConnections": STREAM_CONNECTIONS,
    },
}


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_template_grants_every_called_action_on_the_one_resource(
    template: dict[str, Any], function: str
) -> None:
    statements = template_statements(template, function)
    for action in called_by(function):
        resources = allowed(statements, action)
        assert resources, f"{function} may not call {action}"
        resource_ref = RESOURCE_REFS[function][action]
        for resource in resources:
            assert resource != "*", f"{function}: {action} on '*'"
            assert resource_ref in json.dumps(resource), f"{function}: {action} not scoped"


def test_template_policies_grant_nothing_the_code_does_not_call(template: dict[str, Any]) -> None:
    for function in FUNCTIONS:
        called = called_by(function)
        for st in template_statements(template, function):
            for pattern in _as_list(st["Action"]):
                assert "*" not in pattern, f"{function}: wildcard action {pattern}"
                assert pattern in called, (
                    f"{function}: grants {pattern}, which the code never calls"
                )


def test_stream_connections_are_the_only_target(template: dict[str, Any]) -> None:
    """ManageConnections only on POST @connections of this stack's API's `stream` stage, and
    only for the two functions that post; the chat API only reads the table."""
    for function in FUNCTIONS:
        resources = allowed(
            template_statements(template, function), "execute-api:ManageConnections"
        )
        if function == "ChatApiFunction":
            assert resources == []
            continue
        assert resources, function
        for resource in resources:
            assert resource == {
                "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                + STREAM_CONNECTIONS
            }, function
    chat = template_statements(template, "ChatApiFunction")
    assert allowed(chat, "dynamodb:PutItem") == allowed(chat, "dynamodb:DeleteItem") == []


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
