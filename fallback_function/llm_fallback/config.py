"""Settings of the fallback function, read from the environment (names in docs/contracts.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_MODEL", "Settings"]

DEFAULT_MODEL = "gpt-4o-mini"


def _text(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(_text(env, name))
    except ValueError:
        return default
    return min(max(value, low), high)


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    try:
        value = float(_text(env, name))
    except ValueError:
        return default
    if not math.isfinite(value):
        return default
    return min(max(value, low), high)


@dataclass(frozen=True)
class Settings:
    """Everything the function reads from its environment.

    Unparseable numbers fall back to the default and out-of-range ones are clamped, so a typo in
    env.json degrades gracefully instead of failing every request. ``api_key`` is kept out of
    ``repr`` so the settings can be logged.
    """

    api_key: str = field(default="", repr=False)
    api_key_secret_arn: str = ""
    base_url: str = ""
    model: str = DEFAULT_MODEL
    max_tokens: int = 512
    system_prompt: str = ""
    timeout_seconds: float = 20.0
    max_retries: int = 1
    history_turns: int = 6
    stream_management_url: str = ""
    """``STREAM_MANAGEMENT_URL``: the Management API endpoint chunks are posted to (empty: off)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            api_key=_text(env, "OPENAI_API_KEY"),
            api_key_secret_arn=_text(env, "OPENAI_API_KEY_SECRET_ARN"),
            base_url=_text(env, "OPENAI_BASE_URL"),
            model=_text(env, "OPENAI_MODEL") or DEFAULT_MODEL,
            max_tokens=_int(env, "OPENAI_MAX_TOKENS", 512, 16, 16384),
            system_prompt=(env.get("OPENAI_SYSTEM_PROMPT") or "").strip(),
            timeout_seconds=_float(env, "LLM_TIMEOUT_SECONDS", 20.0, 0.1, 28.0),
            max_retries=_int(env, "LLM_MAX_RETRIES", 1, 0, 5),
            history_turns=_int(env, "LLM_HISTORY_TURNS", 6, 0, 50),
            stream_management_url=_text(env, "STREAM_MANAGEMENT_URL"),
        )
