"""One chat turn with a fake Lex client passed in (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.chat_service import build_chat_response, run_chat_turn, stream_attributes
from chalicelib.config import Settings
from chalicelib.errors import LexServiceError, LexThrottledError
from chalicelib.validation import ChatRequest

SETTINGS = Settings(bot_id="LOCALBOTID", bot_alias_id="TSTALIASID")


class FakeLexRuntime:
    """Records calls and answers with a canned RecognizeText response (or raises)."""

    def __init__(self, response: Any = None, error: Exception | None = None):
        self.response, self.error = response, error
        self.calls: list[dict[str, Any]] = []

    def recognize_text(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        return self.response


def lex_response(
    intent: str | None, state: str | None, action: str, *messages: str
) -> dict[str, Any]:
    session_state: dict[str, Any] = {"dialogAction": {"type": action}, "sessionAttributes": {}}
    if intent is not None:
        session_state["intent"] = {"name": intent, "state": state, "slots": {}}
    return {
        "messages": [{"content": m, "contentType": "PlainText"} for m in messages],
        "sessionState": session_state,
        "sessionId": "ignored-here",
    }


def test_turn_sends_the_settings_and_request_to_lex():
    answer = lex_response("HelloWorld", "InProgress", "ElicitSlot", "이름이 무엇인가요?")
    lex = FakeLexRuntime(answer)
    request = ChatRequest(text="안녕", session_id="s-1", locale_id="ko_KR")
    run_chat_turn(request, SETTINGS, lex)
    assert lex.calls == [
        {
            "bot_id": "LOCALBOTID",
            "bot_alias_id": "TSTALIASID",
            "locale_id": "ko_KR",
            "session_id": "s-1",
            "text": "안녕",
            "request_attributes": None,
        }
    ]


def test_designed_intent_is_source_lex_with_its_dialog_action():
    body = build_chat_response(
        "s-1", lex_response("HelloWorld", "InProgress", "ElicitSlot", "What is your name?")
    )
    assert body == {
        "sessionId": "s-1",
        "messages": [{"content": "What is your name?", "contentType": "PlainText"}],
        "intent": {"name": "HelloWorld", "state": "InProgress"},
        "dialogAction": "ElicitSlot",
        "source": "lex",
    }


def test_fallback_intent_is_source_llm():
    body = build_chat_response("s", lex_response("FallbackIntent", "Fulfilled", "Close", "answer"))
    assert body["source"] == "llm"
    assert body["intent"] == {"name": "FallbackIntent", "state": "Fulfilled"}


def test_every_message_is_returned_in_order():
    texts = [f"part {i}" for i in range(10)]
    body = build_chat_response("s", lex_response("FallbackIntent", "Fulfilled", "Close", *texts))
    assert [m["content"] for m in body["messages"]] == texts


def test_no_intent_gives_null_intent_and_source_lex():
    body = build_chat_response("s", lex_response(None, None, "ElicitIntent"))
    assert body["intent"] is None
    assert body["source"] == "lex"
    assert body["messages"] == []
    assert body["dialogAction"] == "ElicitIntent"


def test_image_card_and_custom_payload_messages_are_kept():
    card = {"title": "Pick one", "buttons": [{"text": "A", "value": "a"}]}
    response = lex_response("HelloWorld", "InProgress", "ElicitSlot")
    response["messages"] = [
        {"contentType": "ImageResponseCard", "imageResponseCard": card},
        {"content": '{"x": 1}', "contentType": "CustomPayload"},
    ]
    body = build_chat_response("s", response)
    assert body["messages"] == [
        {"content": "", "contentType": "ImageResponseCard", "imageResponseCard": card},
        {"content": '{"x": 1}', "contentType": "CustomPayload"},
    ]


def test_session_id_in_the_body_is_the_requests():
    lex = FakeLexRuntime(lex_response("HelloWorld", "Fulfilled", "Close", "hi"))
    request = ChatRequest(text="hi", session_id="mine", locale_id="en_US")
    assert run_chat_turn(request, SETTINGS, lex)["sessionId"] == "mine"


@pytest.mark.parametrize(
    "response",
    [
        "not a dict",
        {"sessionState": "nope"},
        {"sessionState": {"dialogAction": []}},
        {"sessionState": {}, "messages": "hello"},
        {"sessionState": {}, "messages": ["hello"]},
    ],
)
def test_malformed_lex_answers_are_a_lex_service_error(response):
    with pytest.raises(LexServiceError):
        build_chat_response("s", response)


def test_lex_errors_propagate_unchanged():
    lex = FakeLexRuntime(error=LexThrottledError())
    with pytest.raises(LexThrottledError):
        run_chat_turn(ChatRequest(text="hi", session_id="ss", locale_id="ko_KR"), SETTINGS, lex)


def test_turn_passes_the_stream_attributes_it_is_given():
    lex = FakeLexRuntime(lex_response(None, None, "Close", "hi"))
    request = ChatRequest(text="hi", session_id="s-1", locale_id="ko_KR", turn_id="turn-0001")
    attributes = stream_attributes("conn-1=", request.turn_id)
    run_chat_turn(request, SETTINGS, lex, request_attributes=attributes)
    assert lex.calls[0]["request_attributes"] == {
        "llmStreamConnection": "conn-1=",
        "llmStreamTurn": "turn-0001",
    }


@pytest.mark.parametrize(("connection", "turn"), [(None, "turn-0001"), ("conn-1=", None), ("", "")])
def test_no_stream_attributes_without_both_a_connection_and_a_turn(connection, turn):
    assert stream_attributes(connection, turn) is None
