""".chalice/config.json and the generated policy files: stages, least privilege, contract env names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from chalice.cli.factory import CLIFactory

ROOT = Path(__file__).resolve().parents[3]
PROJECT = ROOT / "chalice_app"
CONTRACT_ENV = {
    "LEX_BOT_ID",
    "LEX_BOT_ALIAS_ID",
    "LEX_DEFAULT_LOCALE",
    "LEX_LOCALES",
    "LEX_ENDPOINT_URL",
    "LEX_CONNECT_TIMEOUT_SECONDS",
    "LEX_READ_TIMEOUT_SECONDS",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "SESSION_KEY_SECRET_ARN",
}
DEPLOY_STAGES = ["dev", "prod"]


def chalice_config(stage: str):
    return CLIFactory(str(PROJECT)).create_config_obj(chalice_stage_name=stage)


def test_app_name_matches_the_app_object():
    import app as app_module

    assert chalice_config("dev").app_name == app_module.app.app_name == "lex-llm-chat"


@pytest.mark.parametrize("stage", [*DEPLOY_STAGES, "local"])
def test_stages_use_only_contract_env_names(stage):
    env = chalice_config(stage).environment_variables
    assert set(env) <= CONTRACT_ENV
    assert {"LEX_BOT_ID", "LEX_BOT_ALIAS_ID", "LEX_DEFAULT_LOCALE", "LEX_LOCALES"} <= set(env)


def test_lambda_timeout_stays_under_api_gateways_29_seconds():
    config = chalice_config("prod")
    assert config.lambda_timeout <= 29
    env = config.environment_variables
    assert float(env["LEX_CONNECT_TIMEOUT_SECONDS"]) + float(env["LEX_READ_TIMEOUT_SECONDS"]) <= (
        config.lambda_timeout
    )


@pytest.mark.parametrize("stage", DEPLOY_STAGES)
def test_deploy_stages_use_a_generated_least_privilege_policy(stage, tmp_path):
    """``make chalice-config STAGE=...`` writes the policy (deploytools.chalice_config)."""
    from deploytools.chalice_config import generate
    from tests.functional.deploytools.test_chalice_config import FakeCloudFormation

    project = tmp_path / "chalice_app"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("__pycache__", "deployments"))
    generate(stage, FakeCloudFormation(), "lex-llm-chatbot", app_dir=project)
    config = CLIFactory(str(project)).create_config_obj(chalice_stage_name=stage)
    assert config.autogen_policy is False
    policy = json.loads((project / ".chalice" / config.iam_policy_file).read_text())
    granted: dict[str, list[str]] = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"]
        resources = statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action, action
            granted.setdefault(action, []).extend(
                [resources] if isinstance(resources, str) else resources
            )
    assert set(granted) == {
        "lex:RecognizeText",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:GetSecretValue",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "execute-api:ManageConnections",
    }
    for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"):
        assert all(":table/" in arn for arn in granted[action])
    assert all("/stream/POST/@connections/" in a for a in granted["execute-api:ManageConnections"])
    assert all(":bot-alias/" in arn for arn in granted["lex:RecognizeText"])
    assert all(
        ":secret:SessionKeySecret" in arn for arn in granted["secretsmanager:GetSecretValue"]
    )
    assert "SESSION_KEY_SECRET_ARN" in config.environment_variables
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        assert all(f"/aws/lambda/lex-llm-chat-{stage}" in arn for arn in granted[action])
    assert "*" not in {r for rs in granted.values() for r in rs}
