"""The repository's own bot (template.yaml) with the real NLU and slot recognition, in process."""

from __future__ import annotations

import datetime as dt

import pytest

from lex_emulator import LexEmulator
from tests.unit.lex_emulator.emulator_support import REPO_TEMPLATE, assert_valid_output


@pytest.fixture(scope="module")
def emu():
    """template.yaml's bot; the fallback hook is never reached by these dialogs."""
    return LexEmulator.from_template(REPO_TEMPLATE, today=dt.date(2026, 1, 1))


def turn(emu, text, session, locale):
    response = emu.recognize_text(
        bot_id="LOCALBOTID",
        bot_alias_id="TSTALIASID",
        locale_id=locale,
        session_id=session,
        text=text,
    )
    assert_valid_output("RecognizeText", response)
    return response


@pytest.mark.parametrize(
    ("locale", "greeting", "prompt", "name", "closing"),
    [
        ("ko_KR", "안녕", "이름이 무엇인가요?", "홍길동", "반갑습니다, 홍길동님."),
        ("en_US", "hello", "What is your name?", "Alice", "Nice to meet you, Alice."),
    ],
)
def test_hello_world_two_turns(emu, locale, greeting, prompt, name, closing):
    first = turn(emu, greeting, f"hello-{locale}", locale)
    assert first["sessionState"]["intent"]["name"] == "HelloWorld"
    assert first["sessionState"]["dialogAction"] == {
        "type": "ElicitSlot",
        "slotToElicit": "FirstName",
    }
    assert [m["content"] for m in first["messages"]] == [prompt]
    assert first["interpretations"][0]["nluConfidence"]["score"] >= 0.4
    second = turn(emu, name, f"hello-{locale}", locale)
    assert second["sessionState"]["intent"]["state"] == "Fulfilled"
    assert second["sessionState"]["dialogAction"] == {"type": "Close"}
    assert [m["content"] for m in second["messages"]] == [closing]


@pytest.mark.parametrize(
    ("locale", "text", "closing"),
    [
        ("ko_KR", "제 이름은 홍길동이에요", "반갑습니다, 홍길동님."),
        ("en_US", "my name is Alice", "Nice to meet you, Alice."),
    ],
)
def test_name_in_the_first_utterance_closes_at_once(emu, locale, text, closing):
    reply = turn(emu, text, f"oneshot-{locale}", locale)
    assert reply["sessionState"]["intent"]["name"] == "HelloWorld"
    assert [m["content"] for m in reply["messages"]] == [closing]
