"""The Lex bots of a CloudFormation/SAM template, as frozen dataclasses.

``load_bots(path)`` reads every ``AWS::Lex::Bot`` (and the ``AWS::Lex::BotAlias`` resources
pointing at it) and resolves each alias's code hook to the Lambda function the template names. A
template the emulator cannot use raises ``cfn_template.TemplateError`` naming the resource and the
property path, e.g. ``ChatBot.BotLocales[0].Intents[1].Slots[0].SlotTypeName: ...``.

Bot and alias ids (see ``BotCatalog.resolve``):

* With one bot in the template, any valid bot id (10 alphanumerics) and any alias id reach it.
* With several bots, a bot's id is the first 10 alphanumerics of its logical id, upper-cased and
  padded with ``X`` (``ChatBot`` -> ``CHATBOTXXX``); its logical id itself is accepted too.
* Alias ``TSTALIASID`` is the bot's test alias (``TestBotAliasSettings``). A declared
  ``AWS::Lex::BotAlias`` gets the same kind of id from its logical id. Any other alias id reaches
  the bot's first declared alias, or the test alias when there is none.
* A locale's code hook comes from the alias's ``BotAliasLocaleSettings``; a locale the alias does
  not list falls back to ``TestBotAliasSettings``.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lex_emulator.cfn_schema import BOT, BOT_ALIAS, IMPLEMENTED, check_properties, enum_values
from lex_emulator.cfn_template import (
    FunctionSpec,
    TemplateError,
    load_template,
    resolve_function,
    resolve_value,
)
from lex_emulator.flow_model import EMPTY_FLOW, IntentFlow, parse_intent_flow
from lex_emulator.messages import MessageDef, make_rng
from lex_emulator.slot_builtins import builtin_slot_types

__all__ = [
    "DEFAULT_NLU_THRESHOLD",
    "FALLBACK_SIGNATURE",
    "TEST_ALIAS_ID",
    "AliasDef",
    "BotCatalog",
    "BotDef",
    "IntentDef",
    "LocaleDef",
    "MessageDef",
    "SlotDef",
    "SlotTypeDef",
    "emulator_id",
    "load_bots",
]

DEFAULT_NLU_THRESHOLD = 0.40
DEFAULT_IDLE_TTL = 300
DEFAULT_MAX_RETRIES = 2
FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"
GENERATIVE_CONFIGS = (
    "QnAIntentConfiguration",
    "KendraConfiguration",
    "BedrockAgentIntentConfiguration",
    "QInConnectIntentConfiguration",
)
LOCALE_ONLY_BUILTINS = {"AMAZON.UKPostalCode": "en_GB"}
# Intents that answer from AWS services (developer guide, "Built-in intents"): they load, but the
# emulator has no such service, so FallbackIntent answers what they would.
GENERATIVE_INTENTS = {
    "AMAZON.QnAIntent": "Amazon Bedrock (a knowledge base)",
    "AMAZON.KendraSearchIntent": "Amazon Kendra",
    "AMAZON.BedrockAgentIntent": "an Amazon Bedrock agent",
    "AMAZON.QinConnectIntent": "Amazon Q in Connect",
}
TEST_ALIAS_ID = "TSTALIASID"
BOT_ID_RE = re.compile(r"^[0-9a-zA-Z]{10}$")
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z0-9_]+)\}")


def emulator_id(logical_id: str) -> str:
    """The 10-character emulator id of a resource: its alphanumerics, upper-cased, X-padded."""
    alnum = "".join(ch for ch in logical_id if ch.isascii() and ch.isalnum()).upper()
    return (alnum + "X" * 10)[:10]


@dataclass(frozen=True)
class SlotTypeDef:
    """A custom slot type: values with synonyms, and how a match resolves."""

    name: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    resolution: str = "OriginalValue"  # OriginalValue | TopResolution | Concatenation
    regex: str | None = None  # ValueSelectionSetting.RegexFilter.Pattern
    parent: str | None = None  # ParentSlotTypeSignature (AMAZON.AlphaNumeric with a regex)


@dataclass(frozen=True)
class SlotDef:
    name: str
    slot_type: str
    required: bool
    prompts: tuple[MessageDef, ...]
    max_retries: int = DEFAULT_MAX_RETRIES
    allow_interrupt: bool = True
    multiple_values: bool = False  # MultipleValuesSetting.AllowMultipleValues


@dataclass(frozen=True)
class IntentDef:
    name: str
    parent_signature: str | None = None
    sample_utterances: tuple[str, ...] = ()
    slots: tuple[SlotDef, ...] = ()  # in SlotPriorities order
    confirmation_prompts: tuple[MessageDef, ...] = ()
    confirmation_max_retries: int = DEFAULT_MAX_RETRIES
    declination_responses: tuple[MessageDef, ...] = ()
    closing_responses: tuple[MessageDef, ...] = ()
    initial_responses: tuple[MessageDef, ...] = ()
    dialog_code_hook: bool = False
    fulfillment_code_hook: bool = False
    flow: IntentFlow = EMPTY_FLOW  # conversation-flow settings (lex_emulator.flow_model)

    @property
    def is_fallback(self) -> bool:
        return self.parent_signature == FALLBACK_SIGNATURE

    @property
    def has_confirmation(self) -> bool:
        return bool(self.confirmation_prompts)

    def slot(self, name: str) -> SlotDef | None:
        return next((s for s in self.slots if s.name == name), None)

    @functools.cached_property
    def slot_templates(self) -> tuple[str, ...]:
        """The sample utterances that carry ``{Slot}`` placeholders (computed once)."""
        return tuple(u for u in self.sample_utterances if "{" in u)


@dataclass(frozen=True)
class LocaleDef:
    locale_id: str
    nlu_threshold: float
    intents: tuple[IntentDef, ...]
    slot_types: Mapping[str, SlotTypeDef] = field(default_factory=dict)

    def intent(self, name: str) -> IntentDef | None:
        return self._intents_by_name.get(name)

    @functools.cached_property
    def _intents_by_name(self) -> dict[str, IntentDef]:
        return {i.name: i for i in self.intents}

    @property
    def fallback(self) -> IntentDef:
        found = next((i for i in self.intents if i.is_fallback), None)
        return found or IntentDef(name="FallbackIntent", parent_signature=FALLBACK_SIGNATURE)

    def training_data(self) -> dict[str, list[str]]:
        """``{intent: sample utterances}`` for the classifier, FallbackIntent left out."""
        return {
            i.name: list(i.sample_utterances)
            for i in self.intents
            if not i.is_fallback and i.sample_utterances
        }


@dataclass(frozen=True)
class AliasDef:
    logical_id: str | None  # None for the test alias
    name: str
    alias_id: str
    code_hooks: Mapping[str, FunctionSpec | None]  # locale id -> Lambda (None: no hook)
    enabled_locales: frozenset[str] | None = None  # None: every locale (an alias without settings)

    def locale_enabled(self, locale_id: str) -> bool:
        return self.enabled_locales is None or locale_id in self.enabled_locales


@dataclass(frozen=True)
class BotDef:
    logical_id: str
    name: str
    bot_id: str
    idle_ttl_seconds: int
    locales: Mapping[str, LocaleDef]
    aliases: tuple[AliasDef, ...]  # the test alias first
    rng: random.Random = field(default_factory=make_rng, compare=False, repr=False)

    def alias(self, alias_id: str) -> AliasDef:
        for alias in self.aliases:
            if alias_id in (alias.alias_id, alias.logical_id):
                return alias
        declared = [a for a in self.aliases if a.logical_id is not None]
        return declared[0] if declared else self.aliases[0]


@dataclass(frozen=True)
class BotCatalog:
    template_path: Path
    bots: tuple[BotDef, ...]
    warnings: tuple[str, ...] = ()  # start-up warnings: what the emulator ignores or replaces

    def resolve(self, bot_id: str) -> BotDef | None:
        """The bot an id reaches (see the module docstring), or None."""
        if len(self.bots) == 1:
            return self.bots[0] if BOT_ID_RE.match(bot_id) else None
        for bot in self.bots:
            if bot_id in (bot.bot_id, bot.logical_id):
                return bot
        return None

    def describe(self) -> list[str]:
        """Lines to print at startup: ids, locales, intents and code hooks."""
        lines = [f"Template {self.template_path}: {len(self.bots)} Lex bot(s)"]
        for bot in self.bots:
            ids = "any 10-alphanumeric id" if len(self.bots) == 1 else bot.bot_id
            lines.append(
                f"  bot {bot.logical_id} ({bot.name}): bot id {ids}, "
                f"idle TTL {bot.idle_ttl_seconds}s"
            )
            for alias in bot.aliases:
                hooks = ", ".join(
                    f"{loc}->{spec.logical_id if spec else '-'}"
                    for loc, spec in alias.code_hooks.items()
                )
                lines.append(
                    f"    alias {alias.alias_id} ({alias.name}): code hooks {hooks or '-'}"
                )
            for loc in bot.locales.values():
                names = ", ".join(i.name for i in loc.intents)
                lines.append(
                    f"    locale {loc.locale_id} (threshold {loc.nlu_threshold:.2f}): {names}"
                )
        lines.extend(f"WARNING: {w}" for w in self.warnings)
        return lines


# --------------------------------------------------------------------------------------- parsing


class _Ctx:
    """Where we are in the template, for error messages."""

    def __init__(
        self, template: Mapping[str, Any], resource: str, warnings: list[str] | None = None
    ) -> None:
        self.template = template
        self.resource = resource
        self.warnings: list[str] = [] if warnings is None else warnings

    def warn(self, prop: str, message: str) -> None:
        self.warnings.append(f"{self.resource}.{prop}: {message}" if prop else message)

    def fail(self, prop: str, message: str) -> TemplateError:
        return TemplateError(message, resource=self.resource, prop=prop)

    def text(self, value: Any, prop: str, *, required: bool = True) -> str:
        resolved = resolve_value(self.template, value)
        if not isinstance(resolved, str) or (required and not resolved):
            raise self.fail(prop, f"must be a non-empty string, got {value!r}")
        return resolved

    def mapping(self, value: Any, prop: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(prop, f"must be a mapping, got {type(value).__name__}")
        return value

    def items(self, value: Any, prop: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(prop, f"must be a list, got {type(value).__name__}")
        return value

    def integer(self, value: Any, prop: str, low: int, high: int, default: int) -> int:
        if value is None:
            return default
        resolved = resolve_value(self.template, value)
        try:
            number = int(str(resolved))
        except ValueError:
            raise self.fail(prop, f"must be an integer, got {value!r}") from None
        if not low <= number <= high:
            raise self.fail(prop, f"must be between {low} and {high}, got {number}")
        return number

    def flag(self, value: Any, prop: str, default: bool) -> bool:
        if value is None:
            return default
        resolved = resolve_value(self.template, value)
        if isinstance(value, bool):
            return value
        if str(resolved).lower() in ("true", "false"):
            return str(resolved).lower() == "true"
        raise self.fail(prop, f"must be true or false, got {value!r}")


def _message(ctx: _Ctx, raw: Any, where: str, ordered: bool) -> MessageDef:
    message = ctx.mapping(raw, where)
    for key, kind in (
        ("PlainTextMessage", "PlainText"),
        ("SSMLMessage", "SSML"),
        ("CustomPayload", "CustomPayload"),
    ):
        if key in message:
            body = ctx.mapping(message[key], f"{where}.{key}")
            return MessageDef(ctx.text(body.get("Value"), f"{where}.{key}.Value"), kind)
    if "ImageResponseCard" in message:
        body = ctx.mapping(message["ImageResponseCard"], f"{where}.ImageResponseCard")
        c_where = f"{where}.ImageResponseCard"
        card: dict[str, Any] = {"title": ctx.text(body.get("Title"), f"{c_where}.Title")}
        for key, out in (("Subtitle", "subtitle"), ("ImageUrl", "imageUrl")):
            if body.get(key) is not None:
                card[out] = ctx.text(body.get(key), f"{c_where}.{key}")
        buttons = []
        for n, button in enumerate(ctx.items(body.get("Buttons"), f"{c_where}.Buttons")):
            b = ctx.mapping(button, f"{c_where}.Buttons[{n}]")
            buttons.append(
                {
                    "text": ctx.text(b.get("Text"), f"{c_where}.Buttons[{n}].Text"),
                    "value": ctx.text(b.get("Value"), f"{c_where}.Buttons[{n}].Value"),
                }
            )
        if buttons:
            card["buttons"] = buttons
        return MessageDef(card["title"], "ImageResponseCard", card=card)
    # API reference, Message: "The object that provides message text and its type."
    raise ctx.fail(where, "needs PlainTextMessage, SSMLMessage, CustomPayload or ImageResponseCard")


def _messages(
    ctx: _Ctx, groups: Any, prop: str, *, ordered: bool = False
) -> tuple[MessageDef, ...]:
    """One MessageDef per message group: its primary message, with the group's Variations."""
    out: list[MessageDef] = []
    for n, group in enumerate(ctx.items(groups, prop)):
        group_map = ctx.mapping(group, f"{prop}[{n}]")
        primary = _message(ctx, group_map.get("Message"), f"{prop}[{n}].Message", ordered)
        variations = tuple(
            _message(ctx, v, f"{prop}[{n}].Variations[{k}]", ordered)
            for k, v in enumerate(ctx.items(group_map.get("Variations"), f"{prop}[{n}].Variations"))
        )
        out.append(
            MessageDef(
                primary.content, primary.content_type, primary.card, variations, ordered=ordered
            )
        )
    return tuple(out)


