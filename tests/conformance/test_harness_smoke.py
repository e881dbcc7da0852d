"""The harness itself: a closing response through the real boto3 client, in both locales."""

from __future__ import annotations

import pytest

from tests.conformance.harness import (
    ABSENT,
    Case,
    ConformanceServers,
    Turn,
    bot_template,
    case_id,
    intent,
    locale,
    run_case,
)

CLOSING_DOC = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_IntentClosingSetting.html"
CLOSING_QUOTE = "The response that Amazon Lex sends to the user when the intent is complete."

GREETER = bot_template(
    locale("en_US", [intent("Greet", ["hello", "hi there", "good morning"], closing="Hello!")]),
    locale("ko_KR", [intent("Greet", ["안녕", "안녕하세요", "좋은 아침"], closing="안녕하세요!")]),
)

CASES = [
    Case(
        name="closing-response-en",
        template=GREETER,
        locale="en_US",
        doc=CLOSING_DOC,
        quote=CLOSING_QUOTE,
        turns=(
            Turn(
                "hello",
                {
                    "sessionState.intent.name": "Greet",
                    "sessionState.intent.state": "Fulfilled",
                    "sessionState.dialogAction.type": "Close",
                    "messages.0.content": "Hello!",
                    "messages.1": ABSENT,
                },
            ),
        ),
    ),
    Case(
        name="closing-response-ko",
        template=GREETER,
        locale="ko_KR",
        doc=CLOSING_DOC,
        quote=CLOSING_QUOTE,
        turns=(
            Turn(
                "안녕하세요",
                {"sessionState.intent.state": "Fulfilled", "messages.0.content": "안녕하세요!"},
            ),
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Case) -> None:
    run_case(conformance, case)
