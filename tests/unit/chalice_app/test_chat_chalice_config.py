""".chalice/config.json and the policy files: stages, least privilege, contract env names."""

from __future__ import annotations

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
def test_deploy_stages_use_the_generated_least_privilege_policy(stage):
    """``make chalice-config STAGE=...`` writes policy-<stage>.json from the code's AWS calls and the
    deployed stack (tests/functional/deploytools/test_chalice_config.py checks what it grants)."""
    config = chalice_config(stage)
    assert config.autogen_policy is False
    assert config.iam_policy_file == f"policy-{stage}.json"
    env = config.environment_variables
    assert {"LEX_BOT_ID", "LEX_BOT_ALIAS_ID", "SESSION_KEY_SECRET_ARN"} <= set(env)
