"""The loader follows cfn-lint's AWS::Lex::Bot schema: what CloudFormation refuses, it refuses.

These templates are not valid CloudFormation (cfn-lint rejects them), so they are not conformance
cases (those use cfn-lint-clean templates only); they check the loader's own messages.
"""

from __future__ import annotations

import pytest

from lex_emulator.bot_model import load_bots
from lex_emulator.cfn_schema import IMPLEMENTED, check_properties, enum_values, schema_properties
from lex_emulator.cfn_template import TemplateError
from tests.conformance.harness import bot_template, intent, locale, slot_type


def _load(tmp_path, text):
    path = tmp_path / "bot.yaml"
    path.write_text(text, encoding="utf-8")
    return load_bots(path)


def test_enums_come_from_the_schema():
    assert enum_values("SlotValueResolutionStrategy") == (
        "ORIGINAL_VALUE",
        "TOP_RESOLUTION",
        "CONCATENATION",
    )
    assert set(enum_values("SlotConstraint")) == {"Required", "Optional"}


def test_models_api_spelling_is_refused_with_cloudformations_values(tmp_path):
    text = bot_template(
        locale("en_US", [intent("A", ["a"])], [slot_type("T", ["x"], strategy="TOP_RESOLUTION")])
    ).replace("TOP_RESOLUTION", "TopResolution")
    with pytest.raises(TemplateError) as info:
        _load(tmp_path, text)
    message = str(info.value)
    assert message.startswith(
        "Bot.BotLocales[0].SlotTypes[0].ValueSelectionSetting.ResolutionStrategy"
    )
    assert "ORIGINAL_VALUE, TOP_RESOLUTION, CONCATENATION" in message


def test_unknown_property_is_refused_naming_what_cloudformation_accepts(tmp_path):
    text = bot_template(locale("en_US", [intent("A", ["a"], Utterances=["a"])]))
    with pytest.raises(
        TemplateError, match=r"Intents\[0\]\.Utterances: is not a property of Intent"
    ):
        _load(tmp_path, text)


def test_missing_required_property_is_refused(tmp_path):
    text = bot_template(locale("en_US", [intent("A", ["a"])])).replace(
        "      RoleArn:", "      X-RoleArn:"
    )
    with pytest.raises(TemplateError, match="RoleArn"):
        _load(tmp_path, text)


def test_intrinsics_are_not_checked():
    problems, used = check_properties(
        "AWS::Lex::Bot",
        {
            "Name": {"Fn::Sub": "${AWS::StackName}-bot"},
            "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "DataPrivacy": {"ChildDirected": False},
            "IdleSessionTTLInSeconds": {"Ref": "Ttl"},
        },
    )
    assert problems == []
    assert used["Bot.RoleArn"] == "RoleArn"


def test_every_implemented_name_is_a_schema_property():
    names = set(schema_properties("AWS::Lex::Bot")) | set(schema_properties("AWS::Lex::BotAlias"))
    assert sorted(IMPLEMENTED - names) == []


def test_readme_lists_every_ignored_property():
    from pathlib import Path

    from lex_emulator.cfn_schema import unimplemented_markdown

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- unimplemented-properties:start -->\n") + len(
        "<!-- unimplemented-properties:start -->\n"
    )
    end = readme.index("\n<!-- unimplemented-properties:end -->")
    assert readme[start:end] == unimplemented_markdown(), (
        "README's table is stale: run `python -m lex_emulator.cfn_schema` and paste it"
    )
