"""Unit tests: the condition expression language (lex_emulator.conditions), no I/O.

Grammar and rules: https://docs.aws.amazon.com/lexv2/latest/dg/paths-branching.html
"""

from __future__ import annotations

from typing import Any

import pytest

from lex_emulator.conditions import ConditionContext, ConditionSyntaxError, parse_condition


def scalar(value: str) -> dict[str, Any]:
    return {"shape": "Scalar", "value": {"originalValue": value, "interpretedValue": value,
                                         "resolvedValues": [value]}}  # fmt: skip


def listed(*values: str) -> dict[str, Any]:
    return {
        "shape": "List",
        "value": {"originalValue": " and ".join(values), "interpretedValue": " and ".join(values)},
        "values": [scalar(v) for v in values],
    }


CTX = ConditionContext(
    slots={
        "age": scalar("23"),
        "make": scalar("Honda"),
        "model": scalar("civic"),
        "toppings": listed("pepperoni", "pineapple"),
        "trip": scalar("PT90M"),
        "born": scalar("1989-05-01"),
        "at": scalar("21:30"),
        "card": scalar("123456781234"),
        "empty": None,
    },
    session_attributes={"tier": "Gold", "count": "7"},
    request_attributes={"retry_enabled": "TRUE"},
    root={
        "inputMode": "Text",
        "inputTranscript": "I want a large pizza",
        "transcriptions": [{"transcription": "x", "transcriptionConfidence": 0.9}],
    },
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{age} < 24", True),
        ("{age} < 9", False),  # numbers, not strings ("23" > "9" as text)
        ("{age} = 23", True),
        ("{age} != 23", False),
        ("{age} >= 23 AND {age} <= 23", True),
        ('({make} = "Honda") AND ({model} = "Civic")', True),
        ('{make} = "HONDA"', True),  # case-insensitive
        ('{make} > "Accord"', True),  # ASCII order
        ('{toppings} CONTAINS "pineapple"', True),
        ('{toppings} contains "ham"', False),
        ('{toppings} = "pepperoni,pineapple"', True),  # comma-separated list of values
        ("fn.COUNT({toppings}) = 2", True),
        ("fn.COUNT({age}) = 1", True),
        ("fn.IS_SET({toppings})", True),
        ("fn.IS_SET({empty})", False),
        ("fn.IS_SET([missing])", False),
        ("NOT fn.IS_SET([missing])", True),
        ("!fn.IS_SET([tier])", False),
        ("fn.LENGTH({card}) = 12", True),
        ("fn.LENGTH({toppings}) = 2", False),  # "does not support multi-value slots"
        ("{trip} < P2H", True),  # shorter durations are smaller
        ("{trip} > PT1H", True),
        ('{born} < "1990-10-01"', True),  # earlier dates are smaller
        ('{at} > "20:00"', True),
        ('[tier] = "gold"', True),
        ("[count] > 5", True),
        ('((retry_enabled)) = "TRUE"', True),
        ('$.inputMode = "Text"', True),
        ('$.inputTranscript = "I want a large pizza"', True),
        ("$.transcriptions[0].transcriptionConfidence < 0.95", True),
        ("$.transcriptions[1].transcriptionConfidence < 0.95", False),  # unset path
        ("{empty} = 1", False),  # "treated as invalid, and is not evaluated"
        ("{empty} = 1 OR {age} = 23", False),  # an unset reference voids the whole condition
        ("{age} = 1 || {age} = 23", True),
        ("{age} = 1 OR {age} = 2 AND {age} = 3", False),  # AND binds tighter
        ("({age} = 23 OR {age} = 2) AND {age} != 2", True),
    ],
)
def test_documented_operators_functions_and_references(expression: str, expected: bool) -> None:
    assert parse_condition(expression).evaluate(CTX) is expected


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("", "1-1024 characters"),
        ("x" * 1025, "1-1024 characters"),
        ("24 > {age}", "left-hand side must be a reference"),
        ("{age} = {make}", "right-hand side must be a constant"),
        ("{age} = [tier]", "right-hand side must be a constant"),
        ("COUNT({toppings}) = 2", "prefixed with 'fn.'"),
        ("fn.SUM({age}) = 2", "unknown function"),
        ("fn.COUNT(2) = 2", "must be a reference"),
        ("({age} = 1", "missing ')'"),
        ("{age} = 1)", "unexpected text"),
        ("{age}", "expected a comparison"),
        ("{age} = ", "ends too early"),
        ("{age} ~ 1", "unexpected character"),
        ("fn.COUNT({toppings}) CONTAINS 1", "CONTAINS needs a reference"),
    ],
)
def test_bad_expressions_are_refused_with_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=None) as failure:
        parse_condition(expression)
    assert reason in str(failure.value)
