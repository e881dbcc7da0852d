"""The real template.yaml over HTTP with boto3: HelloWorld dialogs and the LLM fallback."""

from __future__ import annotations

import json

import pytest

from tests.fakes.fake_openai import FakeOpenAI
from tests.functional.lex_emulator.conftest import MAIN_TEMPLATE
from tests.functional.lex_emulator.lex_clients import dialog, message, say, slot_value


def test_korean_hello_world_two_turns(emulator_client):
    client = emulator_client(MAIN_TEMPLATE)
    first = say(client, "ko_KR", "ko-hello-1", "안녕하세요")
    assert dialog(first) == ("HelloWorld", "InProgress", "ElicitSlot")
    assert first["sessionState"]["dialogAction"]["slotToElicit"] == "FirstName"
    assert message(first) == "이름이 무엇인가요?"
    assert first["interpretations"][0]["intent"]["name"] == "HelloWorld"
    assert first["interpretations"][0]["nluConfidence"]["score"] >= 0.40

    second = say(client, "ko_KR", "ko-hello-1", "홍길동")
    assert dialog(second) == ("HelloWorld", "Fulfilled", "Close")
    assert slot_value(second, "FirstName") == "홍길동"
    assert message(second) == "반갑습니다, 홍길동님."


def test_korean_name_inside_a_sentence(emulator_client):
    client = emulator_client(MAIN_TEMPLATE)
    say(client, "ko_KR", "ko-hello-2", "안녕")
    answer = say(client, "ko_KR", "ko-hello-2", "제 이름은 김철수예요")
    assert slot_value(answer, "FirstName") == "김철수"
    assert message(answer) == "반갑습니다, 김철수님."


def test_english_hello_world_two_turns(emulator_client):
    client = emulator_client(MAIN_TEMPLATE)
    first = say(client, "en_US", "en-hello-1", "hello")
    assert dialog(first) == ("HelloWorld", "InProgress", "ElicitSlot")
    assert message(first) == "What is your name?"
    second = say(client, "en_US", "en-hello-1", "my name is Alice")
    assert dialog(second) == ("HelloWorld", "Fulfilled", "Close")
    assert message(second) == "Nice to meet you, Alice."


def test_english_slot_filled_from_the_first_utterance(emulator_client):
    client = emulator_client(MAIN_TEMPLATE)
    answer = say(client, "en_US", "en-hello-2", "hello my name is Bob")
    assert dialog(answer) == ("HelloWorld", "Fulfilled", "Close")
    assert message(answer) == "Nice to meet you, Bob."


def test_sessions_in_two_locales_are_separate(emulator_client):
    client = emulator_client(MAIN_TEMPLATE)
    say(client, "en_US", "same-id", "hello")
    ko = say(client, "ko_KR", "same-id", "안녕")
    assert message(ko) == "이름이 무엇인가요?"
    en = say(client, "en_US", "same-id", "Carol")
    assert message(en) == "Nice to meet you, Carol."


@pytest.mark.parametrize(
    ("locale", "question", "reply"),
    [
        ("en_US", "What is the capital of France?", "Paris is the capital of France."),
        ("ko_KR", "오늘 서울 날씨 어때요?", "서울은 오늘 맑습니다."),
    ],
)
def test_fallback_answers_through_the_real_fallback_function(
    emulator_client, locale, question, reply
):
    with FakeOpenAI() as llm:
        llm.set_behavior("ok", reply=reply)
        env = {
            "FallbackFunction": {
                "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_API_KEY": "test-key-not-real",
                "OPENAI_API_KEY_SECRET_ARN": "",
                "LLM_TIMEOUT_SECONDS": "10",
            }
        }
        client = emulator_client(MAIN_TEMPLATE, env_vars=env)
        answer = say(client, locale, f"fb-{locale}", question)
        assert answer["sessionState"]["intent"]["name"] == "FallbackIntent"
        assert answer["interpretations"][0]["intent"]["name"] == "FallbackIntent"
        assert message(answer) == reply
        sent = llm.requests
        assert len(sent) == 1
        assert sent[0]["messages"][-1] == {"role": "user", "content": question}

        follow_up = say(client, locale, f"fb-{locale}", "Tell me more about that, please")
        assert follow_up["sessionState"]["intent"]["name"] == "FallbackIntent"
        history = json.loads(follow_up["sessionState"]["sessionAttributes"]["llmHistory"])
        assert {"role": "user", "content": question} in history
        assert {"role": "assistant", "content": reply} in history
        second_request = llm.requests[-1]["messages"]
        assert {"role": "user", "content": question} in second_request
