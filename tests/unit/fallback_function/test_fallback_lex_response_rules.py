"""The response validator itself: it must reject what Lex rejects."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.lex_response_rules import assert_valid, violations

GOOD: dict[str, Any] = {
    "sessionState": {
        "sessionAttributes": {"llmHistory": "[]"},
        "dialogAction": {"type": "Close"},
        "intent": {"name": "FallbackIntent", "slots": {}, "state": "Fulfilled"},
    },
    "messages": [{"contentType": "PlainText", "content": "Hi."}],
}


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    response = copy.deepcopy(GOOD)
    target: Any = response
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return response


def test_good_response_passes() -> None:
    assert violations(GOOD) == []
    assert_valid(GOOD)


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        ({}, "sessionState is required"),
        ([], "JSON object"),
        (_with(["sessionState", "dialogAction", "type"], "Finish"), "dialogAction.type"),
        (_with(["sessionState", "dialogAction"], {"type": "ElicitSlot"}), "slotToElicit"),
        (_with(["sessionState", "intent", "state"], "InProgress"), "Close must set"),
        (_with(["sessionState", "intent", "state"], "Done"), "intent.state"),
        (_with(["sessionState", "intent"], {"state": "Fulfilled"}), "intent.name"),
        (_with(["sessionState", "sessionAttributes"], {"n": 1}), "must be a string"),
        (_with(["sessionState", "sessionAttributes"], {"h": "x" * 13000}), "12 KB"),
        (_with(["messages"], [{"contentType": "Text", "content": "x"}]), "contentType"),
        (_with(["messages"], [{"contentType": "PlainText", "content": ""}]), "non-empty"),
        (_with(["messages"], [{"contentType": "PlainText", "content": "x" * 1001}]), "max 1000"),
        (_with(["messages"], [{"contentType": "PlainText", "content": "😀" * 501}]), "max 1000"),
        (_with(["messages"], [{"contentType": "PlainText", "content": "a\ud83d"}]), "surrogate"),
        (_with(["messages"], [{"contentType": "PlainText", "content": "x"}] * 11), "at most 10"),
        (
            _with(["sessionState", "dialogAction"], {"type": "ElicitIntent"}) | {"messages": []},
            "messages are required",
        ),
        (_with(["extra"], 1), "unknown top-level"),
        (_with(["sessionState", "intent", "slots"], {"S": {"shape": "Blob"}}), "shape"),
    ],
)
def test_violations_are_reported(response: Any, fragment: str) -> None:
    problems = violations(response)
    assert any(fragment in p for p in problems), problems
    with pytest.raises(AssertionError):
        assert_valid(response)


def test_delegate_without_messages_is_valid() -> None:
    response = _with(["sessionState", "dialogAction"], {"type": "Delegate"})
    del response["messages"]
    response["sessionState"]["intent"]["state"] = "InProgress"
    assert violations(response) == []
