"""The conversation-flow settings of an intent, read from the raw ``AWS::Lex::Bot`` dicts.

``bot_model`` calls ``parse_intent_flow`` for every intent and keeps the result in
``IntentDef.flow``; the dialog engine (``lex_emulator.flow``) runs it. Property names are those of
cfn-lint's ``AWS::Lex::Bot`` schema. Every condition expression is parsed here, so a bad one is a
load error naming the branch (``...InitialResponseSetting.Conditional.ConditionalBranches[0]
(name "adult").Condition.ExpressionString: ...``).

Load-time rules the developer guide states:

* "You can only use context in the English (US) (en-US) locale."
  (https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-active-context.html)
* "You can only mark slots with custom slot types as multi-value slots." (the en-US-only rule for
  them is checked in ``bot_model``)
  (https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lex_emulator.conditions import Condition, ConditionSyntaxError, parse_condition

__all__ = [
    "Branch",
    "Conditional",
    "ConfirmationFlow",
    "DialogStep",
    "ElicitationHook",
    "HookSetting",
    "IntentFlow",
    "Outcome",
    "OutputContext",
    "SlotFlow",
    "SlotOverride",
    "parse_intent_flow",
]

DIALOG_ACTIONS = (
    "CloseIntent",
    "ConfirmIntent",
    "ElicitIntent",
    "ElicitSlot",
    "EndConversation",
    "EvaluateConditional",
    "FulfillIntent",
    "InvokeDialogCodeHook",
    "StartIntent",
)
CONTEXT_LOCALES = ("en_US",)


class _Ctx(Protocol):
    """What ``bot_model._Ctx`` offers (error context + typed readers)."""

    def fail(self, prop: str, message: str) -> Exception: ...

    def text(self, value: Any, prop: str, *, required: bool = True) -> str: ...

    def mapping(self, value: Any, prop: str) -> Mapping[str, Any]: ...

    def items(self, value: Any, prop: str) -> list[Any]: ...

    def integer(self, value: Any, prop: str, low: int, high: int, default: int) -> int: ...

    def flag(self, value: Any, prop: str, default: bool) -> bool: ...


MessageParser = Callable[[Any, Any, str], tuple[Any, ...]]  # (ctx, MessageGroupsList, prop)


@dataclass(frozen=True)
class SlotOverride:
    """``IntentOverride.Slots[]``: a slot value set by a next step (None clears it)."""

    name: str
    shape: str
    value: str | None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class DialogStep:
    """A ``DialogState``: what to do next, with the values it sets on the way."""

    action: str | None  # DialogAction.Type; None when the DialogState names no action
    slot_to_elicit: str | None = None
    suppress_next_message: bool = False
    intent_name: str | None = None
    slot_overrides: tuple[SlotOverride, ...] = ()
    session_attributes: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Branch:
    name: str
    condition: Condition | None  # None for the default branch
    response: tuple[Any, ...]
    next_step: DialogStep | None


@dataclass(frozen=True)
class Conditional:
    branches: tuple[Branch, ...]
    default: Branch


@dataclass(frozen=True)
class Outcome:
    """A response, then a conditional (when active) or a next step (None: Lex's default order)."""

    response: tuple[Any, ...] = ()
    next_step: DialogStep | None = None
    conditional: Conditional | None = None

    @property
    def configured(self) -> bool:
        return bool(self.response) or self.next_step is not None or self.conditional is not None


@dataclass(frozen=True)
class HookSetting:
    """A ``DialogCodeHookInvocationSetting`` (initial response, slot capture, confirmation)."""

    active: bool
    enabled: bool
    label: str | None
    success: Outcome = Outcome()
    failure: Outcome = Outcome()
    timeout: Outcome = Outcome()

    @property
    def invokes(self) -> bool:
        return self.active and self.enabled


@dataclass(frozen=True)
class ElicitationHook:
    enabled: bool
    label: str | None


@dataclass(frozen=True)
class SlotFlow:
    defaults: tuple[str, ...] = ()
    capture: Outcome = Outcome()
    failure: Outcome = Outcome()
    code_hook: HookSetting | None = None
    elicitation_hook: ElicitationHook | None = None


@dataclass(frozen=True)
class ConfirmationFlow:
    confirmed: Outcome = Outcome()
    declined: Outcome = Outcome()
    failure: Outcome = Outcome()
    code_hook: HookSetting | None = None
    elicitation_hook: ElicitationHook | None = None


@dataclass(frozen=True)
class OutputContext:
    name: str
    ttl_seconds: int
    turns: int


@dataclass(frozen=True)
class IntentFlow:
    initial: Outcome = Outcome()
    initial_hook: HookSetting | None = None
    slots: Mapping[str, SlotFlow] = field(default_factory=dict)
    confirmation: ConfirmationFlow = ConfirmationFlow()
    closing: Outcome = Outcome()
    closing_active: bool = True
    fulfilment_success: Outcome = Outcome()
    fulfilment_failure: Outcome = Outcome()
    fulfilment_timeout: Outcome = Outcome()
    input_contexts: tuple[str, ...] = ()
    output_contexts: tuple[OutputContext, ...] = ()

    def slot(self, name: str) -> SlotFlow:
        return self.slots.get(name) or SlotFlow()


EMPTY_FLOW = IntentFlow()


class _Reader:
    def __init__(self, ctx: _Ctx, messages: MessageParser, locale_id: str) -> None:
        self.ctx = ctx
        self.messages = messages
        self.locale_id = locale_id

    def response(self, raw: Any, prop: str) -> tuple[Any, ...]:
        spec = self.ctx.mapping(raw, prop)
        if not spec:
            return ()
        return tuple(
            self.messages(self.ctx, spec.get("MessageGroupsList"), f"{prop}.MessageGroupsList")
        )

    def step(self, raw: Any, prop: str) -> DialogStep | None:
        ctx = self.ctx
        spec = ctx.mapping(raw, prop)
        if not spec:
            return None
        action = ctx.mapping(spec.get("DialogAction"), f"{prop}.DialogAction")
        kind: str | None = None
        if action:
            kind = ctx.text(action.get("Type"), f"{prop}.DialogAction.Type")
            if kind not in DIALOG_ACTIONS:
                raise ctx.fail(
                    f"{prop}.DialogAction.Type", f"must be one of {', '.join(DIALOG_ACTIONS)}"
                )
        slot_to_elicit = None
        if action.get("SlotToElicit") is not None:
            slot_to_elicit = ctx.text(
                action.get("SlotToElicit"), f"{prop}.DialogAction.SlotToElicit"
            )
        if kind == "ElicitSlot" and slot_to_elicit is None:
            raise ctx.fail(f"{prop}.DialogAction.SlotToElicit", "ElicitSlot needs SlotToElicit")
        intent = ctx.mapping(spec.get("Intent"), f"{prop}.Intent")
        intent_name = None
        if intent.get("Name") is not None:
            intent_name = ctx.text(intent.get("Name"), f"{prop}.Intent.Name")
        if kind == "StartIntent" and intent_name is None:
            raise ctx.fail(f"{prop}.Intent.Name", "StartIntent needs the intent to start")
        overrides = []
        for n, item in enumerate(ctx.items(intent.get("Slots"), f"{prop}.Intent.Slots")):
            where = f"{prop}.Intent.Slots[{n}]"
            item_map = ctx.mapping(item, where)
            name = ctx.text(item_map.get("SlotName"), f"{where}.SlotName")
            overrides.append(self.override(name, item_map.get("SlotValueOverride"), where))
        attributes = []
        for n, item in enumerate(
            ctx.items(spec.get("SessionAttributes"), f"{prop}.SessionAttributes")
        ):
            where = f"{prop}.SessionAttributes[{n}]"
            item_map = ctx.mapping(item, where)
            key = ctx.text(item_map.get("Key"), f"{where}.Key")
            value = item_map.get("Value")
            attributes.append(
                (key, None if value is None else ctx.text(value, f"{where}.Value", required=False))
            )
        return DialogStep(
            action=kind,
            slot_to_elicit=slot_to_elicit,
            suppress_next_message=ctx.flag(
                action.get("SuppressNextMessage"), f"{prop}.DialogAction.SuppressNextMessage", False
            ),
            intent_name=intent_name,
            slot_overrides=tuple(overrides),
            session_attributes=tuple(attributes),
        )

    def override(self, name: str, raw: Any, prop: str) -> SlotOverride:
        ctx = self.ctx
        spec = ctx.mapping(raw, f"{prop}.SlotValueOverride")
        shape = str(spec.get("Shape") or "Scalar")
        value_map = ctx.mapping(spec.get("Value"), f"{prop}.SlotValueOverride.Value")
        value = value_map.get("InterpretedValue")
        values = tuple(
            str(
                ctx.mapping(
                    ctx.mapping(v, f"{prop}.Values[{k}]").get("Value"), f"{prop}.Values[{k}]"
                ).get("InterpretedValue")
                or ""
            )
            for k, v in enumerate(ctx.items(spec.get("Values"), f"{prop}.SlotValueOverride.Values"))
        )
        return SlotOverride(
            name,
            shape,
            None if value is None else ctx.text(value, f"{prop}.Value", required=False),
            tuple(v for v in values if v),
        )

    def conditional(self, raw: Any, prop: str) -> Conditional | None:
        ctx = self.ctx
        spec = ctx.mapping(raw, prop)
        if not spec or not ctx.flag(spec.get("IsActive"), f"{prop}.IsActive", True):
            return None
        branches = []
        for n, item in enumerate(
            ctx.items(spec.get("ConditionalBranches"), f"{prop}.ConditionalBranches")
        ):
            where = f"{prop}.ConditionalBranches[{n}]"
            item_map = ctx.mapping(item, where)
            name = ctx.text(item_map.get("Name"), f"{where}.Name")
            cond = ctx.mapping(item_map.get("Condition"), f"{where}.Condition")
            expr_prop = f"{where}.Condition.ExpressionString"
            source = ctx.text(cond.get("ExpressionString"), expr_prop)
            try:
                parsed = parse_condition(source)
            except ConditionSyntaxError as exc:
                raise ctx.fail(
                    expr_prop, f"branch {name!r}: invalid condition {source!r}: {exc}"
                ) from None
            branches.append(
                Branch(
                    name,
                    parsed,
                    self.response(item_map.get("Response"), f"{where}.Response"),
                    self.step(item_map.get("NextStep"), f"{where}.NextStep"),
                )
            )
        if not 1 <= len(branches) <= 4:
            raise ctx.fail(f"{prop}.ConditionalBranches", "needs 1 to 4 branches")
        default = ctx.mapping(spec.get("DefaultBranch"), f"{prop}.DefaultBranch")
        return Conditional(
            tuple(branches),
            Branch(
                "default",
                None,
                self.response(default.get("Response"), f"{prop}.DefaultBranch.Response"),
                self.step(default.get("NextStep"), f"{prop}.DefaultBranch.NextStep"),
            ),
        )

    def outcome(
        self, spec: Mapping[str, Any], prefix: str, prop: str, *, response_key: str | None = None
    ) -> Outcome:
        response_key = response_key or f"{prefix}Response"
        return Outcome(
            self.response(spec.get(response_key), f"{prop}.{response_key}"),
            self.step(spec.get(f"{prefix}NextStep"), f"{prop}.{prefix}NextStep"),
            self.conditional(spec.get(f"{prefix}Conditional"), f"{prop}.{prefix}Conditional"),
        )

    def hook(self, raw: Any, prop: str) -> HookSetting | None:
        ctx = self.ctx
        spec = ctx.mapping(raw, prop)
        if not spec:
            return None
        post = ctx.mapping(
            spec.get("PostCodeHookSpecification"), f"{prop}.PostCodeHookSpecification"
        )
        where = f"{prop}.PostCodeHookSpecification"
        label = spec.get("InvocationLabel")
        return HookSetting(
            active=ctx.flag(spec.get("IsActive"), f"{prop}.IsActive", True),
            enabled=ctx.flag(
                spec.get("EnableCodeHookInvocation"), f"{prop}.EnableCodeHookInvocation", True
            ),
            label=None if label is None else ctx.text(label, f"{prop}.InvocationLabel"),
            success=self.outcome(post, "Success", where),
            failure=self.outcome(post, "Failure", where),
            timeout=self.outcome(post, "Timeout", where),
        )

    def elicitation_hook(self, raw: Any, prop: str) -> ElicitationHook | None:
        spec = self.ctx.mapping(raw, prop)
        if not spec:
            return None
        label = spec.get("InvocationLabel")
        return ElicitationHook(
            enabled=self.ctx.flag(
                spec.get("EnableCodeHookInvocation"), f"{prop}.EnableCodeHookInvocation", True
            ),
            label=None if label is None else self.ctx.text(label, f"{prop}.InvocationLabel"),
        )

    def slot(self, raw: Mapping[str, Any], prop: str, custom_types: frozenset[str]) -> SlotFlow:
        ctx = self.ctx
        elicit = ctx.mapping(raw.get("ValueElicitationSetting"), f"{prop}.ValueElicitationSetting")
        where = f"{prop}.ValueElicitationSetting"
        defaults_spec = ctx.mapping(
            elicit.get("DefaultValueSpecification"), f"{where}.DefaultValueSpecification"
        )
        defaults = tuple(
            ctx.text(
                ctx.mapping(item, f"{where}.DefaultValueSpecification.DefaultValueList[{n}]").get(
                    "DefaultValue"
                ),
                f"{where}.DefaultValueSpecification.DefaultValueList[{n}].DefaultValue",
            )
            for n, item in enumerate(
                ctx.items(
                    defaults_spec.get("DefaultValueList"),
                    f"{where}.DefaultValueSpecification.DefaultValueList",
                )
            )
        )
        capture = ctx.mapping(elicit.get("SlotCaptureSetting"), f"{where}.SlotCaptureSetting")
        c_where = f"{where}.SlotCaptureSetting"
        multiple = ctx.mapping(raw.get("MultipleValuesSetting"), f"{prop}.MultipleValuesSetting")
        allow_multiple = ctx.flag(
            multiple.get("AllowMultipleValues"),
            f"{prop}.MultipleValuesSetting.AllowMultipleValues",
            False,
        )
        if allow_multiple:
            type_name = str(raw.get("SlotTypeName") or "")
            if type_name not in custom_types:
                raise ctx.fail(
                    f"{prop}.MultipleValuesSetting.AllowMultipleValues",
                    "only slots with custom slot types can be multi-value slots",
                )
        return SlotFlow(
            defaults=defaults,
            capture=self.outcome(capture, "Capture", c_where),
            failure=self.outcome(capture, "Failure", c_where),
            code_hook=self.hook(capture.get("CodeHook"), f"{c_where}.CodeHook"),
            elicitation_hook=self.elicitation_hook(
                capture.get("ElicitationCodeHook"), f"{c_where}.ElicitationCodeHook"
            ),
        )


def parse_intent_flow(
    ctx: Any,
    spec: Mapping[str, Any],
    prop: str,
    *,
    messages: MessageParser,
    locale_id: str,
    custom_slot_types: frozenset[str] = frozenset(),
) -> IntentFlow:
    """The flow settings of one intent (``spec`` is its raw CloudFormation dict)."""
    reader = _Reader(ctx, messages, locale_id)
    initial = ctx.mapping(spec.get("InitialResponseSetting"), f"{prop}.InitialResponseSetting")
    i_where = f"{prop}.InitialResponseSetting"
    slots: dict[str, SlotFlow] = {}
    for n, raw in enumerate(ctx.items(spec.get("Slots"), f"{prop}.Slots")):
        slot_map = ctx.mapping(raw, f"{prop}.Slots[{n}]")
        name = str(slot_map.get("Name") or "")
        slots[name] = reader.slot(slot_map, f"{prop}.Slots[{n}]", custom_slot_types)
    confirm = ctx.mapping(
        spec.get("IntentConfirmationSetting"), f"{prop}.IntentConfirmationSetting"
    )
    c_where = f"{prop}.IntentConfirmationSetting"
    closing = ctx.mapping(spec.get("IntentClosingSetting"), f"{prop}.IntentClosingSetting")
    k_where = f"{prop}.IntentClosingSetting"
    fulfil = ctx.mapping(spec.get("FulfillmentCodeHook"), f"{prop}.FulfillmentCodeHook")
    post = ctx.mapping(
        fulfil.get("PostFulfillmentStatusSpecification"),
        f"{prop}.FulfillmentCodeHook.PostFulfillmentStatusSpecification",
    )
    p_where = f"{prop}.FulfillmentCodeHook.PostFulfillmentStatusSpecification"
    inputs = tuple(
        ctx.text(
            ctx.mapping(item, f"{prop}.InputContexts[{n}]").get("Name"),
            f"{prop}.InputContexts[{n}].Name",
        )
        for n, item in enumerate(ctx.items(spec.get("InputContexts"), f"{prop}.InputContexts"))
    )
    outputs = []
    for n, item in enumerate(ctx.items(spec.get("OutputContexts"), f"{prop}.OutputContexts")):
        where = f"{prop}.OutputContexts[{n}]"
        item_map = ctx.mapping(item, where)
        outputs.append(
            OutputContext(
                ctx.text(item_map.get("Name"), f"{where}.Name"),
                ctx.integer(
                    item_map.get("TimeToLiveInSeconds"),
                    f"{where}.TimeToLiveInSeconds",
                    5,
                    86400,
                    86400,
                ),
                ctx.integer(item_map.get("TurnsToLive"), f"{where}.TurnsToLive", 1, 20, 20),
            )
        )
    if (inputs or outputs) and locale_id not in CONTEXT_LOCALES:
        key = "InputContexts" if inputs else "OutputContexts"
        raise ctx.fail(
            f"{prop}.{key}", "you can only use context in the English (US) (en-US) locale"
        )
    closing_active = (
        ctx.flag(closing.get("IsActive"), f"{k_where}.IsActive", True) if closing else True
    )
    return IntentFlow(
        initial=Outcome(
            (),  # the initial response's messages stay in IntentDef.initial_responses
            reader.step(initial.get("NextStep"), f"{i_where}.NextStep"),
            reader.conditional(initial.get("Conditional"), f"{i_where}.Conditional"),
        ),
        initial_hook=reader.hook(initial.get("CodeHook"), f"{i_where}.CodeHook"),
        slots=slots,
        confirmation=ConfirmationFlow(
            confirmed=reader.outcome(confirm, "Confirmation", c_where),
            declined=Outcome(
                (),  # the declination response stays in IntentDef.declination_responses
                reader.step(confirm.get("DeclinationNextStep"), f"{c_where}.DeclinationNextStep"),
                reader.conditional(
                    confirm.get("DeclinationConditional"), f"{c_where}.DeclinationConditional"
                ),
            ),
            failure=reader.outcome(confirm, "Failure", c_where),
            code_hook=reader.hook(confirm.get("CodeHook"), f"{c_where}.CodeHook"),
            elicitation_hook=reader.elicitation_hook(
                confirm.get("ElicitationCodeHook"), f"{c_where}.ElicitationCodeHook"
            ),
        ),
        closing=Outcome(
            (),  # the closing response stays in IntentDef.closing_responses
            reader.step(closing.get("NextStep"), f"{k_where}.NextStep"),
            reader.conditional(closing.get("Conditional"), f"{k_where}.Conditional"),
        ),
        closing_active=closing_active,
        fulfilment_success=reader.outcome(post, "Success", p_where),
        fulfilment_failure=reader.outcome(post, "Failure", p_where),
        fulfilment_timeout=reader.outcome(post, "Timeout", p_where),
        input_contexts=inputs,
        output_contexts=tuple(outputs),
    )
