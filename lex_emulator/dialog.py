"""The Lex V2 dialog engine: one RecognizeText turn against a bot locale and a session.

What it does, following the Lex V2 developer guide; choices where the guide is silent are marked *.

* **Intent choice.** The classifier scores every intent. The top interpretation is the best intent
  scoring at least the locale's ``NluConfidenceThreshold``, else ``FallbackIntent``. Interpretations
  list the intents at or above the threshold, then FallbackIntent (without a score, as Lex sends
  it), then the rest, five at most; scores are ``{"score": n}`` rounded to two places.
* **Slot elicitation.** Slots found in the triggering utterance (matched against the intent's sample
  utterances) are filled at once, then default values (``slot_defaults``). Missing *required* slots
  are elicited in ``SlotPriorities`` order with their prompt; optional slots are never prompted for.
  While a slot is being elicited, the reply fills that slot. *When no value can be read from the
  reply and another intent scores at or above the threshold, the dialog switches to that intent*
  (``AllowInterrupt`` concerns speech prompts only). A reply that yields no value counts as a
  failed attempt; after ``MaxRetries`` the slot's failure settings run, else FallbackIntent.
* **Stages and next steps** (initial response, slot capture, confirmation, fulfilment, closing;
  conditionals, code hooks at each stage, failure paths) are ``lex_emulator.flow.DialogFlow``,
  which this engine extends; contexts are ``lex_emulator.contexts``.
* **Code hook answers.** ``sessionAttributes`` replace the session's, messages are sent (or, when a
  hook sends none, the bot's configured prompt), ``requestAttributes`` are merged into the reply,
  an intent with another name switches intents, ``slotElicitationStyle`` is echoed back.
  ``Delegate`` from a fulfilment hook continues with the post-fulfilment response and the closing
  response (``Fulfilled`` unless the hook said ``Failed``).
* **Request sessionState.** Given ``sessionAttributes`` and ``activeContexts`` replace the stored
  ones; a given ``intent`` becomes the active intent and a given ``dialogAction`` (for instance
  ``ElicitSlot``) says how the text is read.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lex_emulator import contexts, slot_defaults
from lex_emulator.bot_model import (
    AliasDef,
    BotCatalog,
    BotDef,
    IntentDef,
    LocaleDef,
    MessageDef,
    SlotDef,
)
from lex_emulator.client_state import client_action, client_intent, new_intent, string_map
from lex_emulator.code_hook import (
    CodeHookRunner,
    build_event,
)
from lex_emulator.errors import DependencyFailedException, ValidationException
from lex_emulator.flow import DialogFlow
from lex_emulator.flow_model import ElicitationHook
from lex_emulator.sessions import Session
from lex_emulator.slot_filler import SlotFiller, SlotsModuleFiller, lex_slot
from lex_emulator.slots import for_slot

__all__ = [
    "Classifier",
    "ClassifierFactory",
    "DialogEngine",
    "SlotFiller",
    "SlotsModuleFiller",
    "default_classifier_factory",
]

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z0-9_]+)\}")
_MAX_INTERPRETATIONS = 5
_MAX_MESSAGES = 10


class Classifier(Protocol):
    def fit(self, samples: Mapping[str, Sequence[str]]) -> Any: ...

    def predict(self, text: str) -> list[tuple[str, float]]: ...


ClassifierFactory = Callable[[str], Classifier]


def default_classifier_factory(locale_id: str) -> Classifier:
    """``lex_emulator.nlu.IntentClassifier`` for the locale."""
    from lex_emulator.nlu import IntentClassifier

    return IntentClassifier(locale_id=locale_id)


def substitute(content: str, slots: Mapping[str, Any]) -> str:
    """Replace ``{SlotName}`` with the slot's interpreted value (unfilled slots are left as is)."""

    def repl(match: re.Match[str]) -> str:
        slot = slots.get(match.group(1))
        value = slot.get("value") if isinstance(slot, dict) else None
        if isinstance(value, dict) and isinstance(value.get("interpretedValue"), str):
            return str(value["interpretedValue"])
        return match.group(0)

    return _PLACEHOLDER_RE.sub(repl, content)


