"""Settings.from_env: contract names, defaults, and graceful handling of bad values."""

from __future__ import annotations

from llm_fallback.config import Settings
from llm_fallback.prompts import language_name, system_prompt


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.model == "gpt-4o-mini"
    assert settings.max_tokens == 512
    assert settings.timeout_seconds == 20.0
    assert settings.max_retries == 1
    assert settings.history_turns == 6
    assert settings.base_url == ""
    assert settings.api_key == ""
    assert settings.api_key_secret_arn == ""
    assert settings.system_prompt == ""


def test_reads_every_contract_variable() -> None:
    settings = Settings.from_env(
        {
            "OPENAI_API_KEY": " sk-x ",
            "OPENAI_API_KEY_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:k",
            "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
            "OPENAI_MODEL": "llama3",
            "OPENAI_MAX_TOKENS": "256",
            "OPENAI_SYSTEM_PROMPT": "Be a pirate.",
            "LLM_TIMEOUT_SECONDS": "7.5",
            "LLM_MAX_RETRIES": "2",
            "LLM_HISTORY_TURNS": "3",
        }
    )
    assert settings.api_key == "sk-x"
    assert settings.api_key_secret_arn.endswith(":k")
    assert settings.base_url == "http://127.0.0.1:11434/v1"
    assert (settings.model, settings.max_tokens, settings.system_prompt) == (
        "llama3",
        256,
        "Be a pirate.",
    )
    assert (settings.timeout_seconds, settings.max_retries, settings.history_turns) == (7.5, 2, 3)


def test_bad_numbers_fall_back_and_out_of_range_is_clamped() -> None:
    settings = Settings.from_env(
        {
            "OPENAI_MAX_TOKENS": "lots",
            "LLM_TIMEOUT_SECONDS": "nan",
            "LLM_MAX_RETRIES": "-3",
            "LLM_HISTORY_TURNS": "1e9",
        }
    )
    assert settings.max_tokens == 512
    assert settings.timeout_seconds == 20.0
    assert settings.max_retries == 0
    assert settings.history_turns == 6
    assert Settings.from_env({"LLM_TIMEOUT_SECONDS": "600"}).timeout_seconds < 30


def test_language_of_locale() -> None:
    assert language_name("ko_KR") == "Korean"
    assert language_name("en_US") == "English"
    assert language_name("ja_JP") == "Japanese"
    assert language_name("xx_YY") == "English"
    assert language_name("") == "English"


def test_system_prompt_names_the_language() -> None:
    assert "Korean" in system_prompt("ko_KR")
    assert "English" in system_prompt("en_US")
    assert "French" in system_prompt("fr_CA")


def test_system_prompt_override_with_language_placeholder() -> None:
    assert system_prompt("ko_KR", "Reply in {language} only.") == "Reply in Korean only."
    assert system_prompt("ko_KR", "Be terse.") == "Be terse."