def _ordered(ctx: _Ctx, prompt: Mapping[str, Any], prop: str) -> bool:
    strategy = prompt.get("MessageSelectionStrategy")
    if strategy is None:
        return False
    allowed = enum_values("MessageSelectionStrategy")
    if strategy not in allowed:
        raise ctx.fail(prop, f"must be one of {', '.join(allowed)}, got {strategy!r}")
    return bool(strategy == "Ordered")


# Lex's RegexFilter: "The following regular expression operators are not supported: Infinite
# repeaters: *, +, or {x,} with no upper bound. Wild card (.)" (API reference, SlotValueRegexFilter).
_UNSUPPORTED_REGEX = re.compile(r"(?<!\\)(?:[*+.]|\{\d*,\})")


def _models_api_name(cfn_enum: str) -> str:
    """CloudFormation's enum spelling -> the Models API's (ORIGINAL_VALUE -> OriginalValue)."""
    return "".join(part.capitalize() for part in cfn_enum.split("_"))


def _slot_type(ctx: _Ctx, raw: Any, prop: str) -> SlotTypeDef:
    spec = ctx.mapping(raw, prop)
    name = ctx.text(spec.get("Name"), f"{prop}.Name")
    values: list[tuple[str, tuple[str, ...]]] = []
    for n, item in enumerate(ctx.items(spec.get("SlotTypeValues"), f"{prop}.SlotTypeValues")):
        where = f"{prop}.SlotTypeValues[{n}]"
        item_map = ctx.mapping(item, where)
        sample = ctx.mapping(item_map.get("SampleValue"), f"{where}.SampleValue")
        value = ctx.text(sample.get("Value"), f"{where}.SampleValue.Value")
        synonyms = tuple(
            ctx.text(
                ctx.mapping(s, f"{where}.Synonyms[{k}]").get("Value"), f"{where}.Synonyms[{k}]"
            )
            for k, s in enumerate(ctx.items(item_map.get("Synonyms"), f"{where}.Synonyms"))
        )
        values.append((value, synonyms))
    selection = ctx.mapping(spec.get("ValueSelectionSetting"), f"{prop}.ValueSelectionSetting")
    allowed = enum_values("SlotValueResolutionStrategy")
    strategy = selection.get("ResolutionStrategy", "ORIGINAL_VALUE")
    if strategy not in allowed:
        raise ctx.fail(
            f"{prop}.ValueSelectionSetting.ResolutionStrategy",
            f"must be one of {', '.join(allowed)} (CloudFormation's spelling), got {strategy!r}",
        )
    regex_spec = ctx.mapping(
        selection.get("RegexFilter"), f"{prop}.ValueSelectionSetting.RegexFilter"
    )
    regex: str | None = None
    if regex_spec:
        r_where = f"{prop}.ValueSelectionSetting.RegexFilter.Pattern"
        regex = ctx.text(regex_spec.get("Pattern"), r_where)
        bad = _UNSUPPORTED_REGEX.search(regex)
        if bad:
            raise ctx.fail(
                r_where,
                f"Lex does not support {bad.group(0)!r} in a slot regex (no infinite repeaters "
                "*, + or {x,}, no wild card .)",
            )
        try:
            re.compile(regex)
        except re.error as exc:
            raise ctx.fail(r_where, f"is not a regular expression: {exc}") from None
    parent = spec.get("ParentSlotTypeSignature")
    parent_sig = ctx.text(parent, f"{prop}.ParentSlotTypeSignature") if parent else None
    if parent_sig is not None and parent_sig != "AMAZON.AlphaNumeric":
        # API reference, CreateSlotType parentSlotTypeSignature: "Only AMAZON.AlphaNumeric is
        # supported."
        raise ctx.fail(
            f"{prop}.ParentSlotTypeSignature",
            f"the only allowed value is AMAZON.AlphaNumeric, got {parent_sig!r}",
        )
    if (
        not values
        and parent_sig is None
        and not spec.get("ExternalSourceSetting")
        and not spec.get("CompositeSlotTypeSetting")
    ):
        raise ctx.fail(f"{prop}.SlotTypeValues", f"slot type {name} has no values")
    return SlotTypeDef(
        name=name,
        values=tuple(values),
        resolution=_models_api_name(str(strategy)),
        regex=regex,
        parent=parent_sig,
    )


