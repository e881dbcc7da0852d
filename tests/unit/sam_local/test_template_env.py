"""SAM's ``--env-vars`` overrides only variables the template declares for that function, so the
template declares every variable a local run sets, empty where AWS must not get a value."""

from __future__ import annotations

import json
from pathlib import Path

from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]
LOCAL_ONLY = {
    "FallbackFunction": ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_SYSTEM_PROMPT",
                         "LLM_TIMEOUT_SECONDS", "LLM_MAX_RETRIES", "LLM_HISTORY_TURNS",
                         "OPENAI_API_KEY_SECRET_ARN"],
    "ChatApiFunction": ["LEX_ENDPOINT_URL", "LEX_BOT_ID", "LEX_BOT_ALIAS_ID"],
}  # fmt: skip


def _declared(function: str) -> dict[str, object]:
    template = load_template(ROOT / "template.yaml")
    props = template["Resources"][function]["Properties"]
    glob = template["Globals"]["Function"].get("Environment", {}).get("Variables", {})
    return {**glob, **props["Environment"]["Variables"]}


def test_every_variable_of_env_example_is_declared():
    example = json.loads((ROOT / "env.example.json").read_text())
    for function, values in example.items():
        if function == "Parameters":
            continue
        assert set(values) <= set(_declared(function)), function


def test_the_variables_local_runs_set_are_declared():
    for function, names in LOCAL_ONLY.items():
        missing = set(names) - set(_declared(function))
        assert not missing, (function, missing)


def test_the_key_and_the_local_endpoint_are_empty_in_aws():
    assert _declared("FallbackFunction")["OPENAI_API_KEY"] == ""
    assert _declared("ChatApiFunction")["LEX_ENDPOINT_URL"] == ""
