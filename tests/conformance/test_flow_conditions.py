"""Conformance: conditional branching and Lex's condition expression language (issue 8, item 5).

Each case is a bot whose slot capture runs a ``CaptureConditional`` with one branch; the reply
decides whether the branch ("branch yes") or the default branch ("branch default") is taken.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.flow_support import (
    FlowCase,
    Say,
    conditional,
    response,
    slot,
    step,
    to_case,
)
from tests.conformance.harness import ConformanceServers, case_id, run_case

PATHS = "https://docs.aws.amazon.com/lexv2/latest/dg/paths-branching.html"
SPEC = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_ConditionalSpecification.html"
MULTI = "https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html"

START = {"en_US": "start the probe", "ko_KR": "검사 시작"}
SAMPLES = {
    "en_US": ["start the probe", "run the probe", "probe test please"],
    "ko_KR": ["검사 시작", "검사를 시작해 줘", "검사 해 주세요"],
}
TOPPINGS = {
    "Name": "Toppings",
    "SlotTypeValues": [
        {"SampleValue": {"Value": v}} for v in ("pepperoni", "pineapple", "ham", "onion")
    ],
}


def probe(
    expression: str,
    slot_type: str = "AMAZON.Number",
    locale: str = "en_US",
    *,
    multiple: bool = False,
) -> list[dict[str, Any]]:
    value_slot = slot(
        "V",
        slot_type,
        "Value?",
        SlotCaptureSetting={
            "CaptureConditional": conditional(
                [("yes", expression, "branch yes", step("EndConversation"))],
                ("branch default", step("EndConversation")),
            )
        },
    )
    if multiple:
        value_slot["MultipleValuesSetting"] = {"AllowMultipleValues": True}
    return [
        {
            "Name": "Probe",
            "SampleUtterances": [{"Utterance": u} for u in SAMPLES[locale]],
            "Slots": [value_slot],
            "SlotPriorities": [{"Priority": 1, "SlotName": "V"}],
        }
    ]


def branch_case(
    case_id: str,
    expression: str,
    reply: str,
    taken: bool,
    sentence: str,
    *,
    slot_type: str = "AMAZON.Number",
    locale: str = "en_US",
    state: dict[str, Any] | None = None,
    request_attributes: dict[str, str] | None = None,
    doc: str = PATHS,
    multiple: bool = False,
) -> FlowCase:
    return FlowCase(
        id=case_id,
        doc=doc,
        sentence=sentence,
        locale=locale,
        intents=probe(expression, slot_type, locale, multiple=multiple),
        slot_types=[TOPPINGS] if slot_type == "Toppings" else [],
        turns=[
            Say(START[locale], {"intent": "Probe", "slot_to_elicit": "V"}, state=state),
            Say(
                reply,
                {
                    "messages": ["branch yes" if taken else "branch default"],
                    "action": "Close",
                    "state": "Fulfilled",
                },
                request_attributes=request_attributes,
            ),
        ],
    )


LESS = "the following condition returns true if the {age} slot is less than 24."
NUMBERS = (
    "Numbers – number-based slots are converted from the string representation to a number "
    "and then compared."
)
STRINGS = (
    "Strings – strings are compared based on their ASCII representation. The comparison is "
    "case-insensitive."
)
UNSET = "Any expression referencing an attribute which has not been set is treated as invalid, "
"and is not evaluated."
DEFAULT = "If none of the branches has its condition satisfied, a default branch is followed."

CASES = [
    branch_case("cond-less-true", "{V} < 24", "23", True, LESS),
    branch_case("cond-less-false", "{V} < 24", "30", False, LESS),
    branch_case("cond-numeric-not-text", "{V} > 9", "10", True, NUMBERS),
    branch_case("cond-equals-number", "{V} = 10", "10", True, "`{age} = 10`"),
    branch_case("cond-not-equals", "{V} != 10", "11", True, "Not equals (!=)"),
    branch_case("cond-le", "{V} <= 5", "5", True, "Less than or equals (<=)"),
    branch_case("cond-ge-false", "{V} >= 5", "4", False, "Greater than or equals (>=)"),
    branch_case(
        "cond-and-range",
        "({V} >= 5) AND ({V} <= 10)",
        "7",
        True,
        "({number} >= 5) AND ({number} <= 10)",
    ),
    branch_case(
        "cond-and-range-out",
        "({V} >= 5) AND ({V} <= 10)",
        "12",
        False,
        "({number} >= 5) AND ({number} <= 10)",
    ),
    branch_case("cond-or-symbols", "{V} = 1 || {V} = 2", "2", True, "OR (||)"),
    branch_case("cond-and-symbols", "{V} > 1 && {V} < 3", "2", True, "AND (&&)"),
    branch_case("cond-not", "NOT ({V} = 3)", "3", False, "NOT (!)"),
    branch_case("cond-bang", "!({V} = 3)", "4", True, "NOT (!)"),
    branch_case(
        "cond-string-case-insensitive",
        '{V} = "HONDA"',
        "honda",
        True,
        STRINGS,
        slot_type="AMAZON.AlphaNumeric",
    ),
    branch_case(
        "cond-parentheses-order",
        "({V} = 1 OR {V} = 2) AND {V} != 2",
        "2",
        False,
        "Use parentheses to set the evaluation order.",
    ),
    branch_case(
        "cond-session-attribute",
        '[tier] = "gold"',
        "5",
        True,
        "To reference a session attribute value, you use [attribute].",
        state={"sessionAttributes": {"tier": "Gold"}},
    ),
    branch_case(
        "cond-unset-attribute-not-evaluated",
        '[tier] = "gold" OR {V} = 5',
        "5",
        False,
        UNSET,
    ),
    branch_case(
        "cond-request-attribute",
        '((retry_enabled)) = "TRUE"',
        "5",
        True,
        'check retry_enabled flag ((retry_enabled)) = "TRUE"',
        request_attributes={"retry_enabled": "TRUE"},
    ),
    branch_case(
        "cond-input-transcript",
        '$.inputTranscript = "42"',
        "42",
        True,
        "For input mode and input transcript, you use $.inputMode and $.inputTranscript.",
    ),
    branch_case(
        "cond-input-mode-text",
        '$.inputMode = "Speech"',
        "42",
        False,
        'Input mode is speech: $.inputMode = "Speech"',
    ),
    branch_case(
        "cond-is-set-session",
        "fn.IS_SET([tier])",
        "5",
        False,
        "fn.IS_SET() – value is true if a slot, session attribute, or request attribute is set "
        "in the current session.",
    ),
    branch_case(
        "cond-is-set-slot",
        "fn.IS_SET({V})",
        "5",
        True,
        "fn.IS_SET() – value is true if a slot, session attribute, or request attribute is set "
        "in the current session.",
    ),
    branch_case(
        "cond-length",
        "fn.LENGTH({V}) = 6",
        "ABC123",
        True,
        "fn.LENGTH() – value is the length of the value of the session attribute, slot value, "
        "or slot attribute which is set in the current session.",
        slot_type="AMAZON.AlphaNumeric",
    ),
    branch_case(
        "cond-contains-multi-value",
        '{V} CONTAINS "pineapple"',
        "pepperoni and pineapple",
        True,
        "CONTAINS – determines if the specified value is contained in a multi-valued slot and "
        "returns true if it is.",
        slot_type="Toppings",
        multiple=True,
    ),
    branch_case(
        "cond-contains-multi-value-absent",
        '{V} CONTAINS "onion"',
        "pepperoni and pineapple",
        False,
        "CONTAINS – determines if the specified value is contained in a multi-valued slot and "
        "returns true if it is.",
        slot_type="Toppings",
        multiple=True,
    ),
    branch_case(
        "cond-count-multi-value",
        "fn.COUNT({V}) = 2",
        "pepperoni, ham",
        True,
        "fn.COUNT() – counts the number of values in a multi-valued slot.",
        slot_type="Toppings",
        multiple=True,
    ),
    branch_case(
        "cond-ko-number-less",
        "{V} < 24",
        "23",
        True,
        LESS,
        locale="ko_KR",
    ),
    branch_case(
        "cond-ko-default-branch",
        "{V} < 24",
        "40",
        False,
        DEFAULT,
        locale="ko_KR",
    ),
    branch_case(
        "cond-ko-session-attribute",
        '[grade] = "vip"',
        "7",
        True,
        "To reference a session attribute value, you use [attribute].",
        locale="ko_KR",
        state={"sessionAttributes": {"grade": "VIP"}},
    ),
]


def first_true_case() -> FlowCase:
    """Two true branches: the first one wins."""
    intents = probe("{V} > 1")
    capture = intents[0]["Slots"][0]["ValueElicitationSetting"]["SlotCaptureSetting"]
    capture["CaptureConditional"] = conditional(
        [
            ("first", "{V} > 1", "first branch", step("EndConversation")),
            ("second", "{V} > 2", "second branch", step("EndConversation")),
        ],
        ("branch default", step("EndConversation")),
    )
    return FlowCase(
        id="cond-first-true-branch-wins",
        doc=SPEC,
        sentence="The first branch with a condition that evaluates to true is executed.",
        intents=intents,
        turns=[Say(START["en_US"]), Say("5", {"messages": ["first branch"]})],
    )


def inactive_case() -> FlowCase:
    intents = probe("{V} > 1")
    capture = intents[0]["Slots"][0]["ValueElicitationSetting"]["SlotCaptureSetting"]
    capture["CaptureConditional"]["IsActive"] = False
    capture["CaptureResponse"] = response("captured")
    return FlowCase(
        id="cond-inactive-not-evaluated",
        doc=SPEC,
        sentence="When active is false, the conditions are not evaluated.",
        intents=intents,
        turns=[Say(START["en_US"]), Say("5", {"messages": ["captured"], "state": "Fulfilled"})],
    )


CASES += [first_true_case(), inactive_case()]

BAD = [
    ("{V} <", "the expression ends too early"),
    ("24 > {V}", "the left-hand side must be a reference"),
    ("{V} = {W}", "the right-hand side must be a constant"),
    ("COUNT({V}) = 1", "functions must be prefixed with 'fn.'"),
    ("fn.SUM({V}) = 1", "unknown function"),
    ("({V} = 1", "missing ')'"),
]
CASES += [
    FlowCase(
        id=f"cond-bad-expression-{n}",
        doc=PATHS,
        sentence="The left-hand side must be a reference. ... The right-hand side must be a "
        "constant ... Functions must be prefixed with the string fn.",
        note="A bad expression is refused at load, naming the branch (Lex's build refuses it).",
        intents=probe(expression),
        turns=[],
        load_error=f"ConditionalBranches[0].Condition.ExpressionString: branch 'yes': "
        f"invalid condition {expression!r}: {reason}",
    )
    for n, (expression, reason) in enumerate(BAD)
]

CASES = [to_case(c) if isinstance(c, FlowCase) else c for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Any) -> None:
    run_case(conformance, case)