def _slot(
    ctx: _Ctx, raw: Any, prop: str, slot_types: Mapping[str, SlotTypeDef], locale_id: str = ""
) -> SlotDef:
    spec = ctx.mapping(raw, prop)
    name = ctx.text(spec.get("Name"), f"{prop}.Name")
    type_name = ctx.text(spec.get("SlotTypeName"), f"{prop}.SlotTypeName")
    only = LOCALE_ONLY_BUILTINS.get(type_name)
    if only is not None and locale_id and locale_id != only:
        # Developer guide, "Built-in slot types": AMAZON.UKPostalCode is "English (UK) (en-GB) only".
        raise ctx.fail(
            f"{prop}.SlotTypeName", f"{type_name} is available only in the {only} locale"
        )
    if not type_name.startswith("AMAZON.") and type_name not in slot_types:
        raise ctx.fail(
            f"{prop}.SlotTypeName",
            f"unknown slot type {type_name!r} (not built in, not in the locale's SlotTypes)",
        )
    elicit = ctx.mapping(spec.get("ValueElicitationSetting"), f"{prop}.ValueElicitationSetting")
    where = f"{prop}.ValueElicitationSetting"
    constraint = elicit.get("SlotConstraint", "Required")
    allowed = enum_values("SlotConstraint")
    if constraint not in allowed:
        raise ctx.fail(
            f"{where}.SlotConstraint", f"must be one of {', '.join(allowed)}, got {constraint!r}"
        )
    prompt = ctx.mapping(elicit.get("PromptSpecification"), f"{where}.PromptSpecification")
    prompts = _messages(
        ctx,
        prompt.get("MessageGroupsList"),
        f"{where}.PromptSpecification.MessageGroupsList",
        ordered=_ordered(ctx, prompt, f"{where}.PromptSpecification.MessageSelectionStrategy"),
    )
    multiple = ctx.mapping(spec.get("MultipleValuesSetting"), f"{prop}.MultipleValuesSetting")
    allow_multiple = ctx.flag(
        multiple.get("AllowMultipleValues"),
        f"{prop}.MultipleValuesSetting.AllowMultipleValues",
        False,
    )
    if allow_multiple and locale_id != "en_US":
        # API reference, MultipleValuesSetting: "Multi-value slots are only available in the en-US
        # locale. If you set this value to true in any other locale, Amazon Lex throws a
        # ValidationException."
        raise ctx.fail(
            f"{prop}.MultipleValuesSetting.AllowMultipleValues",
            "multiple value slots are only supported in the English (US) language: "
            f"multi-value slots are only available in the en-US locale, not {locale_id}",
        )
    if constraint == "Required" and not prompts:
        raise ctx.fail(f"{where}.PromptSpecification", f"required slot {name} has no prompt")
    return SlotDef(
        name=name,
        slot_type=type_name,
        required=constraint == "Required",
        prompts=prompts,
        max_retries=ctx.integer(
            prompt.get("MaxRetries"),
            f"{where}.PromptSpecification.MaxRetries",
            0,
            5,
            DEFAULT_MAX_RETRIES,
        ),
        allow_interrupt=ctx.flag(
            prompt.get("AllowInterrupt"), f"{where}.PromptSpecification.AllowInterrupt", True
        ),
        multiple_values=allow_multiple,
    )


