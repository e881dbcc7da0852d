"""Unit tests: slot default values and active contexts (no I/O, an injected clock)."""

from __future__ import annotations

from typing import Any

import pytest

from lex_emulator import contexts
from lex_emulator.errors import ValidationException
from lex_emulator.flow_model import OutputContext
from lex_emulator.sessions import Session, SessionKey
from lex_emulator.slot_defaults import first_default, resolve_default

CONTEXT = [{"name": "booked", "contextAttributes": {"startDate": "2026-01-09"}}]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("#booked.startDate", "2026-01-09"),
        ("#booked.endDate", None),
        ("#other.startDate", None),
        ("[usual]", "6"),
        ("[missing]", None),
        ("<count>", "9"),
        ("<missing>", None),
        ("large", "large"),
        ("[]", "[]"),  # not a reference: a fixed value
    ],
)
def test_default_sources(spec: str, expected: str | None) -> None:
    assert resolve_default(spec, {"usual": "6"}, {"count": "9"}, CONTEXT) == expected


def test_first_available_default_in_list_order() -> None:
    assert first_default(["#other.x", "[usual]", "1"], {"usual": "6"}, {}, CONTEXT) == "6"
    assert first_default(["#other.x", "[missing]", "1"], {}, {}, CONTEXT) == "1"
    assert first_default(["[missing]"], {}, {}, CONTEXT) is None


def session() -> Session:
    return Session(key=SessionKey("Bot", "TSTALIASID", "en_US", "s1"), last_used=0.0)


def test_output_context_carries_the_slot_values_and_its_time_to_live() -> None:
    s = session()
    slots: dict[str, Any] = {"City": {"value": {"interpretedValue": "Seattle"}}, "Empty": None}
    contexts.activate(s, [OutputContext("booked", 60, 2)], slots, now=100.0)
    assert s.active_contexts == [
        {
            "name": "booked",
            "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 2},
            "contextAttributes": {"City": "Seattle"},
        }
    ]
    contexts.expire(s, now=159.0)
    assert contexts.active_names(s.active_contexts) == {"booked"}
    contexts.expire(s, now=160.0)
    assert s.active_contexts == []


def test_turns_count_only_for_contexts_active_when_the_turn_began() -> None:
    s = session()
    contexts.activate(s, [OutputContext("booked", 600, 2)], {}, now=0.0)
    contexts.end_turn(s, present_at_start=set())  # the activating turn does not count
    assert s.active_contexts[0]["timeToLive"]["turnsToLive"] == 2
    for left in (1, 0):
        contexts.end_turn(s, {id(c) for c in s.active_contexts})
        assert [c["timeToLive"]["turnsToLive"] for c in s.active_contexts] == (
            [left] if left else []
        )


def test_client_contexts_are_checked_and_keep_their_clock_when_unchanged() -> None:
    s = session()
    given = [{"name": "promo", "timeToLive": {"timeToLiveInSeconds": 30, "turnsToLive": 3},
              "contextAttributes": {"code": "X"}}]  # fmt: skip
    s.active_contexts = contexts.from_client(given, 0.0, ValidationException, s)
    assert s.context_deadlines == {"promo": 30.0}
    again = contexts.from_client(given, 20.0, ValidationException, s)
    assert again[0] is s.active_contexts[0] and s.context_deadlines == {"promo": 30.0}
    for bad in (
        [{"name": "bad name", "timeToLive": {"timeToLiveInSeconds": 30, "turnsToLive": 1},
          "contextAttributes": {}}],
        [{"name": "x", "timeToLive": {"timeToLiveInSeconds": 4, "turnsToLive": 1},
          "contextAttributes": {}}],
        [{"name": "x", "timeToLive": {"timeToLiveInSeconds": 5, "turnsToLive": 21},
          "contextAttributes": {}}],
        [{"name": "x", "timeToLive": {"timeToLiveInSeconds": 5, "turnsToLive": 1}}],
        "not a list",
    ):  # fmt: skip
        with pytest.raises(ValidationException):
            contexts.from_client(bad, 0.0, ValidationException, s)


def test_input_contexts_gate() -> None:
    assert contexts.allowed((), set())
    assert contexts.allowed(("a",), {"a", "b"})
    assert not contexts.allowed(("a", "c"), {"a", "b"})
