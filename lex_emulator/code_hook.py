"""Call a bot's Lambda code hook in-process, the way Lex V2 calls it in AWS. Local development only.

* ``build_event`` makes the Lex V2 code-hook event (``messageVersion`` 1.0, every documented field
  for text input; ``nluConfidence`` is a bare number here, unlike in RecognizeText responses).
* ``CodeHookRunner`` imports the handler named in the template (``cfn_template.import_handler``),
  applies the function's environment around the call, passes a ``LambdaContext`` and waits at most
  the function's ``Timeout`` (capped at Lex's 30 s). It validates the answer; a handler that raises,
  times out or answers with something Lex would reject becomes ``DependencyFailedException``.

Environment isolation trade-off: ``os.environ`` is process-wide, so ``_EnvGate`` applies a
function's variables while any call of that same environment is running and restores the previous
values after the last one. Calls of one function run in parallel; calls of functions with different
environments wait for each other. A handler that overruns the timeout keeps its environment applied
until it really returns (Python cannot kill a thread).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from lex_emulator.cfn_template import FunctionSpec, import_handler
from lex_emulator.errors import DependencyFailedException

__all__ = [
    "LEX_HOOK_TIMEOUT_SECONDS",
    "CodeHookRunner",
    "CodeHookTimeout",
    "LambdaContext",
    "build_event",
    "validate_response",
]

LEX_HOOK_TIMEOUT_SECONDS = 30.0
DIALOG_ACTION_TYPES = ("Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot")
INTENT_STATES = (
    "Failed",
    "Fulfilled",
    "InProgress",
    "ReadyForFulfillment",
    "Waiting",
    "FulfillmentInProgress",
)
CONFIRMATION_STATES = ("Confirmed", "Denied", "None")
CONTENT_TYPES = ("CustomPayload", "ImageResponseCard", "PlainText", "SSML")
_INVALID = "Invalid Lambda Response: Received invalid response from Lambda: "


class CodeHookTimeout(DependencyFailedException):
    """The hook did not answer within its timeout (a stage's Timeout outcome may handle it)."""


class LambdaContext:
    """The ``context`` argument of a Lambda handler; remaining time follows an injectable clock."""

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        timeout_seconds: float,
        clock: Callable[[], float],
        region: str = "us-east-1",
        account: str = "123456789012",
    ) -> None:
        self.function_name = spec.logical_id
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = spec.memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{spec.logical_id}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.logical_id}"
        self.log_stream_name = f"local/[$LATEST]{uuid.uuid4().hex}"
        self.identity: Any = None
        self.client_context: Any = None
        self._clock = clock
        self._deadline = clock() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock()) * 1000))