def _is_active(ctx: _Ctx, spec: Mapping[str, Any], prop: str) -> bool:
    return ctx.flag(spec.get("IsActive"), f"{prop}.IsActive", True)


def _intent(
    ctx: _Ctx, raw: Any, prop: str, slot_types: Mapping[str, SlotTypeDef], locale_id: str = ""
) -> IntentDef:
    spec = ctx.mapping(raw, prop)
    name = ctx.text(spec.get("Name"), f"{prop}.Name")
    parent = spec.get("ParentIntentSignature")
    parent_sig = ctx.text(parent, f"{prop}.ParentIntentSignature") if parent is not None else None
    slots = {}
    for n, raw_slot in enumerate(ctx.items(spec.get("Slots"), f"{prop}.Slots")):
        slot = _slot(ctx, raw_slot, f"{prop}.Slots[{n}]", slot_types, locale_id)
        if slot.name in slots:
            raise ctx.fail(f"{prop}.Slots[{n}].Name", f"duplicate slot {slot.name!r}")
        slots[slot.name] = slot
    utterances: list[str] = []
    for n, item in enumerate(ctx.items(spec.get("SampleUtterances"), f"{prop}.SampleUtterances")):
        where = f"{prop}.SampleUtterances[{n}]"
        text = ctx.text(ctx.mapping(item, where).get("Utterance"), f"{where}.Utterance")
        for ref in _PLACEHOLDER_RE.findall(text):
            if ref not in slots:
                raise ctx.fail(f"{where}.Utterance", f"{{{ref}}} is not a slot of intent {name}")
        utterances.append(text)
    ordered: list[SlotDef] = []
    priorities = ctx.items(spec.get("SlotPriorities"), f"{prop}.SlotPriorities")
    ranked: list[tuple[int, str]] = []
    for n, item in enumerate(priorities):
        where = f"{prop}.SlotPriorities[{n}]"
        item_map = ctx.mapping(item, where)
        slot_name = ctx.text(item_map.get("SlotName"), f"{where}.SlotName")
        if slot_name not in slots:
            raise ctx.fail(f"{where}.SlotName", f"{slot_name!r} is not a slot of intent {name}")
        ranked.append(
            (ctx.integer(item_map.get("Priority"), f"{where}.Priority", 0, 10**6, n), slot_name)
        )
    for _, slot_name in sorted(ranked):
        if slots[slot_name] not in ordered:
            ordered.append(slots[slot_name])
    ordered.extend(s for s in slots.values() if s not in ordered)

    if parent_sig == FALLBACK_SIGNATURE:
        # Developer guide, AMAZON.FallbackIntent: "You can't add the following to a fallback
        # intent: Utterances, Slots, A confirmation prompt".
        if utterances or slots:
            raise ctx.fail(prop, "a FallbackIntent cannot have sample utterances or slots")
        if spec.get("IntentConfirmationSetting"):
            raise ctx.fail(
                f"{prop}.IntentConfirmationSetting",
                "a FallbackIntent cannot have a confirmation prompt",
            )

    confirm = ctx.mapping(
        spec.get("IntentConfirmationSetting"), f"{prop}.IntentConfirmationSetting"
    )
    c_where = f"{prop}.IntentConfirmationSetting"
    confirmation: tuple[MessageDef, ...] = ()
    declination: tuple[MessageDef, ...] = ()
    confirm_retries = DEFAULT_MAX_RETRIES
    if confirm and _is_active(ctx, confirm, c_where):
        prompt = ctx.mapping(confirm.get("PromptSpecification"), f"{c_where}.PromptSpecification")
        confirmation = _messages(
            ctx,
            prompt.get("MessageGroupsList"),
            f"{c_where}.PromptSpecification.MessageGroupsList",
            ordered=_ordered(
                ctx, prompt, f"{c_where}.PromptSpecification.MessageSelectionStrategy"
            ),
        )
        if not confirmation:
            raise ctx.fail(f"{c_where}.PromptSpecification", "needs a confirmation prompt")
        confirm_retries = ctx.integer(
            prompt.get("MaxRetries"),
            f"{c_where}.PromptSpecification.MaxRetries",
            0,
            5,
            DEFAULT_MAX_RETRIES,
        )
        decline = ctx.mapping(confirm.get("DeclinationResponse"), f"{c_where}.DeclinationResponse")
        declination = _messages(
            ctx,
            decline.get("MessageGroupsList"),
            f"{c_where}.DeclinationResponse.MessageGroupsList",
        )

    closing_spec = ctx.mapping(spec.get("IntentClosingSetting"), f"{prop}.IntentClosingSetting")
    closing: tuple[MessageDef, ...] = ()
    if closing_spec and _is_active(ctx, closing_spec, f"{prop}.IntentClosingSetting"):
        response = ctx.mapping(
            closing_spec.get("ClosingResponse"), f"{prop}.IntentClosingSetting.ClosingResponse"
        )
        closing = _messages(
            ctx,
            response.get("MessageGroupsList"),
            f"{prop}.IntentClosingSetting.ClosingResponse.MessageGroupsList",
        )

    initial_spec = ctx.mapping(spec.get("InitialResponseSetting"), f"{prop}.InitialResponseSetting")
    initial_response = ctx.mapping(
        initial_spec.get("InitialResponse"), f"{prop}.InitialResponseSetting.InitialResponse"
    )
    initial: tuple[MessageDef, ...] = ()
    if initial_response:
        initial = _messages(
            ctx,
            initial_response.get("MessageGroupsList"),
            f"{prop}.InitialResponseSetting.InitialResponse.MessageGroupsList",
        )
    dialog_hook = ctx.mapping(spec.get("DialogCodeHook"), f"{prop}.DialogCodeHook")
    fulfil_hook = ctx.mapping(spec.get("FulfillmentCodeHook"), f"{prop}.FulfillmentCodeHook")
    fulfil_enabled = ctx.flag(
        fulfil_hook.get("Enabled"), f"{prop}.FulfillmentCodeHook.Enabled", False
    )
    if fulfil_enabled:
        fulfil_enabled = _is_active(ctx, fulfil_hook, f"{prop}.FulfillmentCodeHook")
    return IntentDef(
        name=name,
        parent_signature=parent_sig,
        sample_utterances=tuple(utterances),
        slots=tuple(ordered),
        confirmation_prompts=confirmation,
        confirmation_max_retries=confirm_retries,
        declination_responses=declination,
        closing_responses=closing,
        initial_responses=initial,
        dialog_code_hook=ctx.flag(
            dialog_hook.get("Enabled"), f"{prop}.DialogCodeHook.Enabled", False
        ),
        fulfillment_code_hook=fulfil_enabled,
        flow=parse_intent_flow(
            ctx,
            spec,
            prop,
            messages=_messages,
            locale_id=locale_id,
            custom_slot_types=frozenset(slot_types),
        ),
    )


