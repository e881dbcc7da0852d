"""The ``AWS::Lex::Bot`` / ``AWS::Lex::BotAlias`` resource schemas that ship with cfn-lint.

The emulator reads bots the way CloudFormation does, so property names and enum values come from
CloudFormation's own resource schema (cfn-lint's copy in the venv), never from a hand-made list:

* ``check_properties`` walks a resource's ``Properties`` against the schema and reports what
  CloudFormation would refuse (a property the schema does not have, a value outside an enum, a
  required property missing), with the property path (``BotLocales[0].Intents[1].Name``).
* ``enum_values("SlotValueResolutionStrategy")`` gives a definition's enum.
* Every property the template sets is reported as ``"Definition.Property"`` (``"Slot.SlotTypeName"``),
  so the loader can warn at start-up about each one the emulator does not implement
  (``IMPLEMENTED`` lists the ones it does).

Values that are intrinsic functions (``{"Ref": ...}``, ``{"Fn::GetAtt": ...}``) are not checked: only
a deployed stack can resolve them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "IMPLEMENTED",
    "SchemaProblem",
    "check_properties",
    "enum_values",
    "resource_schema",
    "schema_properties",
]

BOT = "AWS::Lex::Bot"
BOT_ALIAS = "AWS::Lex::BotAlias"
_REGION = "us-east-1"

# "Definition.Property" names (as check_properties reports them) that the emulator implements.
# Anything else a template sets is accepted, ignored, and named in a start-up warning.
_IMPLEMENTED_LOADING_SLOTS_MESSAGES = frozenset(
    {
        # AWS::Lex::Bot itself
        "Bot.Name", "Bot.RoleArn", "Bot.DataPrivacy", "Bot.IdleSessionTTLInSeconds",
        "Bot.BotLocales", "Bot.TestBotAliasSettings", "Bot.Description", "Bot.AutoBuildBotLocales",
        "Bot.BotTags", "Bot.TestBotAliasTags", "Bot.DataPrivacy.ChildDirected",
        "TestBotAliasSettings.BotAliasLocaleSettings", "TestBotAliasSettings.Description",
        "BotAliasLocaleSettingsItem.LocaleId", "BotAliasLocaleSettingsItem.BotAliasLocaleSetting",
        "BotAliasLocaleSettings.Enabled", "BotAliasLocaleSettings.CodeHookSpecification",
        "CodeHookSpecification.LambdaCodeHook", "LambdaCodeHook.LambdaArn",
        "LambdaCodeHook.CodeHookInterfaceVersion", "Tag.Key", "Tag.Value",
        # locales, intents, slots, slot types
        "BotLocale.LocaleId", "BotLocale.NluConfidenceThreshold", "BotLocale.Intents",
        "BotLocale.SlotTypes", "BotLocale.Description",
        "Intent.Name", "Intent.Description", "Intent.ParentIntentSignature",
        "Intent.SampleUtterances", "Intent.Slots", "Intent.SlotPriorities",
        "Intent.IntentConfirmationSetting", "Intent.IntentClosingSetting",
        "Intent.InitialResponseSetting", "Intent.DialogCodeHook", "Intent.FulfillmentCodeHook",
        "Intent.QnAIntentConfiguration", "Intent.KendraConfiguration",
        "Intent.BedrockAgentIntentConfiguration", "Intent.QInConnectIntentConfiguration",
        "SampleUtterance.Utterance", "SlotPriority.Priority", "SlotPriority.SlotName",
        "Slot.Name", "Slot.Description", "Slot.SlotTypeName", "Slot.ValueElicitationSetting",
        "Slot.MultipleValuesSetting", "MultipleValuesSetting.AllowMultipleValues",
        "SlotValueElicitationSetting.SlotConstraint", "SlotValueElicitationSetting.PromptSpecification",
        "PromptSpecification.MessageGroupsList", "PromptSpecification.MaxRetries",
        "PromptSpecification.AllowInterrupt", "PromptSpecification.MessageSelectionStrategy",
        "SlotType.Name", "SlotType.Description", "SlotType.SlotTypeValues",
        "SlotType.ValueSelectionSetting", "SlotType.ParentSlotTypeSignature",
        "SlotTypeValue.SampleValue", "SlotTypeValue.Synonyms", "SampleValue.Value",
        "SlotValueSelectionSetting.ResolutionStrategy", "SlotValueSelectionSetting.RegexFilter",
        "SlotValueRegexFilter.Pattern",
        # messages
        "ResponseSpecification.MessageGroupsList", "ResponseSpecification.AllowInterrupt",
        "MessageGroup.Message", "MessageGroup.Variations", "Message.PlainTextMessage",
        "Message.SSMLMessage", "Message.CustomPayload", "Message.ImageResponseCard",
        "PlainTextMessage.Value", "SSMLMessage.Value", "CustomPayload.Value",
        "ImageResponseCard.Title", "ImageResponseCard.Subtitle", "ImageResponseCard.ImageUrl",
        "ImageResponseCard.Buttons", "Button.Text", "Button.Value",
        # AWS::Lex::BotAlias
        "BotAlias.BotId", "BotAlias.BotAliasName", "BotAlias.BotVersion",
        "BotAlias.BotAliasLocaleSettings", "BotAlias.Description", "BotAlias.BotAliasTags",
    }
)  # fmt: skip

# Conversation flow (next steps, conditions, contexts, code-hook settings): their own block.
_IMPLEMENTED_FLOW = frozenset(
    {
        "Intent.InputContexts", "Intent.OutputContexts", "InputContext.Name",
        "OutputContext.Name", "OutputContext.TimeToLiveInSeconds", "OutputContext.TurnsToLive",
        "InitialResponseSetting.InitialResponse", "InitialResponseSetting.NextStep",
        "InitialResponseSetting.Conditional", "InitialResponseSetting.CodeHook",
        "SlotValueElicitationSetting.DefaultValueSpecification",
        "SlotValueElicitationSetting.SlotCaptureSetting",
        "SlotDefaultValueSpecification.DefaultValueList", "SlotDefaultValue.DefaultValue",
        "SlotCaptureSetting.CaptureResponse", "SlotCaptureSetting.CaptureNextStep",
        "SlotCaptureSetting.CaptureConditional", "SlotCaptureSetting.FailureResponse",
        "SlotCaptureSetting.FailureNextStep", "SlotCaptureSetting.FailureConditional",
        "SlotCaptureSetting.CodeHook", "SlotCaptureSetting.ElicitationCodeHook",
        "IntentConfirmationSetting.PromptSpecification",
        "IntentConfirmationSetting.DeclinationResponse", "IntentConfirmationSetting.IsActive",
        "IntentConfirmationSetting.ConfirmationResponse",
        "IntentConfirmationSetting.ConfirmationNextStep",
        "IntentConfirmationSetting.ConfirmationConditional",
        "IntentConfirmationSetting.DeclinationNextStep",
        "IntentConfirmationSetting.DeclinationConditional",
        "IntentConfirmationSetting.FailureResponse", "IntentConfirmationSetting.FailureNextStep",
        "IntentConfirmationSetting.FailureConditional", "IntentConfirmationSetting.CodeHook",
        "IntentConfirmationSetting.ElicitationCodeHook",
        "IntentClosingSetting.ClosingResponse", "IntentClosingSetting.IsActive",
        "IntentClosingSetting.NextStep", "IntentClosingSetting.Conditional",
        "DialogCodeHookSetting.Enabled", "FulfillmentCodeHookSetting.Enabled",
        "FulfillmentCodeHookSetting.IsActive",
        "FulfillmentCodeHookSetting.PostFulfillmentStatusSpecification",
        "PostFulfillmentStatusSpecification.SuccessResponse",
        "PostFulfillmentStatusSpecification.SuccessNextStep",
        "PostFulfillmentStatusSpecification.SuccessConditional",
        "PostFulfillmentStatusSpecification.FailureResponse",
        "PostFulfillmentStatusSpecification.FailureNextStep",
        "PostFulfillmentStatusSpecification.FailureConditional",
        "PostFulfillmentStatusSpecification.TimeoutResponse",
        "PostFulfillmentStatusSpecification.TimeoutNextStep",
        "PostFulfillmentStatusSpecification.TimeoutConditional",
        "DialogCodeHookInvocationSetting.EnableCodeHookInvocation",
        "DialogCodeHookInvocationSetting.IsActive",
        "DialogCodeHookInvocationSetting.InvocationLabel",
        "DialogCodeHookInvocationSetting.PostCodeHookSpecification",
        "PostDialogCodeHookInvocationSpecification.SuccessResponse",
        "PostDialogCodeHookInvocationSpecification.SuccessNextStep",
        "PostDialogCodeHookInvocationSpecification.SuccessConditional",
        "PostDialogCodeHookInvocationSpecification.FailureResponse",
        "PostDialogCodeHookInvocationSpecification.FailureNextStep",
        "PostDialogCodeHookInvocationSpecification.FailureConditional",
        "PostDialogCodeHookInvocationSpecification.TimeoutResponse",
        "PostDialogCodeHookInvocationSpecification.TimeoutNextStep",
        "PostDialogCodeHookInvocationSpecification.TimeoutConditional",
        "ElicitationCodeHookInvocationSetting.EnableCodeHookInvocation",
        "ElicitationCodeHookInvocationSetting.InvocationLabel",
        "DialogState.DialogAction", "DialogState.Intent", "DialogState.SessionAttributes",
        "DialogAction.Type", "DialogAction.SlotToElicit", "DialogAction.SuppressNextMessage",
        "IntentOverride.Name", "IntentOverride.Slots", "SlotValueOverrideMap.SlotName",
        "SlotValueOverrideMap.SlotValueOverride", "SlotValueOverride.Shape",
        "SlotValueOverride.Value", "SlotValueOverride.Values", "SlotValue.InterpretedValue",
        "SessionAttribute.Key", "SessionAttribute.Value",
        "ConditionalSpecification.IsActive", "ConditionalSpecification.ConditionalBranches",
        "ConditionalSpecification.DefaultBranch", "ConditionalBranch.Name",
        "ConditionalBranch.Condition", "ConditionalBranch.NextStep", "ConditionalBranch.Response",
        "DefaultConditionalBranch.NextStep", "DefaultConditionalBranch.Response",
        "Condition.ExpressionString",
    }
)  # fmt: skip

IMPLEMENTED: frozenset[str] = _IMPLEMENTED_LOADING_SLOTS_MESSAGES | _IMPLEMENTED_FLOW


@dataclass(frozen=True)
class SchemaProblem:
    """Something CloudFormation would refuse, at a property path."""

    path: str
    message: str


@functools.cache
def resource_schema(type_name: str) -> Mapping[str, Any]:
    """cfn-lint's resource schema for ``type_name`` (imported lazily: cfn-lint is large)."""
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    schema: Mapping[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
        _REGION, type_name
    ).schema
    return schema