@dataclass
class Turn:
    """Everything one RecognizeText call works on."""

    bot: BotDef
    alias: AliasDef
    locale: LocaleDef
    session: Session
    text: str
    today: dt.date
    request_attributes: dict[str, str]
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    messages: list[dict[str, Any]] = field(default_factory=list)
    interpretations: list[dict[str, Any]] = field(default_factory=list)
    predictions: list[tuple[str, float]] = field(default_factory=list)
    steps: int = 0  # next steps run this turn (a loop guard)
    contexts_at_start: set[int] = field(default_factory=set)
    fulfilled: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    seen: set[int] = field(default_factory=set)  # intents already counted as fulfilled

    def __post_init__(self) -> None:
        intent = self.session.intent
        if intent is not None and intent.get("state") == "Fulfilled":
            self.seen.add(id(intent))  # fulfilled on an earlier turn

    def note_switch(self) -> None:
        """The active intent is about to be replaced: remember it if this turn fulfilled it."""
        intent = self.session.intent
        if intent is None or intent.get("state") != "Fulfilled" or id(intent) in self.seen:
            return
        self.seen.add(id(intent))
        self.fulfilled.append((str(intent["name"]), copy.deepcopy(intent.get("slots") or {})))

    def say(self, messages: Sequence[MessageDef]) -> None:
        slots = (self.session.intent or {}).get("slots") or {}
        for group in messages:  # one message per group: primary or a variation (messages.py)
            chosen = group.pick(self.bot.rng, self.session.failed_attempts)
            self.messages.append(chosen.to_lex(substitute=lambda t: substitute(t, slots)))