def _locale(ctx: _Ctx, raw: Any, prop: str) -> LocaleDef:
    spec = ctx.mapping(raw, prop)
    locale_id = ctx.text(spec.get("LocaleId"), f"{prop}.LocaleId")
    threshold_raw = spec.get("NluConfidenceThreshold", DEFAULT_NLU_THRESHOLD)
    try:
        threshold = float(str(resolve_value(ctx.template, threshold_raw)))
    except ValueError:
        raise ctx.fail(
            f"{prop}.NluConfidenceThreshold", f"must be a number, got {threshold_raw!r}"
        ) from None
    if not 0.0 <= threshold <= 1.0:
        raise ctx.fail(
            f"{prop}.NluConfidenceThreshold", f"must be between 0 and 1, got {threshold}"
        )
    slot_types: dict[str, SlotTypeDef] = {}
    for n, raw_type in enumerate(ctx.items(spec.get("SlotTypes"), f"{prop}.SlotTypes")):
        slot_type = _slot_type(ctx, raw_type, f"{prop}.SlotTypes[{n}]")
        slot_types[slot_type.name] = slot_type
    intents: list[IntentDef] = []
    for n, raw_intent in enumerate(ctx.items(spec.get("Intents"), f"{prop}.Intents")):
        intent = _intent(ctx, raw_intent, f"{prop}.Intents[{n}]", slot_types, locale_id)
        if any(i.name == intent.name for i in intents):
            raise ctx.fail(f"{prop}.Intents[{n}].Name", f"duplicate intent {intent.name!r}")
        intents.append(intent)
    if not any(i.is_fallback for i in intents):
        # Lex adds the built-in FallbackIntent to every locale.
        intents.append(IntentDef(name="FallbackIntent", parent_signature=FALLBACK_SIGNATURE))
    fallback_name = next(i.name for i in intents if i.is_fallback)
    for n, intent in enumerate(intents[: len(ctx.items(spec.get("Intents"), prop))]):
        service = GENERATIVE_INTENTS.get(intent.parent_signature or "")
        signature = intent.parent_signature or ""
        if service is None and signature.startswith("AMAZON.") and not intent.is_fallback:
            ctx.warn(
                f"{prop}.Intents[{n}]",
                f"{intent.name} ({signature}): the emulator does not know Lex's built-in "
                "utterances for this intent; only its SampleUtterances, if any, select it",
            )
        if service is not None:
            ctx.warn(
                f"{prop}.Intents[{n}]",
                f"{intent.name} ({intent.parent_signature}) needs {service} in AWS; offline "
                f"the emulator never selects it and {fallback_name} answers instead",
            )
        for slot in intent.slots:
            if slot.slot_type.startswith("AMAZON.") and slot.slot_type not in builtin_slot_types():
                ctx.warn(
                    f"{prop}.Intents[{n}]",
                    f"slot {slot.name} of {intent.name}: built-in type {slot.slot_type} is not "
                    "implemented by the emulator; it takes the reply as typed",
                )
    return LocaleDef(locale_id, threshold, tuple(intents), slot_types)


