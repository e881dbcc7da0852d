"""Lex V2 response builders and message splitting."""

from __future__ import annotations

from typing import Any

import pytest

from llm_fallback.event import LexEvent
from llm_fallback.response import (
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    close_failed,
    close_fulfilled,
    delegate,
    split_message,
    utf16_len,
)
from tests.support.lex_response_rules import assert_valid


def test_short_text_is_one_message() -> None:
    assert split_message("  Canberra.  ") == ["Canberra."]


def test_empty_text_has_no_messages() -> None:
    assert split_message(" \n ") == []


def test_splits_on_paragraphs_first() -> None:
    first = "a" * 600
    second = "b" * 600
    assert split_message(f"{first}\n\n{second}") == [first, second]


def test_splits_on_sentences_when_no_paragraph() -> None:
    sentence = "This is a sentence of moderate length for testing. "
    parts = split_message(sentence * 40)
    assert len(parts) > 1
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == (sentence * 40).strip()


def test_korean_sentences_split_at_sentence_ends() -> None:
    text = "오늘 서울의 날씨는 맑고 따뜻합니다. " * 80
    parts = split_message(text)
    assert all(utf16_len(p) <= MAX_MESSAGE_CHARS for p in parts)
    assert all(p.endswith(".") for p in parts)


def test_words_are_not_cut_when_there_is_whitespace() -> None:
    words = [f"word{i:03d}" for i in range(300)]
    parts = split_message(" ".join(words))
    assert " ".join(parts).split() == words


def test_text_without_spaces_is_hard_cut_at_the_limit() -> None:
    parts = split_message("x" * 2500)
    assert [len(p) for p in parts] == [1000, 1000, 500]


def test_never_splits_a_surrogate_pair() -> None:
    text = "😀" * 1500  # each emoji is 2 UTF-16 units
    parts = split_message(text)
    assert "".join(parts) == text
    assert all(utf16_len(p) <= MAX_MESSAGE_CHARS for p in parts)
    odd = "a" + "😀" * 1500  # forces a cut that would fall mid-pair
    parts = split_message(odd)
    assert "".join(parts) == odd
    assert all(p.encode("utf-8") for p in parts)


def test_lone_surrogates_and_control_characters_are_cleaned() -> None:
    assert split_message("a\ud83db\x00c\x07\n\td") == ["a\ufffdbc\n\td"]
    assert split_message("\ud83d\ude00") == ["😀"]  # a pair split in two code points


def test_more_than_ten_messages_is_truncated_with_an_ellipsis() -> None:
    parts = split_message("가" * 20_000)
    assert len(parts) == MAX_MESSAGES
    assert parts[-1].endswith("…")
    assert all(utf16_len(p) <= MAX_MESSAGE_CHARS for p in parts)


def test_exactly_ten_full_messages_are_not_truncated() -> None:
    parts = split_message("y" * (MAX_MESSAGES * MAX_MESSAGE_CHARS))
    assert len(parts) == MAX_MESSAGES
    assert not parts[-1].endswith("…")


def test_close_fulfilled_shape(load_event: Any) -> None:
    event = LexEvent(load_event("lexV2FallbackEn"))
    answer = close_fulfilled(event, "Canberra.", {"llmHistory": "[]"})
    assert_valid(answer)
    assert answer["sessionState"]["dialogAction"] == {"type": "Close"}
    assert answer["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert answer["sessionState"]["intent"]["state"] == "Fulfilled"
    assert answer["sessionState"]["sessionAttributes"] == {"llmHistory": "[]"}
    assert answer["messages"] == [{"contentType": "PlainText", "content": "Canberra."}]


def test_close_failed_keeps_session_attributes(load_event: Any) -> None:
    raw = load_event("lexV2FallbackKo")
    answer = close_failed(LexEvent(raw), "잠시 후 다시 시도해 주세요.")
    assert_valid(answer)
    assert answer["sessionState"]["intent"]["state"] == "Failed"
    assert answer["sessionState"]["sessionAttributes"] == raw["sessionState"]["sessionAttributes"]


@pytest.mark.parametrize("name", ["lexV2DialogCodeHook", "lexV2UnknownIntent"])
def test_delegate_echoes_the_intent(load_event: Any, name: str) -> None:
    raw = load_event(name)
    answer = delegate(LexEvent(raw))
    assert_valid(answer)
    assert "messages" not in answer
    assert answer["sessionState"]["dialogAction"] == {"type": "Delegate"}
    intent = answer["sessionState"]["intent"]
    assert intent["name"] == raw["sessionState"]["intent"]["name"]
    assert intent["slots"] == raw["sessionState"]["intent"]["slots"]
    assert intent["state"] == raw["sessionState"]["intent"]["state"]
    assert answer["sessionState"]["sessionAttributes"] == raw["sessionState"]["sessionAttributes"]


def test_active_contexts_are_carried_over(load_event: Any) -> None:
    raw = load_event("lexV2FallbackEn")
    context = {"name": "ctx", "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 2}}
    raw["sessionState"]["activeContexts"] = [context]
    answer = close_fulfilled(LexEvent(raw), "ok")
    assert answer["sessionState"]["activeContexts"] == [context]