class _EnvGate:
    """Applies one environment to ``os.environ`` while calls that need it run (see module doc)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._env: dict[str, str] | None = None
        self._saved: dict[str, str | None] = {}

    def enter(self, env: Mapping[str, str]) -> None:
        wanted = dict(env)
        with self._cond:
            while self._active and self._env != wanted:
                self._cond.wait()
            if not self._active:
                self._saved = {k: os.environ.get(k) for k in wanted}
                os.environ.update(wanted)
                self._env = wanted
            self._active += 1

    def exit(self) -> None:
        with self._cond:
            self._active -= 1
            if self._active == 0:
                for key, old in self._saved.items():
                    if old is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = old
                self._env = None
                self._saved = {}
                self._cond.notify_all()


_ENV_GATE = _EnvGate()


def _bare_confidence(interpretation: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in interpretation.items() if k != "nluConfidence"}
    score = interpretation.get("nluConfidence")
    if isinstance(score, Mapping):
        score = score.get("score")
    if isinstance(score, (int, float)):
        out["nluConfidence"] = round(float(score), 2)
    return out


def build_event(
    *,
    invocation_source: str,
    session_id: str,
    text: str,
    bot: Mapping[str, str],
    interpretations: list[dict[str, Any]],
    session_state: Mapping[str, Any],
    request_attributes: Mapping[str, str] | None = None,
    proposed_next_state: Mapping[str, Any] | None = None,
    invocation_label: str | None = None,
) -> dict[str, Any]:
    """A Lex V2 code-hook event for text input (``bot``: id, name, aliasId, aliasName, localeId,
    version)."""
    top = interpretations[0]["intent"]["name"] if interpretations else "FallbackIntent"
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "invocationSource": invocation_source,
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": session_id,
        "inputTranscript": text,
        "rawInputTranscript": text,
        "bot": dict(bot),
        "interpretations": [_bare_confidence(i) for i in interpretations],
        "requestAttributes": dict(request_attributes or {}),
        "sessionState": dict(session_state),
        "transcriptions": [
            {
                "transcription": text,
                "rawTranscription": text,
                "transcriptionConfidence": 1.0,
                "resolvedContext": {"intent": top},
                "resolvedSlots": {},
            }
        ],
    }
    if proposed_next_state is not None:
        event["proposedNextState"] = dict(proposed_next_state)
    if invocation_label is not None:
        # "invocationLabel – Indicates which code hook is being invoked" (the step's InvocationLabel)
        event["invocationLabel"] = invocation_label
    return event


def _fail(detail: str) -> DependencyFailedException:
    return DependencyFailedException(_INVALID + detail)


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list) or len(messages) > 10:
        raise _fail("messages must be a list of at most 10 messages")
    for n, message in enumerate(messages):
        if not isinstance(message, dict):
            raise _fail(f"messages[{n}] must be an object")
        content_type = message.get("contentType")
        if content_type not in CONTENT_TYPES:
            raise _fail(f"messages[{n}].contentType must be one of {', '.join(CONTENT_TYPES)}")
        if content_type == "ImageResponseCard":
            card = message.get("imageResponseCard")
            if not isinstance(card, dict) or not isinstance(card.get("title"), str):
                raise _fail(f"messages[{n}].imageResponseCard needs a title")
        else:
            content = message.get("content")
            if not isinstance(content, str) or not content or len(content) > 1024:
                raise _fail(f"messages[{n}].content must be a string of 1-1024 characters")


def _check_intent(intent: Any, *, need_state: bool) -> None:
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        raise _fail("sessionState.intent.name is required")
    state = intent.get("state")
    if (need_state or state is not None) and state not in INTENT_STATES:
        raise _fail(f"sessionState.intent.state must be one of {', '.join(INTENT_STATES)}")
    confirmation = intent.get("confirmationState")
    if confirmation is not None and confirmation not in CONFIRMATION_STATES:
        raise _fail("sessionState.intent.confirmationState must be Confirmed, Denied or None")
    slots = intent.get("slots")
    if slots is None:
        return
    if not isinstance(slots, dict):
        raise _fail("sessionState.intent.slots must be an object")
    for name, slot in slots.items():
        if slot is None:
            continue
        value = slot.get("value") if isinstance(slot, dict) else None
        if isinstance(slot, dict) and value is None and ("values" in slot or "subSlots" in slot):
            continue
        if not isinstance(value, dict) or not isinstance(value.get("interpretedValue"), str):
            raise _fail(f"slot {name} needs value.interpretedValue")


def validate_response(response: Any) -> dict[str, Any]:
    """Check a code hook's answer as Lex does; return it or raise DependencyFailedException."""
    if not isinstance(response, dict):
        raise _fail(f"expected a JSON object, got {type(response).__name__}")
    state = response.get("sessionState")
    if not isinstance(state, dict):
        raise _fail("sessionState is required")
    action = state.get("dialogAction")
    if not isinstance(action, dict) or action.get("type") not in DIALOG_ACTION_TYPES:
        raise _fail(
            "sessionState.dialogAction.type must be one of " + ", ".join(DIALOG_ACTION_TYPES)
        )
    kind = action["type"]
    attributes = state.get("sessionAttributes")
    if attributes is not None and (
        not isinstance(attributes, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in attributes.items())
    ):
        raise _fail("sessionState.sessionAttributes must map strings to strings")
    if "messages" in response and response["messages"] is not None:
        _check_messages(response["messages"])
    if kind == "ElicitSlot":
        if not isinstance(action.get("slotToElicit"), str) or not action["slotToElicit"]:
            raise _fail("dialogAction.slotToElicit is required for ElicitSlot")
        _check_intent(state.get("intent"), need_state=False)
        slots = state["intent"].get("slots")
        if isinstance(slots, dict) and slots and action["slotToElicit"] not in slots:
            raise _fail(f"slotToElicit {action['slotToElicit']} is not a slot of the intent")
    elif kind in ("ConfirmIntent", "Delegate"):
        _check_intent(state.get("intent"), need_state=False)
    elif kind == "Close":
        if state.get("intent") is not None:
            _check_intent(state["intent"], need_state=True)
    elif kind == "ElicitIntent" and not response.get("messages"):
        raise _fail("messages are required for ElicitIntent")
    request_attributes = response.get("requestAttributes")
    if request_attributes is not None and not isinstance(request_attributes, dict):
        raise _fail("requestAttributes must be an object")
    return response


class CodeHookRunner:
    """Invokes one Lambda function's handler in-process with Lex's limits (see module doc)."""

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        clock: Callable[[], float],
        timeout_seconds: float | None = None,
        loader: Callable[[FunctionSpec], Callable[..., Any]] = import_handler,
    ) -> None:
        self.spec = spec
        self._clock = clock
        limit = float(spec.timeout_seconds) if timeout_seconds is None else timeout_seconds
        self.timeout_seconds = min(limit, LEX_HOOK_TIMEOUT_SECONDS)
        self._loader = loader
        self._handler: Callable[..., Any] | None = None
        self._load_lock = threading.Lock()

    def _load(self) -> Callable[..., Any]:
        with self._load_lock:
            if self._handler is None:
                _ENV_GATE.enter(self.spec.environment)  # module-level code may read env vars
                try:
                    self._handler = self._loader(self.spec)
                except Exception as exc:
                    raise DependencyFailedException(
                        f"Received error response from Lambda: cannot load "
                        f"{self.spec.handler}: {type(exc).__name__}: {exc}"
                    ) from exc
                finally:
                    _ENV_GATE.exit()
            return self._handler

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the handler on ``event``; return its validated response."""
        handler = self._load()
        context = LambdaContext(self.spec, timeout_seconds=self.timeout_seconds, clock=self._clock)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def work() -> None:
            _ENV_GATE.enter(self.spec.environment)
            try:
                outcome["result"] = handler(event, context)
            except BaseException as exc:  # reported to the caller as Lex would
                outcome["error"] = exc
            finally:
                _ENV_GATE.exit()
                done.set()

        worker = threading.Thread(
            target=work, name=f"code-hook-{self.spec.logical_id}", daemon=True
        )
        worker.start()
        if not done.wait(self.timeout_seconds):
            raise CodeHookTimeout(
                f"Lambda function {self.spec.logical_id} timed out after "
                f"{self.timeout_seconds:g} seconds"
            )
        if "error" in outcome:
            exc = outcome["error"]
            raise DependencyFailedException(
                f"Received error response from Lambda: Unhandled ({type(exc).__name__}: {exc})"
            ) from exc
        return validate_response(outcome.get("result"))