def _code_hooks(
    ctx: _Ctx,
    settings: Any,
    prop: str,
    template_dir: Path,
    env_overrides: Mapping[str, Mapping[str, str]] | None,
) -> tuple[dict[str, FunctionSpec | None], set[str]]:
    """An alias's BotAliasLocaleSettings: (code hook per locale, the locales it enables)."""
    hooks: dict[str, FunctionSpec | None] = {}
    enabled: set[str] = set()
    for n, item in enumerate(ctx.items(settings, prop)):
        where = f"{prop}[{n}]"
        item_map = ctx.mapping(item, where)
        locale_id = ctx.text(item_map.get("LocaleId"), f"{where}.LocaleId")
        setting = ctx.mapping(
            item_map.get("BotAliasLocaleSetting"), f"{where}.BotAliasLocaleSetting"
        )
        s_where = f"{where}.BotAliasLocaleSetting"
        if not ctx.flag(setting.get("Enabled"), f"{s_where}.Enabled", True):
            hooks[locale_id] = None
            continue
        enabled.add(locale_id)
        code_hook = ctx.mapping(
            setting.get("CodeHookSpecification"), f"{s_where}.CodeHookSpecification"
        )
        lambda_hook = ctx.mapping(
            code_hook.get("LambdaCodeHook"), f"{s_where}.CodeHookSpecification.LambdaCodeHook"
        )
        arn = lambda_hook.get("LambdaArn")
        arn_prop = f"{s_where}.CodeHookSpecification.LambdaCodeHook.LambdaArn"
        if arn is None:
            hooks[locale_id] = None
            continue
        target = arn.get("Fn::GetAtt") if isinstance(arn, dict) else None
        if not (isinstance(target, list) and len(target) == 2 and target[1] == "Arn"):
            # A valid template may name a function deployed elsewhere; offline it cannot run.
            ctx.warn(
                arn_prop,
                f"{arn!r} is not !GetAtt <Function>.Arn of a function in this template; the "
                f"emulator cannot run it, so locale {locale_id} has no code hook here",
            )
            hooks[locale_id] = None
            continue
        try:
            hooks[locale_id] = resolve_function(
                ctx.template, str(target[0]), template_dir, env_overrides
            )
        except TemplateError as exc:
            raise ctx.fail(arn_prop, f"cannot use {target[0]}: {exc}") from exc
    return hooks, enabled


