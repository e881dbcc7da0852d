"""Read environment overrides in SAM CLI's ``--env-vars`` (env.json) format.

The file is one JSON object. ``"Parameters"`` applies to every function; any other key is a
function's logical id and applies to that function only::

    {"Parameters": {"LOG_LEVEL": "DEBUG"},
     "FallbackFunction": {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_API_KEY": "x"}}

Values must be strings, numbers or booleans (SAM turns them into strings; so do we: ``true``
becomes ``"true"``). ``null`` becomes ``""``. Anything else raises :class:`EnvVarsError` with one
clear line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["EnvVarsError", "load_env_vars", "parse_env_vars"]

EnvVars = dict[str, dict[str, str]]


class EnvVarsError(ValueError):
    """An env.json file that cannot be used; the message names the file and the key."""


def _as_string(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def parse_env_vars(data: Any, source: str = "env.json") -> EnvVars:
    """Check and normalise an already-decoded env.json document."""
    if not isinstance(data, Mapping):
        raise EnvVarsError(
            f"{source}: expected a JSON object of {{FunctionLogicalId|Parameters: {{NAME: value}}}}"
        )
    out: EnvVars = {}
    for scope, variables in data.items():
        if not isinstance(scope, str) or not scope:
            raise EnvVarsError(f"{source}: keys must be function logical ids or 'Parameters'")
        if not isinstance(variables, Mapping):
            raise EnvVarsError(f"{source}: {scope!r} must map variable names to values")
        converted: dict[str, str] = {}
        for name, value in variables.items():
            text = _as_string(value)
            if not isinstance(name, str) or not name or text is None:
                raise EnvVarsError(
                    f"{source}: {scope}.{name} must be a string, number or boolean, "
                    f"got {type(value).__name__}"
                )
            converted[name] = text
        out[scope] = converted
    return out


def load_env_vars(path: str | Path) -> EnvVars:
    """Read and check an env.json file. Raises :class:`EnvVarsError`, never a traceback."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EnvVarsError(f"cannot read env vars file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise EnvVarsError(f"{path} is not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EnvVarsError(f"{path} is not valid JSON: {exc}") from exc
    return parse_env_vars(data, str(path))