def _definitions(type_name: str) -> Mapping[str, Any]:
    return resource_schema(type_name).get("definitions", {})  # type: ignore[no-any-return]


def enum_values(definition: str, type_name: str = BOT) -> tuple[str, ...]:
    """The enum of a schema definition (``SlotValueResolutionStrategy`` -> ORIGINAL_VALUE, ...)."""
    found = _definitions(type_name)[definition]
    return tuple(found["enum"])


def _is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("Ref", "Condition")
    ) or (isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("Fn::"))


def _resolve(schema: Mapping[str, Any], type_name: str) -> tuple[str | None, Mapping[str, Any]]:
    """Follow ``$ref``: (definition name or None, schema)."""
    name = None
    while "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        schema = _definitions(type_name)[name]
    return name, schema


def _types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    kind = schema.get("type")
    if kind is None:
        return ()
    return tuple(kind) if isinstance(kind, list) else (str(kind),)


def _walk(
    value: Any,
    schema: Mapping[str, Any],
    label: str,
    path: str,
    type_name: str,
    problems: list[SchemaProblem],
    used: dict[str, str],
) -> None:
    ref_name, schema = _resolve(schema, type_name)
    label = ref_name or label
    if _is_intrinsic(value):
        return
    kinds = _types(schema)
    if "enum" in schema and isinstance(value, (str, int, float, bool)):
        allowed = [str(v) for v in schema["enum"]]
        if str(value) not in allowed:
            problems.append(
                SchemaProblem(path, f"{value!r} is not one of {', '.join(allowed)} ({label})")
            )
        return
    if isinstance(value, dict) and ("object" in kinds or "properties" in schema):
        properties: Mapping[str, Any] = schema.get("properties", {})
        patterns: Mapping[str, Any] = schema.get("patternProperties", {})
        for name in schema.get("required", ()):
            if name not in value:
                where = f"{path}.{name}" if path else name
                problems.append(SchemaProblem(where, f"is required ({label})"))
        for name, item in value.items():
            where = f"{path}.{name}" if path else str(name)
            if name in properties:
                used.setdefault(f"{label}.{name}", where)
                _walk(item, properties[name], f"{label}.{name}", where, type_name, problems, used)
                continue
            pattern_schema = _pattern_schema(patterns, str(name))
            if pattern_schema is not None:
                used.setdefault(f"{label}.{name}", where)
                _walk(item, pattern_schema, f"{label}.{name}", where, type_name, problems, used)
                continue
            if schema.get("additionalProperties") is False:
                known = ", ".join(sorted(properties)) or "none"
                problems.append(
                    SchemaProblem(
                        where, f"is not a property of {label} (CloudFormation accepts: {known})"
                    )
                )
        return
    if isinstance(value, list) and "array" in kinds:
        items = schema.get("items", {})
        for index, item in enumerate(value):
            _walk(item, items, label, f"{path}[{index}]", type_name, problems, used)
        return
    if kinds and not _matches_type(value, kinds):
        problems.append(SchemaProblem(path, f"must be {' or '.join(kinds)}, got {value!r}"))