def _schema_check(ctx: _Ctx, type_name: str, props: Mapping[str, Any]) -> None:
    """Refuse what CloudFormation refuses; warn about every property the emulator ignores."""
    problems, used = check_properties(type_name, props)
    if problems:
        first = problems[0]
        more = "".join(f"; {ctx.resource}.{p.path}: {p.message}" for p in problems[1:4])
        if len(problems) > 4:
            more += f" (and {len(problems) - 4} more)"
        raise ctx.fail(first.path, first.message + more)
    warned: list[str] = []
    for name, path in sorted(used.items(), key=lambda item: item[1]):
        if name in IMPLEMENTED or any(path.startswith(w + ".") for w in warned):
            continue  # one warning for an ignored property, none for what it contains
        if any(f".{config}." in f".{path}." for config in GENERATIVE_CONFIGS):
            continue  # the intent's own warning says FallbackIntent answers instead
        warned.append(path)
        ctx.warn(path, f"{type_name} property {name} is not implemented by the emulator (ignored)")


def _bot(
    template: Mapping[str, Any],
    logical_id: str,
    template_dir: Path,
    env_overrides: Mapping[str, Mapping[str, str]] | None,
    warnings: list[str],
    seed: int | None,
) -> BotDef:
    ctx = _Ctx(template, logical_id, warnings)
    props = ctx.mapping(template["Resources"][logical_id].get("Properties"), "Properties")
    _schema_check(ctx, BOT, props)
    name = resolve_value(template, props.get("Name", logical_id))
    ttl = ctx.integer(
        props.get("IdleSessionTTLInSeconds"), "IdleSessionTTLInSeconds", 60, 86400, DEFAULT_IDLE_TTL
    )
    locales: dict[str, LocaleDef] = {}
    for n, raw in enumerate(ctx.items(props.get("BotLocales"), "BotLocales")):
        locale = _locale(ctx, raw, f"BotLocales[{n}]")
        if locale.locale_id in locales:
            raise ctx.fail(f"BotLocales[{n}].LocaleId", f"duplicate locale {locale.locale_id!r}")
        locales[locale.locale_id] = locale
    if not locales:
        ctx.warn("BotLocales", "the bot has no locales: every RecognizeText call will fail")
    test_settings = ctx.mapping(props.get("TestBotAliasSettings"), "TestBotAliasSettings")
    test_hooks, test_enabled = _code_hooks(
        ctx,
        test_settings.get("BotAliasLocaleSettings"),
        "TestBotAliasSettings.BotAliasLocaleSettings",
        template_dir,
        env_overrides,
    )
    # *The docs do not say which locales the test alias enables when TestBotAliasSettings lists
    # none; the console's test alias runs every built locale, so all are enabled then.*
    listed = test_settings.get("BotAliasLocaleSettings")
    aliases = [
        AliasDef(
            None,
            "TestBotAlias",
            TEST_ALIAS_ID,
            test_hooks,
            frozenset(test_enabled) if listed else None,
        )
    ]
    for alias_id, res in template["Resources"].items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Lex::BotAlias":
            continue
        alias_props = res.get("Properties") or {}
        if alias_props.get("BotId") != {"Ref": logical_id}:
            continue
        actx = _Ctx(template, alias_id, warnings)
        _schema_check(actx, BOT_ALIAS, alias_props)
        # Each alias's own BotAliasLocaleSettings decide its locales and hooks; nothing comes
        # from TestBotAliasSettings (CloudFormation, AWS::Lex::BotAlias BotAliasLocaleSettings:
        # "Specifies settings that are unique to a locale.").
        hooks, enabled = _code_hooks(
            actx,
            alias_props.get("BotAliasLocaleSettings"),
            "BotAliasLocaleSettings",
            template_dir,
            env_overrides,
        )
        alias_name = resolve_value(template, alias_props.get("BotAliasName", alias_id))
        aliases.append(
            AliasDef(
                alias_id,
                str(alias_name or alias_id),
                emulator_id(alias_id),
                hooks,
                frozenset(enabled) if alias_props.get("BotAliasLocaleSettings") else None,
            )
        )
    return BotDef(
        logical_id=logical_id,
        name=str(name or logical_id),
        bot_id=emulator_id(logical_id),
        idle_ttl_seconds=ttl,
        locales=locales,
        aliases=tuple(aliases),
        rng=make_rng(seed),
    )


def load_bots(
    template_path: str | Path,
    env_overrides: Mapping[str, Mapping[str, str]] | None = None,
    *,
    seed: int | None = None,
) -> BotCatalog:
    """Every Lex bot in the template. Raises TemplateError (one line, resource and property)."""
    path = Path(template_path)
    template = load_template(path)
    logical_ids = [
        name
        for name, res in template["Resources"].items()
        if isinstance(res, dict) and res.get("Type") == "AWS::Lex::Bot"
    ]
    if not logical_ids:
        raise TemplateError(f"{path} has no AWS::Lex::Bot resource")
    warnings: list[str] = []
    bots = tuple(
        _bot(template, lid, path.parent, env_overrides, warnings, seed) for lid in logical_ids
    )
    ids = [b.bot_id for b in bots]
    if len(set(ids)) != len(ids):
        raise TemplateError(
            f"two bots map to the same emulator id ({', '.join(ids)}); rename a logical id"
        )
    return BotCatalog(path.resolve(), bots, tuple(warnings))
