"""Merging template + env.json + process environment, and choosing the LLM mode."""

from __future__ import annotations

import pytest

from devstack.config import (
    BOT_ALIAS_ID,
    BOT_ID,
    ConfigError,
    apply_llm_overrides,
    chat_api_environment,
    child_base_environment,
    fallback_environment,
    parse_env_vars,
    select_llm_mode,
)

TEMPLATE = {
    "Parameters": {"OpenAIModel": {"Type": "String", "Default": "gpt-4o-mini"}},
    "Globals": {"Function": {"Environment": {"Variables": {"POWERTOOLS_LOG_LEVEL": "INFO"}}}},
    "Resources": {
        "ChatBot": {"Type": "AWS::Lex::Bot", "Properties": {}},
        "FallbackFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "fallback_function/",
                "Handler": "handler.lambda_handler",
                "Environment": {
                    "Variables": {
                        "OPENAI_MODEL": {"Ref": "OpenAIModel"},
                        "OPENAI_BASE_URL": "",
                    }
                },
            },
        },
        "ChatApiFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "chalice_app/",
                "Handler": "app.app",
                "Environment": {
                    "Variables": {
                        "LEX_BOT_ID": {"Ref": "ChatBot"},
                        "LEX_DEFAULT_LOCALE": "ko_KR",
                        "LEX_ENDPOINT_URL": "https://example.invalid",
                    }
                },
            },
        },
    },
}


def test_parse_env_vars_turns_scalars_into_strings_and_null_into_unset():
    parsed = parse_env_vars({"FallbackFunction": {"A": 1, "B": True, "C": None, "D": "x"}})
    assert parsed == {"FallbackFunction": {"A": "1", "B": "true", "C": "", "D": "x"}}


@pytest.mark.parametrize(
    "data",
    [[], {"FallbackFunction": ["x"]}, {"FallbackFunction": {"A": {"nested": 1}}}, "text"],
)
def test_parse_env_vars_refuses_other_shapes_with_a_clear_error(data):
    with pytest.raises(ConfigError, match=r"env\.json"):
        parse_env_vars(data, source="env.json")


def test_process_environment_overrides_the_file_for_llm_settings():
    env = apply_llm_overrides(
        {"FallbackFunction": {"OPENAI_BASE_URL": "http://file/v1", "OPENAI_MODEL": "m1"}},
        {"OPENAI_BASE_URL": "http://env/v1", "OPENAI_API_KEY": "sk-env", "HOME": "/root"},
    )
    assert env["FallbackFunction"] == {
        "OPENAI_BASE_URL": "http://env/v1",
        "OPENAI_MODEL": "m1",
        "OPENAI_API_KEY": "sk-env",
    }


def test_empty_values_mean_unset_in_file_and_environment():
    env = apply_llm_overrides(
        {"FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "http://file/v1"}},
        {"OPENAI_BASE_URL": "", "OPENAI_MODEL": ""},
    )
    assert env["FallbackFunction"] == {"OPENAI_BASE_URL": "http://file/v1"}


def test_overrides_do_not_modify_the_callers_dict():
    original = {"FallbackFunction": {"OPENAI_MODEL": "m1"}}
    apply_llm_overrides(original, {"OPENAI_MODEL": "m2"})
    assert original == {"FallbackFunction": {"OPENAI_MODEL": "m1"}}


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"OPENAI_API_KEY": "sk-1", "OPENAI_BASE_URL": "http://x/v1"}, "openai"),
        ({"OPENAI_API_KEY": "sk-1"}, "openai"),
        ({"OPENAI_API_KEY": "REPLACE_WITH_OPENAI_API_KEY"}, "none"),
        ({"OPENAI_API_KEY": "  ", "OPENAI_BASE_URL": "http://x/v1"}, "compatible"),
        ({"OPENAI_BASE_URL": "http://x/v1"}, "compatible"),
        ({"OPENAI_MODEL": "gpt-4o-mini"}, "none"),
        ({}, "none"),
    ],
)
def test_llm_mode_order_is_key_then_base_url_then_none(env, kind):
    assert select_llm_mode(env).kind == kind


def test_llm_mode_description_never_contains_the_key():
    mode = select_llm_mode({"OPENAI_API_KEY": "sk-secret-123", "OPENAI_MODEL": "gpt-x"})
    text = mode.describe()
    assert "sk-secret-123" not in text
    assert "gpt-x" in text
    assert "OPENAI_BASE_URL" in select_llm_mode({}).describe()


def test_fallback_environment_applies_template_defaults_then_the_file():
    env = fallback_environment(
        TEMPLATE, "/repo", {"FallbackFunction": {"OPENAI_BASE_URL": "http://b/v1"}}
    )
    assert env["OPENAI_MODEL"] == "gpt-4o-mini"
    assert env["OPENAI_BASE_URL"] == "http://b/v1"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"


def test_chat_api_environment_points_at_the_emulator_last():
    env = chat_api_environment(
        TEMPLATE,
        "/repo",
        {"ChatApiFunction": {"LEX_DEFAULT_LOCALE": "en_US", "LEX_ENDPOINT_URL": "http://no"}},
        "http://127.0.0.1:4010",
    )
    assert env["LEX_DEFAULT_LOCALE"] == "en_US"  # env.json beats the template
    assert env["LEX_ENDPOINT_URL"] == "http://127.0.0.1:4010"  # the stack beats env.json
    assert env["LEX_BOT_ID"] == BOT_ID == "LOCALBOTID"
    assert env["LEX_BOT_ALIAS_ID"] == BOT_ALIAS_ID == "TSTALIASID"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"


def test_chat_api_environment_generates_a_new_session_key_each_run():
    keys = {
        chat_api_environment(TEMPLATE, "/repo", {}, "http://127.0.0.1:4010")["SESSION_KEY"]
        for _ in range(3)
    }
    assert len(keys) == 3
    assert all(len(key) >= 32 for key in keys)


def test_children_do_not_inherit_keys_profiles_or_real_credentials():
    env = child_base_environment(
        {
            "PATH": "/usr/bin",
            "OPENAI_API_KEY": "sk-real",
            "AWS_PROFILE": "prod",
            "AWS_SECRET_ACCESS_KEY": "real",
            "LEX_ENDPOINT_URL": "https://real",
        }
    )
    assert env["PATH"] == "/usr/bin"
    assert "OPENAI_API_KEY" not in env
    assert "AWS_PROFILE" not in env
    assert "LEX_ENDPOINT_URL" not in env
    assert env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