class DialogEngine(DialogFlow):
    """Runs turns for every bot of a catalog. Thread-safe if each session is used by one turn."""

    def __init__(
        self,
        catalog: BotCatalog,
        *,
        classifier_factory: ClassifierFactory = default_classifier_factory,
        slot_filler: SlotFiller | None = None,
        clock: Callable[[], float],
        hook_timeout_seconds: float | None = None,
    ) -> None:
        self.catalog = catalog
        self._filler: SlotFiller = slot_filler if slot_filler is not None else SlotsModuleFiller()
        self._clock = clock
        self._classifiers: dict[tuple[str, str], Classifier] = {}
        self._slot_types: dict[tuple[str, str], dict[str, Any]] = {}
        self._runners: dict[str, CodeHookRunner] = {}
        self._gated: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
        for bot in catalog.bots:
            for locale in bot.locales.values():
                key = (bot.logical_id, locale.locale_id)
                data = locale.training_data()
                if data:
                    classifier = classifier_factory(locale.locale_id)
                    classifier.fit(data)
                    self._classifiers[key] = classifier
                self._gated[key] = {
                    i.name: i.flow.input_contexts for i in locale.intents if i.flow.input_contexts
                }
                self._slot_types[key] = {
                    name: self._filler.slot_type(spec) for name, spec in locale.slot_types.items()
                }
            for alias in bot.aliases:
                for spec in alias.code_hooks.values():
                    if spec is not None and spec.logical_id not in self._runners:
                        self._runners[spec.logical_id] = CodeHookRunner(
                            spec, clock=clock, timeout_seconds=hook_timeout_seconds
                        )

    # ------------------------------------------------------------------------------ public API

    def recognize(
        self,
        *,
        bot: BotDef,
        alias: AliasDef,
        locale: LocaleDef,
        session: Session,
        text: str,
        session_state: Mapping[str, Any] | None,
        request_attributes: Mapping[str, str] | None,
        today: dt.date,
    ) -> dict[str, Any]:
        """Run one turn; ``session`` is held by the caller for the whole turn."""
        turn = Turn(bot, alias, locale, session, text, today, dict(request_attributes or {}))
        if session_state:
            self.apply_session_state(locale, session, session_state)
            turn.__post_init__()  # an intent the client sends as Fulfilled was not fulfilled here
        contexts.expire(session, self._clock())
        turn.contexts_at_start = {id(c) for c in session.active_contexts}
        classifier = self._classifiers.get((bot.logical_id, locale.locale_id))
        turn.predictions = self._predict(turn, classifier) if classifier else []
        gated = self._gated.get((bot.logical_id, locale.locale_id))
        if gated:  # intents with InputContexts are candidates only while those are active
            names = contexts.active_names(session.active_contexts)
            turn.predictions = [
                (name, score)
                for name, score in turn.predictions
                if name not in gated or contexts.allowed(gated[name], names)
            ]
        action = session.dialog_action or {}
        intent = session.intent
        active = locale.intent(intent["name"]) if intent else None
        if active is not None and intent is not None and intent.get("state") == "InProgress":
            if action.get("type") == "ElicitSlot" and action.get("slotToElicit"):
                self._continue_slot(turn, active, str(action["slotToElicit"]))
                return self._finish(turn)
            if action.get("type") == "ConfirmIntent":
                self._continue_confirmation(turn, active)
                return self._finish(turn)
        self._start(turn)
        return self._finish(turn)

    def apply_session_state(
        self, locale: LocaleDef, session: Session, state: Mapping[str, Any]
    ) -> None:
        """Take a client's ``sessionState`` (RecognizeText or PutSession) as Lex does."""
        if not isinstance(state, Mapping):
            raise ValidationException("sessionState must be an object")
        if "sessionAttributes" in state:
            session.session_attributes = string_map(state["sessionAttributes"], "sessionAttributes")
        if "activeContexts" in state:
            session.active_contexts = contexts.from_client(
                state["activeContexts"], self._clock(), ValidationException, session
            )
        if state.get("intent") is not None:
            session.intent = client_intent(locale, state["intent"])
            session.failed_attempts = 0
        if state.get("dialogAction") is not None:
            session.dialog_action = client_action(locale, session, state["dialogAction"])
            session.failed_attempts = 0

    def _predict(self, turn: Turn, classifier: Any) -> list[tuple[str, float]]:
        """Intent scores, slot-aware the way Lex's NLU is.

        The classifier is lexical and drops ``{Slot}`` placeholders from the samples, so slot values
        in an utterance ("order 2 small pizzas for tomorrow") would count as unseen words against
        the intent that expects them. For each intent whose samples carry slots, the values its
        templates find in the text are put back as placeholders and that intent keeps the better
        of the two scores. Other intents' scores are untouched.
        """
        scores = dict(classifier.predict(turn.text))
        for intent in turn.locale.intents:
            if intent.is_fallback or not intent.slot_templates:
                continue
            found = self._filler.fill(
                list(intent.slot_templates),
                turn.text,
                self._types_for(turn, intent),
                turn.locale.locale_id,
                turn.today,
            )
            masked = turn.text
            for name, value in found.items():
                original = str(value.get("originalValue") or "")
                if original and original in masked:
                    masked = masked.replace(original, "{" + name + "}", 1)
            if masked == turn.text:
                continue
            for name, score in classifier.predict(masked):
                if name == intent.name and score > scores.get(name, 0.0):
                    scores[name] = score
        return sorted(scores.items(), key=lambda p: -p[1])

    # ------------------------------------------------------------------------------ turn steps

    def _start(self, turn: Turn) -> None:
        """A fresh utterance: classify it and start (or resume) the winning intent."""
        locale, session = turn.locale, turn.session
        top = self._top_intent(turn)
        turn.interpretations = self._interpretations(turn, active=None)
        if top is None or top.is_fallback:
            turn.note_switch()
            session.intent = self._new_intent(locale.fallback)
            session.dialog_action = None
            session.failed_attempts = 0
            self._begin(turn, locale.fallback, say_initial=True)
            return
        resumed = session.intent if session.intent and session.intent["name"] == top.name else None
        if resumed is None or resumed.get("state") != "InProgress":
            turn.note_switch()
            session.intent = self._new_intent(top)
        session.dialog_action = None
        session.failed_attempts = 0
        slots = self._intent_slots(session)
        types = self._types_for(turn, top)
        found = (
            self._filler.fill(
                list(top.slot_templates), turn.text, types, locale.locale_id, turn.today
            )
            if top.slots
            else {}
        )
        for name, value in found.items():
            if name in slots and slots[name] is None:
                slots[name] = self._captured_value(turn, top, name, value)
        self._begin(turn, top, say_initial=True)

    def _begin(self, turn: Turn, intent: IntentDef, *, say_initial: bool) -> None:
        """The intent's first stage: default slot values, the initial response, its next step."""
        session = turn.session
        assert session.intent is not None
        slots = self._intent_slots(session)
        for slot in intent.slots:
            if slots.get(slot.name) is None:
                default = slot_defaults.first_default(
                    intent.flow.slot(slot.name).defaults,
                    session.session_attributes,
                    turn.request_attributes,
                    session.active_contexts,
                )
                if default is not None:
                    slots[slot.name] = self._slot_value(intent, slot.name, default)
        if say_initial:
            turn.say(intent.initial_responses)
        self._initial_stage(turn, intent)

    def _continue_slot(self, turn: Turn, intent: IntentDef, slot_name: str) -> None:
        session = turn.session
        slot_def = intent.slot(slot_name)
        slot_type: Any = "AMAZON.FreeFormInput"
        if slot_def is not None:
            slot_type = self._types_for(turn, intent).get(slot_def.name, slot_def.slot_type)
        value = self._filler.extract(slot_type, turn.text, turn.locale.locale_id, turn.today)
        if value is not None:
            turn.interpretations = self._interpretations(turn, active=intent.name)
            slot = self._captured_value(turn, intent, slot_name, value)
            self._intent_slots(session)[slot_name] = slot
            session.failed_attempts = 0
            session.dialog_action = None
            self._captured(turn, intent, slot_name)
            return
        # AllowInterrupt is about speech ("whether the user can interrupt a speech prompt"), so it
        # does not decide intent switching for text: a reply that fills nothing and matches
        # another intent starts that intent.
        if self._switch_target(turn, intent) is not None:
            self._start(turn)
            return
        turn.interpretations = self._interpretations(turn, active=intent.name)
        slot_flow = intent.flow.slot(slot_name)
        max_retries = slot_def.max_retries if slot_def else 0
        session.failed_attempts += 1
        if session.failed_attempts > max_retries:
            self._give_up(turn, intent, slot_flow.failure, "SlotCapture")
            return
        if self._retry_hook(turn, intent, "ElicitSlot", slot_name, slot_flow.elicitation_hook):
            return
        self._elicit(turn, self._current(turn, intent), slot_name)

    def _continue_confirmation(self, turn: Turn, intent: IntentDef) -> None:
        session = turn.session
        answer = self._filler.confirmation(turn.text, turn.locale.locale_id)
        if answer is None and self._switch_target(turn, intent) is not None:
            self._start(turn)
            return
        turn.interpretations = self._interpretations(turn, active=intent.name)
        assert session.intent is not None
        confirmation = intent.flow.confirmation
        if answer is None:
            session.failed_attempts += 1
            if session.failed_attempts > intent.confirmation_max_retries:
                self._give_up(turn, intent, confirmation.failure, "Confirmation")
                return
            if self._retry_hook(turn, intent, "ConfirmIntent", None, confirmation.elicitation_hook):
                return
            self._confirm(turn, self._current(turn, intent))
            return
        session.failed_attempts = 0
        session.dialog_action = None
        session.intent["confirmationState"] = "Confirmed" if answer == "Yes" else "Denied"
        self._answered_confirmation(turn, intent)

    def _retry_hook(
        self,
        turn: Turn,
        intent: IntentDef,
        kind: str,
        slot_name: str | None,
        setting: ElicitationHook | None,
    ) -> bool:
        """The elicitation code hook on a retry; True when its answer settled the turn."""
        if not intent.dialog_code_hook or self._runner(turn) is None:
            return False
        if setting is not None and not setting.enabled:
            return False
        attempt = f"Retry{turn.session.failed_attempts}"
        proposed = self._proposed(turn, kind, slot_name, attempt)
        label = setting.label if setting is not None else None
        response = self._invoke(turn, "DialogCodeHook", proposed, label)
        return self._apply_hook(turn, response, fulfilment=False)

    def _elicit(
        self,
        turn: Turn,
        intent: IntentDef,
        slot_name: str,
        messages: list[dict[str, Any]] | None = None,
        *,
        quiet: bool = False,
        style: str | None = None,
    ) -> None:
        """Ask for a slot with ``messages`` (a hook's) or else the slot's configured prompt."""
        session = turn.session
        assert session.intent is not None
        session.intent["state"] = "InProgress"
        session.dialog_action = {"type": "ElicitSlot", "slotToElicit": slot_name}
        if style is not None:
            session.dialog_action["slotElicitationStyle"] = style
        slot_def: SlotDef | None = intent.slot(slot_name)
        if messages:
            turn.messages.extend(messages)
        elif quiet:
            return
        elif slot_def is not None and slot_def.prompts:
            turn.say(slot_def.prompts)
        else:
            raise DependencyFailedException(
                f"Invalid Lambda Response: no message to elicit slot {slot_name}"
            )

    def _close(self, turn: Turn, state: str, messages: Sequence[MessageDef]) -> None:
        session = turn.session
        if session.intent is not None:
            session.intent["state"] = state
        session.dialog_action = {"type": "Close"}
        session.failed_attempts = 0
        turn.say(messages)

    def _new_intent_for(self, turn: Turn, intent: IntentDef) -> dict[str, Any]:
        return self._new_intent(intent)

    def _slot_value(self, intent: IntentDef, name: str, value: str) -> dict[str, Any]:
        """A slot set by a default value or a next step (taken as given, like an override)."""
        return {
            "shape": "Scalar",
            "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]},
        }

    def _captured_value(
        self, turn: Turn, intent: IntentDef, name: str, value: dict[str, Any]
    ) -> dict[str, Any]:
        """The Lex slot for a value read from the user.

        "A multi-value slot always returns a list of values. When the utterance contains only one
        value, the list of values returned contains only one response." (multi-valued-slots.html)
        """
        slot = lex_slot(value)
        assert slot is not None
        slot_def = intent.slot(name)
        if slot_def is not None and slot_def.multiple_values and slot["shape"] == "Scalar":
            return {
                "shape": "List",
                "value": dict(value),
                "values": [{"shape": "Scalar", "value": dict(value)}],
            }
        return slot

    # ------------------------------------------------------------------------------ code hooks

    def _runner(self, turn: Turn) -> CodeHookRunner | None:
        spec = turn.alias.code_hooks.get(turn.locale.locale_id)
        return None if spec is None else self._runners.get(spec.logical_id)

    def _proposed(
        self, turn: Turn, kind: str, slot_name: str | None, attempt: str = "Initial"
    ) -> dict[str, Any]:
        action: dict[str, Any] = {"type": kind}
        if slot_name is not None:
            action["slotToElicit"] = slot_name
        return {
            "dialogAction": action,
            "intent": copy.deepcopy(turn.session.intent),
            "prompt": {"attempt": attempt},
        }

    def _invoke(
        self, turn: Turn, source: str, proposed: dict[str, Any] | None, label: str | None = None
    ) -> dict[str, Any]:
        runner = self._runner(turn)
        assert runner is not None
        if not turn.interpretations:
            turn.interpretations = self._interpretations(turn, active=None)
        interpretations = copy.deepcopy(turn.interpretations)
        if interpretations and turn.session.intent is not None:
            interpretations[0]["intent"] = copy.deepcopy(turn.session.intent)
        event = build_event(
            invocation_source=source,
            session_id=turn.session.key.session_id,
            text=turn.text,
            bot={
                "id": turn.bot.bot_id,
                "name": turn.bot.name,
                "aliasId": turn.alias.alias_id,
                "aliasName": turn.alias.name,
                "localeId": turn.locale.locale_id,
                "version": "DRAFT" if turn.alias.logical_id is None else "1",
            },
            interpretations=interpretations,
            session_state=self.session_state(turn.session, turn.request_id),
            request_attributes=turn.request_attributes,
            proposed_next_state=proposed,
            invocation_label=label,
        )
        return runner.invoke(event)

    def _apply_hook_state(self, turn: Turn, response: dict[str, Any]) -> None:
        """Take a hook answer's attributes, contexts and intent (a new name switches intent)."""
        session, locale = turn.session, turn.locale
        state = response["sessionState"]
        if state.get("sessionAttributes") is not None:
            session.session_attributes = dict(state["sessionAttributes"])
        if isinstance(state.get("activeContexts"), list):
            session.active_contexts = contexts.from_client(
                state["activeContexts"], self._clock(), DependencyFailedException, session
            )
        if isinstance(response.get("requestAttributes"), dict):
            turn.request_attributes.update(
                {str(k): str(v) for k, v in response["requestAttributes"].items()}
            )
        if state.get("intent") is not None:
            if session.intent is not None and session.intent.get("name") != state["intent"]["name"]:
                turn.note_switch()
            session.intent = self._hook_intent(locale, session, state["intent"])

    def _apply_hook(self, turn: Turn, response: dict[str, Any], *, fulfilment: bool) -> bool:
        """Honour a validated hook answer. False only for Delegate from a dialog hook."""
        session = turn.session
        self._apply_hook_state(turn, response)
        state = response["sessionState"]
        hook_messages = list(response.get("messages") or [])
        action = state["dialogAction"]
        kind = action["type"]
        intent = self._active_def(turn) if session.intent is not None else None
        if kind == "Delegate" and not fulfilment:
            turn.messages.extend(hook_messages)
            return False
        if kind in ("Close", "Delegate"):
            current = (session.intent or {}).get("state")
            unsettled: tuple[str | None, ...] = (
                None,
                "ReadyForFulfillment",
                "FulfillmentInProgress",
            )
            if kind == "Delegate":
                unsettled = (*unsettled, "InProgress", "Waiting")
            final = "Fulfilled" if current in unsettled else str(current)
            closing = intent.closing_responses if intent and final == "Fulfilled" else ()
            self._close(turn, final, () if hook_messages else closing)
            turn.messages.extend(hook_messages)
            return True
        if kind == "ElicitSlot":
            if intent is None:
                raise DependencyFailedException(
                    "Invalid Lambda Response: ElicitSlot needs sessionState.intent"
                )
            slot_name = str(action["slotToElicit"])
            if intent.slots and intent.slot(slot_name) is None:
                raise DependencyFailedException(
                    f"Invalid Lambda Response: slot {slot_name} is not a slot of {intent.name}"
                )
            session.failed_attempts = 0
            style = action.get("slotElicitationStyle")
            self._elicit(
                turn, intent, slot_name, hook_messages or None, style=str(style) if style else None
            )
            return True
        if kind == "ConfirmIntent":
            if intent is None:
                raise DependencyFailedException(
                    "Invalid Lambda Response: ConfirmIntent needs sessionState.intent"
                )
            if not hook_messages and not intent.confirmation_prompts:
                raise DependencyFailedException(
                    "Invalid Lambda Response: ConfirmIntent needs messages "
                    f"(intent {intent.name} has no confirmation prompt)"
                )
            session.failed_attempts = 0
            assert session.intent is not None
            session.intent["state"] = "InProgress"
            session.intent["confirmationState"] = "None"
            session.dialog_action = {"type": "ConfirmIntent"}
            if hook_messages:
                turn.messages.extend(hook_messages)
            else:
                turn.say(intent.confirmation_prompts)
            return True
        # ElicitIntent
        session.dialog_action = {"type": "ElicitIntent"}
        session.failed_attempts = 0
        if state.get("intent") is None:
            session.intent = None
        turn.messages.extend(hook_messages)
        return True

    # ------------------------------------------------------------------------------ helpers

    def _active_def(self, turn: Turn) -> IntentDef:
        assert turn.session.intent is not None
        name = turn.session.intent["name"]
        found = turn.locale.intent(name)
        if found is None:
            raise DependencyFailedException(f"Invalid Lambda Response: intent {name} not found")
        return found

    def _types_for(self, turn: Turn, intent: IntentDef) -> dict[str, Any]:
        custom = self._slot_types.get((turn.bot.logical_id, turn.locale.locale_id), {})
        return {s.name: for_slot(custom.get(s.slot_type, s.slot_type), s) for s in intent.slots}

    @staticmethod
    def _intent_slots(session: Session) -> dict[str, Any]:
        assert session.intent is not None
        slots = session.intent.setdefault("slots", {})
        assert isinstance(slots, dict)
        return slots

    @staticmethod
    def _new_intent(intent: IntentDef) -> dict[str, Any]:
        return new_intent(intent)

    def _top_intent(self, turn: Turn) -> IntentDef | None:
        threshold = turn.locale.nlu_threshold
        for name, score in turn.predictions:
            intent = turn.locale.intent(name)
            if intent is not None and not intent.is_fallback:
                return intent if score >= threshold else None
        return None

    def _switch_target(self, turn: Turn, active: IntentDef) -> IntentDef | None:
        top = self._top_intent(turn)
        return top if top is not None and top.name != active.name else None

    def _interpretations(self, turn: Turn, active: str | None) -> list[dict[str, Any]]:
        locale = turn.locale
        threshold = locale.nlu_threshold
        ranked = [(n, s) for n, s in turn.predictions if locale.intent(n) is not None]
        if active is not None:
            ranked = [(active, 1.0)] + [(n, s) for n, s in ranked if n != active]
        fallback = {
            "intent": {
                "name": locale.fallback.name,
                "slots": {},
                "state": "InProgress",
                "confirmationState": "None",
            },
            "interpretationSource": "Lex",
        }
        out: list[dict[str, Any]] = []
        placed = False
        for name, score in ranked:
            if len(out) >= _MAX_INTERPRETATIONS:
                break  # the rest would be cut anyway (a 150-intent bot ranks 150)
            if not placed and score < threshold:
                out.append(fallback)
                placed = True
            intent_def = locale.intent(name)
            assert intent_def is not None
            if intent_def.is_fallback:
                continue
            out.append(
                {
                    "intent": {
                        "name": name,
                        "slots": {s.name: None for s in intent_def.slots},
                        "state": "InProgress",
                        "confirmationState": "None",
                    },
                    "nluConfidence": {"score": round(max(0.0, min(1.0, float(score))), 2)},
                    "interpretationSource": "Lex",
                }
            )
        if not placed:
            out.append(fallback)
        return out[:_MAX_INTERPRETATIONS]

    def _hook_intent(
        self, locale: LocaleDef, session: Session, raw: dict[str, Any]
    ) -> dict[str, Any]:
        intent_def = locale.intent(raw["name"])
        if intent_def is None:
            raise DependencyFailedException(
                f"Invalid Lambda Response: intent {raw['name']} is not defined for "
                f"locale {locale.locale_id}"
            )
        previous = (
            session.intent if session.intent and session.intent["name"] == raw["name"] else {}
        )
        intent = self._new_intent(intent_def)
        intent["state"] = raw.get("state") or previous.get("state") or "InProgress"
        intent["confirmationState"] = (
            raw.get("confirmationState") or previous.get("confirmationState") or "None"
        )
        slots = raw.get("slots")
        for name, slot in (slots or {}).items():
            intent["slots"][name] = copy.deepcopy(slot) if slot is not None else None
        return intent

    @staticmethod
    def session_state(session: Session, request_id: str | None) -> dict[str, Any]:
        """The Lex ``sessionState`` structure of a session."""
        state: dict[str, Any] = {
            "dialogAction": copy.deepcopy(session.dialog_action or {"type": "ElicitIntent"}),
            "sessionAttributes": dict(session.session_attributes),
        }
        if session.intent is not None:
            state["intent"] = copy.deepcopy(session.intent)
        if session.active_contexts:
            state["activeContexts"] = copy.deepcopy(session.active_contexts)
        if request_id:
            state["originatingRequestId"] = request_id
        return state

    def _finish(self, turn: Turn) -> dict[str, Any]:
        session = turn.session
        contexts.end_turn(session, turn.contexts_at_start)
        turn.note_switch()  # the intent fulfilled at the end of the turn, if any
        now = self._clock()
        for name, slots in turn.fulfilled:
            fulfilled = turn.locale.intent(name)
            if fulfilled is not None and fulfilled.flow.output_contexts:
                contexts.activate(session, fulfilled.flow.output_contexts, slots, now)
        if turn.interpretations and session.intent is not None:
            top = turn.interpretations[0]
            if top["intent"]["name"] == session.intent["name"]:
                top["intent"] = copy.deepcopy(session.intent)
        messages = turn.messages[:_MAX_MESSAGES]
        session.messages = copy.deepcopy(messages)
        session.interpretations = copy.deepcopy(turn.interpretations)
        session.request_attributes = dict(turn.request_attributes)
        session.originating_request_id = turn.request_id
        response: dict[str, Any] = {
            "sessionState": self.session_state(session, turn.request_id),
            "interpretations": copy.deepcopy(turn.interpretations),
            "sessionId": session.key.session_id,
        }
        if messages:
            response["messages"] = messages
        if turn.request_attributes:
            response["requestAttributes"] = dict(turn.request_attributes)
        return response
