"""Turn ``template.yaml`` plus a SAM ``env.json`` into what each local process needs.

Nothing here touches the network or starts a process: it is plain data in, data out, so the merging
rules are easy to test. The rules:

* ``env.json`` is SAM's format: ``{"Parameters": {...}, "<LogicalId>": {"NAME": "value"}}``.
* ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` and ``OPENAI_MODEL`` from the process environment override
  the file's ``FallbackFunction`` values. An empty string means unset, in the file and in the
  environment, so the template's default applies.
* The Chalice app gets the template's ``ChatApiFunction`` environment, then the file's
  ``ChatApiFunction`` section, then the values that point it at the local emulator.
* Inherited ``OPENAI_*`` and AWS credential variables never reach a child: a developer's real key or
  profile must not leak into a local run by accident.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lex_emulator import env_vars
from lex_emulator.cfn_template import resolve_function

__all__ = [
    "BOT_ALIAS_ID",
    "BOT_ID",
    "CHAT_API_FUNCTION",
    "FALLBACK_FUNCTION",
    "LLM_OVERRIDE_NAMES",
    "REGION",
    "STREAM_FUNCTION",
    "ConfigError",
    "EnvVars",
    "LlmMode",
    "apply_llm_overrides",
    "chat_api_environment",
    "child_base_environment",
    "fallback_environment",
    "load_env_vars",
    "parse_env_vars",
    "select_llm_mode",
    "stream_function_environment",
]

EnvVars = dict[str, dict[str, str]]

CHAT_API_FUNCTION = "ChatApiFunction"
FALLBACK_FUNCTION = "FallbackFunction"
STREAM_FUNCTION = "StreamFunction"
BOT_ID = "LOCALBOTID"
BOT_ALIAS_ID = "TSTALIASID"
REGION = "us-east-1"
LLM_OVERRIDE_NAMES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL")
SECRET_PLACEHOLDER = "REPLACE_WITH_OPENAI_API_KEY"  # noqa: S105 - the template's placeholder

# Variables a child must not inherit from the developer's shell.
_SCRUBBED_PREFIXES = ("OPENAI_", "AWS_", "LEX_")
_DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


class ConfigError(ValueError):
    """A settings file or value the local stack cannot use; the message says which and why."""


def parse_env_vars(data: Any, *, source: str = "env vars") -> EnvVars:
    """Validate SAM's env.json shape (``lex_emulator.env_vars``) with every value as a string.

    Numbers and booleans are accepted (SAM accepts them) and turned into strings; ``null`` becomes
    an empty string, which means unset.
    """
    try:
        return env_vars.parse_env_vars(data, source)
    except env_vars.EnvVarsError as exc:
        raise ConfigError(str(exc)) from exc


def load_env_vars(path: str | Path) -> EnvVars:
    """Read and validate an env.json file."""
    try:
        return env_vars.load_env_vars(path)
    except env_vars.EnvVarsError as exc:
        raise ConfigError(str(exc)) from exc


def apply_llm_overrides(
    env_vars: Mapping[str, Mapping[str, str]], environ: Mapping[str, str]
) -> EnvVars:
    """The env vars with process-environment LLM settings applied and empty LLM values dropped.

    Dropping ``""`` lets the template's own default (e.g. ``OPENAI_MODEL``) apply, and keeps "unset"
    meaning one thing for the fallback function.
    """
    out: EnvVars = {section: dict(values) for section, values in env_vars.items()}
    fallback = out.setdefault(FALLBACK_FUNCTION, {})
    for name in LLM_OVERRIDE_NAMES:
        value = environ.get(name, "")
        if value:
            fallback[name] = value
        elif not fallback.get(name):
            fallback.pop(name, None)
    return out


@dataclass(frozen=True)
class LlmMode:
    """Which LLM answers fallback turns. Never holds the key itself."""

    kind: str  # "openai" | "compatible" | "none"
    model: str = ""
    base_url: str = ""

    def describe(self) -> str:
        if self.kind == "openai":
            where = f" at {self.base_url}" if self.base_url else ""
            return f"OpenAI{where} (OPENAI_API_KEY set), model {self.model or 'default'}"
        if self.kind == "compatible":
            return f"OpenAI-compatible server at {self.base_url}, model {self.model or 'default'}"
        return (
            "none: fallback questions get a 'no LLM configured' notice "
            "(set OPENAI_API_KEY or OPENAI_BASE_URL in env.json or the environment)"
        )


def select_llm_mode(fallback_env: Mapping[str, str]) -> LlmMode:
    """OPENAI_API_KEY → OpenAI; else OPENAI_BASE_URL → that server; else no LLM."""
    key = fallback_env.get("OPENAI_API_KEY", "").strip()
    base_url = fallback_env.get("OPENAI_BASE_URL", "").strip()
    model = fallback_env.get("OPENAI_MODEL", "").strip()
    if key and key != SECRET_PLACEHOLDER:
        return LlmMode("openai", model=model, base_url=base_url)
    if base_url:
        return LlmMode("compatible", model=model, base_url=base_url)
    return LlmMode("none", model=model)


def fallback_environment(
    template: Mapping[str, Any], template_dir: str | Path, env_vars: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """The fallback function's environment as the emulator will apply it."""
    return dict(resolve_function(template, FALLBACK_FUNCTION, template_dir, env_vars).environment)


def chat_api_environment(
    template: Mapping[str, Any],
    template_dir: str | Path,
    env_vars: Mapping[str, Mapping[str, str]],
    lex_endpoint_url: str,
) -> dict[str, str]:
    """Template env, then env.json, then the values that point the Chalice app at the emulator,
    and a session-id key generated for this run unless env.json sets ``SESSION_KEY`` (ids from an
    earlier run are then refused with 400 ``invalid_session_id``; the page starts afresh)."""
    env = dict(resolve_function(template, CHAT_API_FUNCTION, template_dir, env_vars).environment)
    env.update(
        {
            "LEX_ENDPOINT_URL": lex_endpoint_url,
            "LEX_BOT_ID": BOT_ID,
            "LEX_BOT_ALIAS_ID": BOT_ALIAS_ID,
        }
    )
    if not env.get("SESSION_KEY", "").strip():
        env["SESSION_KEY"] = secrets.token_urlsafe(32)
    return env


def stream_function_environment(
    template: Mapping[str, Any],
    template_dir: str | Path,
    env_vars: Mapping[str, Mapping[str, str]],
    chat_api_env: Mapping[str, str],
    streaming: Mapping[str, str],
) -> dict[str, str]:
    """The StreamFunction's environment: template env, then env.json, then ``streaming`` (the
    local table, Management API and DynamoDB endpoint) and the chat API's session-id key, so a
    session id the chat API issued binds (and one it would refuse is refused here too)."""
    env = dict(resolve_function(template, STREAM_FUNCTION, template_dir, env_vars).environment)
    env.update(streaming)
    for name in ("SESSION_KEY", "SESSION_KEY_SECRET_ARN"):
        if name in chat_api_env:
            env[name] = chat_api_env[name]
    return env


def child_base_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The inherited environment for a child: no keys or profiles, dummy AWS credentials."""
    env = {k: v for k, v in environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env.update(_DUMMY_AWS)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env
