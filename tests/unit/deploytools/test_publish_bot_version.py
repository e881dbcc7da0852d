"""A changed bot gets a new BotVersion resource; an unchanged one keeps its name."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from deploytools.publish_bot_version import main, version_bot_versions
from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def template() -> dict[str, Any]:
    """The project's template."""
    return load_template(ROOT / "template.yaml")


def _version_ids(template: dict[str, Any]) -> list[str]:
    return [k for k, v in template["Resources"].items() if v["Type"] == "AWS::Lex::BotVersion"]


def test_the_alias_follows_the_renamed_version(template: dict[str, Any]) -> None:
    versioned, renames = version_bot_versions(template)
    (new_id,) = _version_ids(versioned)
    assert renames == {"ChatBotVersion": new_id}
    alias = versioned["Resources"]["ChatBotAlias"]["Properties"]
    assert alias["BotVersion"] == {"Fn::GetAtt": [new_id, "BotVersion"]}
    assert 'ChatBotVersion"' not in json.dumps(versioned["Resources"])


def test_same_bot_same_name_and_a_second_run_changes_nothing(template: dict[str, Any]) -> None:
    once, _ = version_bot_versions(copy.deepcopy(template))
    again, renames = version_bot_versions(copy.deepcopy(once))
    assert renames == {}
    assert _version_ids(again) == _version_ids(once)
    assert _version_ids(version_bot_versions(copy.deepcopy(template))[0]) == _version_ids(once)


def test_a_new_utterance_publishes_a_new_version(template: dict[str, Any]) -> None:
    before = _version_ids(version_bot_versions(copy.deepcopy(template))[0])
    changed = copy.deepcopy(template)
    intents = changed["Resources"]["ChatBot"]["Properties"]["BotLocales"][0]["Intents"]
    intents[0]["SampleUtterances"].append({"Utterance": "좋은 아침"})
    assert _version_ids(version_bot_versions(changed)[0]) != before


def test_command_rewrites_the_built_template_as_json(tmp_path: Path) -> None:
    built = tmp_path / "template.yaml"
    built.write_text((ROOT / "template.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main([str(built)]) == 0
    rewritten = json.loads(built.read_text(encoding="utf-8"))
    (new_id,) = _version_ids(rewritten)
    assert new_id.startswith("ChatBotVersionV")
