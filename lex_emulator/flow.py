"""The conversation flow of an intent: stages, their responses, conditionals and next steps.

Lex V2's default order is "Initial Response → Slot Elicitation → Confirmation (if active) →
Fulfillment (if active) → Closing Response (if active) → End conversation"
(https://docs.aws.amazon.com/lexv2/latest/dg/paths-nextstep.html). Every stage may replace its
default next step with a ``DialogState`` (``NextStep``) or a ``ConditionalSpecification`` ("The first
branch with a condition that evaluates to true is executed ... The default branch is executed if no
other branch has a matching condition", API_ConditionalSpecification). ``DialogFlow`` runs a stage
as: say its response; if its conditional is active, take the first true branch (or the default)
and say that branch's response; then run the branch's or the stage's next step, or the default.

Choices where the guide is silent are marked *:

* A stage whose next step is ``EvaluateConditional`` evaluates that stage's own conditional
  ("These branches are executed when the nextStep attribute is set to EvalutateConditional",
  API_IntentClosingSetting); *with no next step, an active conditional is evaluated too.*
* *``EndConversation`` closes the dialog (``dialogAction`` ``Close``); an intent not yet settled is
  ``Fulfilled``, one that failed stays ``Failed``.* ``ElicitIntent`` waits for a new intent.
* Retries: "The fallback intent is invoked when: An intent doesn't recognize the user input as a
  slot value after the configured number of tries" (built-in-intent-fallback.html). When the slot
  or confirmation has a ``FailureResponse``/``FailureNextStep``/``FailureConditional``, that is
  followed instead; *a failure response without a next step ends the conversation, intent
  ``Failed``.*
* Code hooks at a stage run when the intent's ``DialogCodeHook`` is enabled, the alias has a
  Lambda, and the stage's ``CodeHook`` is absent or has ``IsActive`` and
  ``EnableCodeHookInvocation`` ("To invoke Lambda function across all dialog code hooks in your
  intent, you must select Use a Lambda function for initializing and validation",
  paths-code-hook.html). "Success – Sent when the Lambda function completed successfully.",
  "Failure – Sent if there was a problem with running the Lambda function, or the Lambda function
  returned an intent.state value of Failed.", "Timeout – Sent if the Lambda function did not
  complete in its configured timeout period."; *with no failure/timeout outcome configured, a
  hook error is the runtime's DependencyFailedException, as before the new flows.*
* The confirmation ``CodeHook`` "is triggered based on these invocation settings when the
  confirmation next step or declination next step or failure next step is InvokeDialogCodeHook"
  (API_IntentConfirmationSetting): with a ``CodeHook`` configured it runs only through such a
  next step; *without one (a bot that only enables ``DialogCodeHook``) the hook runs after the
  answer, as the emulator did before the new flows.*
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lex_emulator.code_hook import CodeHookTimeout as HookTimeout
from lex_emulator.conditions import ConditionContext
from lex_emulator.errors import DependencyFailedException
from lex_emulator.flow_model import Conditional, DialogStep, HookSetting, Outcome, SlotOverride

if TYPE_CHECKING:
    from lex_emulator.bot_model import IntentDef
    from lex_emulator.dialog import Turn

__all__ = ["DialogFlow", "Stage"]

_MAX_STEPS = 32
SETTLED = ("Fulfilled", "Failed")


@dataclass(frozen=True)
class Stage:
    """Where a next step comes from: its conditional, its code hook, and its default."""

    name: str
    default: Callable[[], None]
    conditional: Conditional | None = None
    hook: HookSetting | None = None
    hook_default: Callable[[], None] | None = None


class DialogFlow:
    """The flow half of ``DialogEngine`` (which provides the hook and slot plumbing)."""

    # ---------------------------------------------------------------- provided by DialogEngine

    def _runner(self, turn: Turn) -> Any:
        raise NotImplementedError

    def _invoke(
        self, turn: Turn, source: str, proposed: dict[str, Any] | None, label: str | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _apply_hook(self, turn: Turn, response: dict[str, Any], *, fulfilment: bool) -> bool:
        raise NotImplementedError

    def _active_def(self, turn: Turn) -> IntentDef:
        raise NotImplementedError

    def _new_intent_for(self, turn: Turn, intent: IntentDef) -> dict[str, Any]:
        raise NotImplementedError

    def _begin(self, turn: Turn, intent: IntentDef, *, say_initial: bool) -> None:
        raise NotImplementedError

    def _elicit(
        self,
        turn: Turn,
        intent: IntentDef,
        slot_name: str,
        messages: list[dict[str, Any]] | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        raise NotImplementedError

    def _slot_value(self, intent: IntentDef, name: str, value: str) -> dict[str, Any]:
        raise NotImplementedError

    # ------------------------------------------------------------------------------ stages

    def _follow(self, turn: Turn, intent: IntentDef, outcome: Outcome, stage: Stage) -> None:
        """Say ``outcome``'s response, then its next step, else its conditional, else the default.

        "These branches are executed when the nextStep attribute is set to EvalutateConditional"
        (API_IntentClosingSetting); *a stage with an active conditional and no next step evaluates
        it (the console sets that next step when conditions are added).*
        """
        turn.say(outcome.response)
        if outcome.conditional is not None and stage.conditional is not outcome.conditional:
            stage = replace(stage, conditional=outcome.conditional)  # for EvaluateConditional
        if outcome.next_step is not None:
            self._step(turn, intent, outcome.next_step, stage)
        elif outcome.conditional is not None:
            self._evaluate(turn, intent, outcome.conditional, stage)
        else:
            stage.default()

    def _evaluate(
        self, turn: Turn, intent: IntentDef, conditional: Conditional, stage: Stage
    ) -> None:
        ctx = self._condition_context(turn)
        branch = next(
            (
                b
                for b in conditional.branches
                if b.condition is not None and b.condition.evaluate(ctx)
            ),
            conditional.default,
        )
        turn.say(branch.response)
        if branch.next_step is not None:
            self._step(turn, intent, branch.next_step, stage)
        else:
            stage.default()

    def _condition_context(self, turn: Turn) -> ConditionContext:
        intent = turn.session.intent or {}
        return ConditionContext(
            slots=intent.get("slots") or {},
            session_attributes=turn.session.session_attributes,
            request_attributes=turn.request_attributes,
            root={
                "inputMode": "Text",
                "inputTranscript": turn.text,
                "transcriptions": [{"transcription": turn.text, "transcriptionConfidence": 1.0}],
            },
        )

    def _step(self, turn: Turn, intent: IntentDef, step: DialogStep, stage: Stage) -> None:
        """Run a ``DialogState``: set attributes and slots, then do its dialog action."""
        turn.steps += 1
        if turn.steps > _MAX_STEPS:
            raise DependencyFailedException(
                f"the conversation flow of {intent.name} ran {_MAX_STEPS} steps without waiting "
                "for the user (a loop of next steps?)"
            )
        session = turn.session
        for key, value in step.session_attributes:
            if value is None:
                session.session_attributes.pop(key, None)
            else:
                session.session_attributes[key] = value
        target = intent
        if step.intent_name is not None and step.intent_name != intent.name:
            found = turn.locale.intent(step.intent_name)
            if found is None:
                raise DependencyFailedException(
                    f"next step names intent {step.intent_name}, which the locale does not have"
                )
            target = found  # "Override settings to configure the intent state" (IntentOverride)
            turn.note_switch()
            session.intent = self._new_intent_for(turn, target)
            session.dialog_action = None
            session.failed_attempts = 0
        self._override_slots(turn, target, step.slot_overrides)
        action = step.action
        quiet = step.suppress_next_message
        if action is None:
            stage.default()
        elif action == "StartIntent":
            if step.intent_name == intent.name:
                turn.note_switch()
                session.intent = self._new_intent_for(turn, target)
                self._override_slots(turn, target, step.slot_overrides)
            self._begin(turn, target, say_initial=not quiet)
        elif action == "ElicitSlot":
            assert step.slot_to_elicit is not None
            if target.slot(step.slot_to_elicit) is None:
                raise DependencyFailedException(
                    f"next step elicits {step.slot_to_elicit}, which is not a slot of {target.name}"
                )
            self._elicit(turn, target, step.slot_to_elicit, quiet=quiet)
        elif action == "ConfirmIntent":
            self._confirm(turn, target, quiet=quiet)
        elif action == "FulfillIntent":
            self._fulfil(turn, target)
        elif action == "CloseIntent":
            self._closing(turn, target, quiet=quiet)
        elif action == "EndConversation":
            self._end(turn)
        elif action == "ElicitIntent":
            session.dialog_action = {"type": "ElicitIntent"}
            session.failed_attempts = 0
        elif action == "EvaluateConditional":
            if stage.conditional is None:
                stage.default()
            else:
                self._evaluate(turn, target, stage.conditional, stage)
        elif action == "InvokeDialogCodeHook":
            self._stage_hook(turn, target, stage)
        else:  # pragma: no cover - flow_model checks the enum
            raise DependencyFailedException(f"unknown dialog action {action}")

    def _override_slots(
        self, turn: Turn, intent: IntentDef, overrides: Sequence[SlotOverride]
    ) -> None:
        if not overrides or turn.session.intent is None:
            return
        slots = turn.session.intent.setdefault("slots", {})
        for override in overrides:
            if intent.slot(override.name) is None:
                continue  # "If the slot ... does not exist, then the assignments are ignored"
            if override.shape == "List" and override.values:
                parts = [self._slot_value(intent, override.name, v) for v in override.values]
                slots[override.name] = {
                    "shape": "List",
                    "value": dict(
                        parts[0]["value"],
                        interpretedValue=", ".join(override.values),
                        originalValue=", ".join(override.values),
                    ),
                    "values": parts,
                }
            elif override.value is None or override.value == "":
                slots[override.name] = None
            else:
                slots[override.name] = self._slot_value(intent, override.name, override.value)

    # ------------------------------------------------------------------------ default order

    def _continue(self, turn: Turn, intent: IntentDef) -> None:
        """The next stage in Lex's default order for the intent as it stands."""
        session = turn.session
        assert session.intent is not None
        slots = session.intent.get("slots") or {}
        for slot in intent.slots:
            if slot.required and slots.get(slot.name) is None:
                self._elicit(turn, intent, slot.name)
                return
        if intent.has_confirmation and session.intent.get("confirmationState", "None") == "None":
            self._confirm(turn, intent)
            return
        self._fulfil(turn, intent)

    def _hook_enabled(self, turn: Turn, intent: IntentDef, setting: HookSetting | None) -> bool:
        if not intent.dialog_code_hook or self._runner(turn) is None:
            return False
        return setting is None or setting.invokes

    def _stage(
        self,
        turn: Turn,
        intent: IntentDef,
        name: str,
        outcome: Outcome,
        hook: HookSetting | None,
        after: Callable[[], None],
    ) -> Stage:
        """A stage whose default is its code hook (when it runs) and then ``after``."""

        def default() -> None:
            if self._hook_enabled(turn, intent, hook):
                self._stage_hook(turn, intent, stage)
            else:
                after()

        stage = Stage(name, default, outcome.conditional, hook, after)
        return stage

    def _initial_stage(self, turn: Turn, intent: IntentDef) -> None:
        """After the initial response: the initial stage's hook, conditional or next step."""
        flow = intent.flow
        stage = self._stage(
            turn,
            intent,
            "InitialResponse",
            flow.initial,
            flow.initial_hook,
            lambda: self._continue(turn, self._current(turn, intent)),
        )
        self._follow(turn, intent, flow.initial, stage)

    def _captured(self, turn: Turn, intent: IntentDef, slot_name: str) -> None:
        """A slot was just filled from the user's reply."""
        slot_flow = intent.flow.slot(slot_name)
        stage = self._stage(
            turn,
            intent,
            f"SlotCapture:{slot_name}",
            slot_flow.capture,
            slot_flow.code_hook,
            lambda: self._continue(turn, self._current(turn, intent)),
        )
        self._follow(turn, intent, slot_flow.capture, stage)

    def _current(self, turn: Turn, intent: IntentDef) -> IntentDef:
        session_intent = turn.session.intent
        if session_intent is None or session_intent.get("name") == intent.name:
            return intent
        return self._active_def(turn)

    # --------------------------------------------------------------------------- code hooks

    def _proposed_for(self, turn: Turn, intent: IntentDef) -> dict[str, Any]:
        session = turn.session
        assert session.intent is not None
        slots = session.intent.get("slots") or {}
        action: dict[str, Any] = {"type": "Close"}
        missing = next(
            (s.name for s in intent.slots if s.required and slots.get(s.name) is None), None
        )
        if missing is not None:
            action = {"type": "ElicitSlot", "slotToElicit": missing}
        elif intent.has_confirmation and session.intent.get("confirmationState", "None") == "None":
            action = {"type": "ConfirmIntent"}
        return {
            "dialogAction": action,
            "intent": copy.deepcopy(session.intent),
            "prompt": {"attempt": "Initial"},
        }

    def _stage_hook(self, turn: Turn, intent: IntentDef, stage: Stage) -> None:
        """Invoke the dialog code hook for ``stage`` and follow its post-hook outcome."""
        hook = stage.hook
        after = stage.hook_default or stage.default
        if (
            not intent.dialog_code_hook
            or self._runner(turn) is None
            or (hook is not None and not hook.invokes)
        ):
            after()
            return
        label = hook.label if hook is not None else None
        try:
            response = self._invoke(turn, "DialogCodeHook", self._proposed_for(turn, intent), label)
        except HookTimeout:
            if hook is None or not hook.timeout.configured:
                raise
            self._follow(turn, intent, hook.timeout, Stage(stage.name, self._end_failed(turn)))
            return
        except DependencyFailedException:
            if hook is None or not hook.failure.configured:
                raise
            self._follow(turn, intent, hook.failure, Stage(stage.name, self._end_failed(turn)))
            return
        if self._apply_hook(turn, response, fulfilment=False):
            return
        current = self._active_def(turn)
        assert turn.session.intent is not None
        failed = turn.session.intent.get("state") == "Failed"
        if hook is not None and failed and hook.failure.configured:
            self._follow(turn, current, hook.failure, Stage(stage.name, self._end_failed(turn)))
        elif hook is not None and not failed and hook.success.configured:
            continue_after = Stage(
                stage.name,
                lambda: self._continue(turn, self._active_def(turn)),
                hook.success.conditional,
            )
            self._follow(turn, current, hook.success, continue_after)
        else:
            if current.name != intent.name:
                self._continue(turn, current)
            else:
                after()

    def _end_failed(self, turn: Turn) -> Callable[[], None]:
        def run() -> None:
            if turn.session.intent is not None:
                turn.session.intent["state"] = "Failed"
            self._end(turn)

        return run

    # ------------------------------------------------------------------ confirmation, closing

    def _confirm(self, turn: Turn, intent: IntentDef, *, quiet: bool = False) -> None:
        session = turn.session
        assert session.intent is not None
        session.intent["state"] = "InProgress"
        session.dialog_action = {"type": "ConfirmIntent"}
        if not quiet:
            if not intent.confirmation_prompts:
                raise DependencyFailedException(
                    f"next step ConfirmIntent, but intent {intent.name} has no confirmation prompt"
                )
            turn.say(intent.confirmation_prompts)

    def _answered_confirmation(self, turn: Turn, intent: IntentDef) -> None:
        """The user said yes or no (``confirmationState`` is set)."""
        confirmation = intent.flow.confirmation

        def decide() -> None:
            current = self._current(turn, intent)
            assert turn.session.intent is not None
            if turn.session.intent.get("confirmationState") == "Denied":
                self._declined(turn, current)
            else:
                flow = current.flow.confirmation
                after = lambda: self._fulfil(turn, self._current(turn, current))  # noqa: E731
                stage = Stage(
                    "Confirmation", after, flow.confirmed.conditional, flow.code_hook, after
                )
                self._follow(turn, current, flow.confirmed, stage)

        if confirmation.code_hook is None and self._hook_enabled(turn, intent, None):
            stage = Stage("ConfirmationHook", decide, None, confirmation.code_hook, decide)
            self._stage_hook(turn, intent, stage)
        else:
            decide()

    def _declined(self, turn: Turn, intent: IntentDef) -> None:
        flow = intent.flow.confirmation
        assert turn.session.intent is not None
        turn.say(intent.declination_responses)
        end = self._end_failed(turn)
        stage = Stage("Declination", end, flow.declined.conditional, flow.code_hook, end)
        self._follow(turn, intent, flow.declined, stage)

    def _closing(self, turn: Turn, intent: IntentDef, *, quiet: bool = False) -> None:
        """The closing response (when active), then the closing stage's next step."""
        flow = intent.flow
        session = turn.session
        if session.intent is not None and session.intent.get("state") not in SETTLED:
            session.intent["state"] = "Fulfilled"
        if flow.closing_active and not quiet:
            turn.say(intent.closing_responses)
        self._follow(
            turn,
            intent,
            flow.closing,
            Stage("Closing", lambda: self._end(turn), flow.closing.conditional),
        )

    def _end(self, turn: Turn) -> None:
        session = turn.session
        if session.intent is not None and session.intent.get("state") not in SETTLED:
            session.intent["state"] = "Fulfilled"
        session.dialog_action = {"type": "Close"}
        session.failed_attempts = 0

    # --------------------------------------------------------------------------- fulfilment

    def _fulfil(self, turn: Turn, intent: IntentDef) -> None:
        session = turn.session
        assert session.intent is not None
        session.intent["state"] = "ReadyForFulfillment"
        flow = intent.flow
        if not (intent.fulfillment_code_hook and self._runner(turn) is not None):
            session.intent["state"] = "Fulfilled"
            self._closing(turn, intent)
            return
        try:
            response = self._invoke(turn, "FulfillmentCodeHook", None)
        except HookTimeout:
            if not flow.fulfilment_timeout.configured:
                raise
            self._follow(
                turn,
                intent,
                flow.fulfilment_timeout,
                Stage("Fulfillment", self._end_failed(turn), flow.fulfilment_timeout.conditional),
            )
            return
        except DependencyFailedException:
            if not flow.fulfilment_failure.configured:
                raise
            self._follow(
                turn,
                intent,
                flow.fulfilment_failure,
                Stage("Fulfillment", self._end_failed(turn), flow.fulfilment_failure.conditional),
            )
            return
        kind = response["sessionState"]["dialogAction"]["type"]
        if kind != "Delegate":
            self._apply_hook(turn, response, fulfilment=True)
            return
        # Delegate: Lex carries on with the post-fulfilment status and the closing response.
        self._apply_hook_state(turn, response)
        current = self._active_def(turn)
        assert session.intent is not None
        if session.intent.get("state") == "Failed":
            outcome = current.flow.fulfilment_failure
            self._follow(
                turn,
                current,
                outcome,
                Stage("Fulfillment", self._end_failed(turn), outcome.conditional),
            )
            return
        session.intent["state"] = "Fulfilled"
        outcome = current.flow.fulfilment_success
        self._follow(
            turn,
            current,
            outcome,
            Stage("Fulfillment", lambda: self._closing(turn, current), outcome.conditional),
        )

    def _apply_hook_state(self, turn: Turn, response: dict[str, Any]) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------------------ retries

    def _give_up(self, turn: Turn, intent: IntentDef, failure: Outcome, what: str) -> None:
        """Retries are used up: the configured failure path, else FallbackIntent."""
        session = turn.session
        session.failed_attempts = 0
        if failure.configured:
            assert session.intent is not None
            session.intent["state"] = "Failed"
            self._follow(
                turn,
                intent,
                failure,
                Stage(f"{what}Failure", self._end_failed(turn), failure.conditional),
            )
            return
        self._start_fallback(turn)

    def _start_fallback(self, turn: Turn) -> None:
        fallback = turn.locale.fallback
        turn.note_switch()
        turn.session.intent = self._new_intent_for(turn, fallback)
        turn.session.dialog_action = None
        turn.session.failed_attempts = 0
        self._begin(turn, fallback, say_initial=True)
