"""Active contexts: activation on fulfilment, input-context gating, expiry by turns and time.

https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-active-context.html: "An output context
becomes active when an associated intent is fulfilled ... After a context is activated, it stays
active for the number of turns or time limit configured when the context was defined." "An
intent can only be recognized during a conversation when all of its input contexts are active. An
intent with no input contexts is always eligible for recognition." "The parameters are the slot
values for the fulfilled intent." OutputContext (API reference): the time and the turns are
"figured from the first time the context is sent to the user".

So a context activated on turn N is in turn N's response with its full ``turnsToLive``; each later
turn that starts with it active counts one turn, and it is gone from the first response where its
count reaches 0 (a ``TurnsToLive`` of 1 makes it usable on exactly the next turn). Time runs on the
injected clock from activation; a context past ``timeToLiveInSeconds`` is dropped before the next
turn is recognised. *Responses show the turns left (the guide does not say which count they
show); ``timeToLiveInSeconds`` is shown as configured.*
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lex_emulator.errors import LexError

__all__ = ["activate", "active_names", "allowed", "end_turn", "expire", "from_client"]

_NAME_RE = re.compile(r"^([A-Za-z0-9]_?)+$")


def active_names(contexts: Sequence[Mapping[str, Any]]) -> set[str]:
    return {str(c.get("name")) for c in contexts}


def allowed(input_contexts: Iterable[str], names: set[str]) -> bool:
    return all(name in names for name in input_contexts)


def expire(session: Any, now: float) -> None:
    """Drop contexts whose time is up (before the turn is recognised)."""
    deadlines: dict[str, float] = session.context_deadlines
    session.active_contexts = [
        c for c in session.active_contexts if deadlines.get(str(c.get("name")), now + 1) > now
    ]


def end_turn(session: Any, present_at_start: set[int]) -> None:
    """Count this turn for every context that was active when it began; drop the spent ones."""
    kept = []
    for context in session.active_contexts:
        if id(context) in present_at_start:
            ttl = context.setdefault("timeToLive", {})
            ttl["turnsToLive"] = int(ttl.get("turnsToLive", 1)) - 1
            if ttl["turnsToLive"] <= 0:
                session.context_deadlines.pop(str(context.get("name")), None)
                continue
        kept.append(context)
    session.active_contexts = kept


def activate(session: Any, outputs: Iterable[Any], slots: Mapping[str, Any], now: float) -> None:
    """Set the fulfilled intent's output contexts, with its slot values as parameters."""
    parameters: dict[str, str] = {}
    for name, slot in slots.items():
        value = slot.get("value") if isinstance(slot, Mapping) else None
        if isinstance(value, Mapping) and value.get("interpretedValue"):
            parameters[str(name)] = str(value["interpretedValue"])
    for output in outputs:
        session.active_contexts = [
            c for c in session.active_contexts if c.get("name") != output.name
        ]
        session.active_contexts.append(
            {
                "name": output.name,
                "timeToLive": {
                    "timeToLiveInSeconds": output.ttl_seconds,
                    "turnsToLive": output.turns,
                },
                "contextAttributes": dict(parameters),
            }
        )
        session.context_deadlines[output.name] = now + output.ttl_seconds


def from_client(
    raw: Any, now: float, error: type[LexError], session: Any | None = None
) -> list[dict[str, Any]]:
    """Check ``activeContexts`` from a request or a hook (ActiveContext shape); return a copy.

    With ``session``, their time starts now.
    """
    if not isinstance(raw, list) or len(raw) > 20:
        raise error("activeContexts must be a list of at most 20 contexts")
    out: list[dict[str, Any]] = []
    for n, item in enumerate(raw):
        where = f"activeContexts[{n}]"
        if not isinstance(item, Mapping):
            raise error(f"{where} must be an object")
        name = item.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100 or not _NAME_RE.match(name):
            raise error(f"{where}.name must match ^([A-Za-z0-9]_?)+$ (1-100 characters)")
        ttl = item.get("timeToLive")
        if not isinstance(ttl, Mapping):
            raise error(f"{where}.timeToLive is required")
        seconds, turns = ttl.get("timeToLiveInSeconds"), ttl.get("turnsToLive")
        if not isinstance(seconds, int) or not 5 <= seconds <= 86400:
            raise error(f"{where}.timeToLive.timeToLiveInSeconds must be 5-86400")
        if not isinstance(turns, int) or not 1 <= turns <= 20:
            raise error(f"{where}.timeToLive.turnsToLive must be 1-20")
        attributes = item.get("contextAttributes")
        if not isinstance(attributes, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
        ):
            raise error(f"{where}.contextAttributes must map strings to strings")
        out.append(copy.deepcopy(dict(item)))
    if session is None:
        return out
    # A context handed back unchanged (a hook echoing the session) keeps its clock and turn count.
    previous = {str(c.get("name")): c for c in session.active_contexts}
    old_deadlines: dict[str, float] = session.context_deadlines
    deadlines: dict[str, float] = {}
    for n, context in enumerate(out):
        name = str(context["name"])
        if previous.get(name) == context:
            out[n] = previous[name]
            deadlines[name] = old_deadlines.get(name, now + 86400)
        else:
            deadlines[name] = now + int(context["timeToLive"]["timeToLiveInSeconds"])
    session.context_deadlines = deadlines
    return out