def _pattern_schema(patterns: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    import re

    for pattern, sub in patterns.items():
        if re.search(pattern, name):
            return sub  # type: ignore[no-any-return]
    return None


def _matches_type(value: Any, kinds: tuple[str, ...]) -> bool:
    for kind in kinds:
        if (
            kind == "string"
            and isinstance(value, (str, int, float))
            and not isinstance(value, bool)
        ):
            return True  # CloudFormation turns scalars into strings
        if kind in ("integer", "number"):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return True
            if isinstance(value, str):
                try:
                    float(value)
                except ValueError:
                    continue
                return True
        if kind == "boolean" and (
            isinstance(value, bool) or str(value).lower() in ("true", "false")
        ):
            return True
        if kind == "object" and isinstance(value, dict):
            return True
        if kind == "array" and isinstance(value, list):
            return True
    return False


def check_properties(
    type_name: str, properties: Mapping[str, Any]
) -> tuple[list[SchemaProblem], dict[str, str]]:
    """(problems CloudFormation would refuse, {"Definition.Property": first path} of what is set)."""
    schema = resource_schema(type_name)
    label = type_name.rsplit("::", 1)[-1]
    problems: list[SchemaProblem] = []
    used: dict[str, str] = {}
    top = {
        "type": "object",
        "properties": schema.get("properties", {}),
        "additionalProperties": False,
        "required": [r for r in schema.get("required", ()) if r in schema.get("properties", {})],
    }
    read_only = {str(p).rsplit("/", 1)[-1] for p in schema.get("readOnlyProperties", ())}
    top["properties"] = {k: v for k, v in top["properties"].items() if k not in read_only}
    _walk(dict(properties), top, label, "", type_name, problems, used)
    return problems, used


def schema_properties(type_name: str = BOT) -> Iterator[str]:
    """Every ``"Definition.Property"`` name reachable from the resource (for the README list)."""
    schema = resource_schema(type_name)
    seen: set[str] = set()
    out: list[str] = []

    def visit(node: Mapping[str, Any], label: str) -> None:
        ref_name, node = _resolve(node, type_name)
        if ref_name is not None:
            if ref_name in seen:
                return
            seen.add(ref_name)
            label = ref_name
        for name, sub in node.get("properties", {}).items():
            out.append(f"{label}.{name}")
            visit(sub, f"{label}.{name}")
        for name, sub in node.get("patternProperties", {}).items():
            visit(sub, f"{label}.{name}")
        if "items" in node:
            visit(node["items"], label)

    read_only = {str(p).rsplit("/", 1)[-1] for p in schema.get("readOnlyProperties", ())}
    props = {k: v for k, v in schema.get("properties", {}).items() if k not in read_only}
    visit({"properties": props}, type_name.rsplit("::", 1)[-1])
    yield from dict.fromkeys(out)


GENERATIVE_DEFINITIONS = ("QnAIntentConfiguration", "KendraConfiguration", "QnAKendraConfiguration",
                          "BedrockAgentIntentConfiguration", "QInConnectIntentConfiguration",
                          "BedrockModelSpecification")  # fmt: skip


def unimplemented_markdown() -> str:
    """The README's list of properties the emulator ignores (``python -m lex_emulator.cfn_schema``).

    Properties inside the generative and search intents' configurations are left out: those
    intents load, and FallbackIntent answers instead (see the README).
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for type_name in (BOT, BOT_ALIAS):
        for name in schema_properties(type_name):
            if name in IMPLEMENTED:
                continue
            definition, prop = name.rsplit(".", 1)
            if definition.split(".")[0] in GENERATIVE_DEFINITIONS:
                continue
            groups.setdefault((type_name.rsplit("::", 1)[-1], definition), []).append(prop)
    lines = ["| resource | definition | properties the emulator ignores |", "|---|---|---|"]
    for (resource, definition), props in groups.items():
        lines.append(f"| {resource} | `{definition}` | {', '.join(props)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(unimplemented_markdown())
