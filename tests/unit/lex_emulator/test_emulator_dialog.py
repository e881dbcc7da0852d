"""Dialog behaviour of the in-process emulator (fake NLU and slot filler, no network)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from lex_emulator import LexEmulator
from lex_emulator.dialog import SlotsModuleFiller
from lex_emulator.errors import ResourceNotFoundException, ValidationException
from tests.unit.lex_emulator.emulator_support import (
    TEMPLATES,
    FakeSlotFiller,
    KeywordClassifier,
    assert_valid_output,
)

BOT = "PIZZABOTXX"
ALIAS = "TSTALIASID"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    """A clock the test moves by hand."""
    return Clock()


@pytest.fixture(params=["fake-slots", "real-slots"])
def emu(request, clock):
    """The pizza test bot: keyword NLU, and the fake or the real ``lex_emulator.slots``."""
    filler = FakeSlotFiller() if request.param == "fake-slots" else SlotsModuleFiller()
    return LexEmulator.from_template(
        TEMPLATES / "pizza.yaml",
        clock=clock,
        today=dt.date(2026, 1, 1),
        classifier_factory=KeywordClassifier,
        slot_filler=filler,
    )


def say(emu, text, session="s-1", locale="en_US", **kwargs):
    response = emu.recognize_text(
        bot_id=BOT, bot_alias_id=ALIAS, locale_id=locale, session_id=session, text=text, **kwargs
    )
    assert_valid_output("RecognizeText", response)
    return response


def content(response):
    return [m["content"] for m in response.get("messages", [])]


def slot_value(response, name):
    slot = response["sessionState"]["intent"]["slots"][name]
    return None if slot is None else slot["value"]["interpretedValue"]


def test_slot_from_the_triggering_utterance_then_next_prompt(emu):
    first = say(emu, "I want a big pizza")
    assert first["sessionState"]["intent"]["name"] == "OrderPizza"
    assert slot_value(first, "Size") == "large"  # TopResolution: synonym -> value
    assert first["sessionState"]["intent"]["slots"]["Size"]["value"]["originalValue"] == "big"
    assert first["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Count"}
    assert content(first) == ["How many large pizzas?"]


def test_multi_slot_order_with_confirmation_yes(emu):
    assert content(say(emu, "order a pizza")) == ["What size?"]
    assert content(say(emu, "small please")) == ["How many small pizzas?"]
    confirm = say(emu, "two")
    assert confirm["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert content(confirm) == ["Order 2 small pizzas?"]
    done = say(emu, "yes")
    assert done["sessionState"]["dialogAction"] == {"type": "Close"}
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert done["sessionState"]["intent"]["confirmationState"] == "Confirmed"
    assert content(done) == ["Your 2 small pizzas are on the way."]


def test_confirmation_no_fails_with_the_declination(emu):
    say(emu, "get me 3 large pizzas")
    done = say(emu, "no")
    assert done["sessionState"]["intent"]["state"] == "Failed"
    assert done["sessionState"]["intent"]["confirmationState"] == "Denied"
    assert content(done) == ["Okay, the order is cancelled."]


def test_unclear_confirmation_is_asked_again_then_fails(emu):
    say(emu, "get me 3 large pizzas")
    again = say(emu, "maybe")
    assert again["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert content(again) == ["Order 3 large pizzas?"]
    failed = say(emu, "hmm")  # MaxRetries 1, no FailureResponse: FallbackIntent (no hook here)
    # https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-fallback.html: "The fallback
    # intent is invoked when: ... An intent doesn't recognize the user input as a response to a
    # confirmation prompt after the configured number of tries."
    assert failed["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert failed["sessionState"]["intent"]["state"] == "Fulfilled"
    assert failed["sessionState"]["dialogAction"]["type"] == "Close"


def test_retries_then_failed(emu):
    say(emu, "I want a small pizza")
    for _ in range(2):  # MaxRetries 2: two re-prompts
        retry = say(emu, "banana")
        assert retry["sessionState"]["dialogAction"]["slotToElicit"] == "Count"
        assert content(retry) == ["How many small pizzas?"]
    failed = say(emu, "banana")  # no FailureResponse/FailureNextStep: FallbackIntent
    assert failed["sessionState"]["dialogAction"] == {"type": "Close"}
    assert failed["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert "messages" not in failed  # this FallbackIntent has no responses and no hook
    fresh = say(emu, "order a pizza")  # a new conversation turn starts over
    assert content(fresh) == ["What size?"]


def test_reply_that_matches_another_intent_interrupts_when_allowed(emu):
    say(emu, "I want a small pizza")  # Count prompt allows interrupt (default)
    switched = say(emu, "cancel my order")
    assert switched["sessionState"]["intent"]["name"] == "CancelOrder"
    assert content(switched) == ["Cancelling.", "Nothing to cancel."]


def test_allow_interrupt_false_does_not_stop_a_text_switch(emu):
    # AllowInterrupt: "Indicates whether the user can interrupt a speech prompt from the bot"
    # (https://docs.aws.amazon.com/lexv2/latest/APIReference/API_PromptSpecification.html):
    # it concerns speech, not text input.
    say(emu, "order a pizza")  # Size prompt: AllowInterrupt false
    switched = say(emu, "cancel my order")
    assert switched["sessionState"]["intent"]["name"] == "CancelOrder"


def test_unmatched_text_goes_to_fallback_without_a_hook(emu):
    reply = say(emu, "what is the weather on mars")
    assert reply["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert reply["sessionState"]["intent"]["state"] == "Fulfilled"
    assert reply["sessionState"]["dialogAction"] == {"type": "Close"}
    assert "messages" not in reply
    top = reply["interpretations"][0]
    assert top["intent"]["name"] == "FallbackIntent" and "nluConfidence" not in top


def test_interpretations_rank_intents_around_the_fallback(emu):
    reply = say(emu, "I want a large pizza")
    names = [i["intent"]["name"] for i in reply["interpretations"]]
    assert names == ["OrderPizza", "FallbackIntent", "CancelOrder"]
    scores = [i["nluConfidence"]["score"] for i in reply["interpretations"] if "nluConfidence" in i]
    assert scores[0] >= 0.4 > scores[1]
    assert all(i["interpretationSource"] == "Lex" for i in reply["interpretations"])
    assert len(reply["interpretations"]) <= 5


def test_korean_locale_uses_its_own_threshold_and_types(emu):
    reply = say(emu, "큰거 피자 주세요", locale="ko_KR")
    value = reply["sessionState"]["intent"]["slots"]["Size"]["value"]
    assert value["originalValue"] == "큰거" and "라지" in value["resolvedValues"]
    assert content(reply) == [f"{value['interpretedValue']} 피자를 준비할게요."]


def test_sessions_are_isolated(emu):
    say(emu, "I want a small pizza", session="alice")
    say(emu, "I want a large pizza", session="bob")
    alice = say(emu, "4", session="alice")
    bob = say(emu, "5", session="bob")
    assert content(alice) == ["Order 4 small pizzas?"]
    assert content(bob) == ["Order 5 large pizzas?"]
    other_locale = say(emu, "5", session="alice", locale="ko_KR")
    assert other_locale["sessionState"]["intent"]["name"] == "FallbackIntent"


def test_idle_session_expires(emu, clock):
    say(emu, "I want a small pizza")
    clock.now += 119  # TTL 120 s: still alive
    assert content(say(emu, "2")) == ["Order 2 small pizzas?"]
    clock.now += 121
    with pytest.raises(ResourceNotFoundException):
        emu.get_session(bot_id=BOT, bot_alias_id=ALIAS, locale_id="en_US", session_id="s-1")
    assert say(emu, "yes")["sessionState"]["intent"]["name"] == "FallbackIntent"


def test_request_session_state_is_honoured(emu):
    reply = say(
        emu,
        "3",
        session_state={
            "sessionAttributes": {"customer": "kim"},
            "intent": {
                "name": "OrderPizza",
                "slots": {"Size": {"value": {"interpretedValue": "large"}}},
            },
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Count"},
        },
        request_attributes={"channel": "web"},
    )
    assert content(reply) == ["Order 3 large pizzas?"]
    assert reply["sessionState"]["sessionAttributes"] == {"customer": "kim"}
    assert reply["requestAttributes"] == {"channel": "web"}
    replaced = say(emu, "yes", session_state={"sessionAttributes": {"other": "1"}})
    assert replaced["sessionState"]["sessionAttributes"] == {"other": "1"}


def test_get_put_delete_session(emu):
    say(emu, "I want a small pizza")
    got = emu.get_session(bot_id=BOT, bot_alias_id=ALIAS, locale_id="en_US", session_id="s-1")
    assert_valid_output("GetSession", got)
    assert got["sessionState"]["dialogAction"]["slotToElicit"] == "Count"
    assert got["messages"][0]["content"] == "How many small pizzas?"
    put = emu.put_session(
        bot_id=BOT,
        bot_alias_id=ALIAS,
        locale_id="en_US",
        session_id="s-1",
        session_state={"sessionAttributes": {"a": "b"}, "dialogAction": {"type": "ElicitIntent"}},
        messages=[{"contentType": "PlainText", "content": "What now?"}],
    )
    assert put["sessionState"]["sessionAttributes"] == {"a": "b"}
    assert "intent" not in put["sessionState"]
    assert content(say(emu, "order a pizza")) == ["What size?"]
    deleted = emu.delete_session(
        bot_id=BOT, bot_alias_id=ALIAS, locale_id="en_US", session_id="s-1"
    )
    assert_valid_output("DeleteSession", deleted)
    with pytest.raises(ResourceNotFoundException):
        emu.get_session(bot_id=BOT, bot_alias_id=ALIAS, locale_id="en_US", session_id="s-1")


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"text": ""}, ValidationException, "'text'"),
        ({"text": "x" * 1025}, ValidationException, "1024"),
        ({"session_id": "a"}, ValidationException, "'sessionId'"),
        ({"session_id": "bad id!"}, ValidationException, "'sessionId'"),
        ({"bot_id": "short"}, ValidationException, "'botId'"),
        ({"locale_id": "fr_FR"}, ResourceNotFoundException, "fr_FR"),
        ({"session_state": {"intent": {"name": "Nope"}}}, ValidationException, "Nope"),
        ({"request_attributes": {"a": 1}}, ValidationException, "requestAttributes"),
    ],
)
def test_invalid_input_is_refused_like_lex(emu, kwargs, error, needle):
    args = {
        "bot_id": BOT,
        "bot_alias_id": ALIAS,
        "locale_id": "en_US",
        "session_id": "s-1",
        "text": "hi",
        **kwargs,
    }
    with pytest.raises(error) as info:
        emu.recognize_text(**args)
    assert needle in info.value.message
    assert info.value.status in (400, 404)


def test_text_of_exactly_1024_characters_is_accepted(emu):
    assert say(emu, "x" * 1024)["sessionState"]["intent"]["name"] == "FallbackIntent"


def test_several_bots_need_their_mapped_bot_and_alias_ids():
    emu = LexEmulator.from_template(
        TEMPLATES / "two_bots.yaml",
        classifier_factory=KeywordClassifier,
        slot_filler=FakeSlotFiller(),
    )
    args = {"locale_id": "en_US", "session_id": "s-1", "text": "hello"}
    reply = emu.recognize_text(bot_id="CHATBOTXXX", bot_alias_id="TSTALIASID", **args)
    assert reply["sessionState"]["intent"]["name"] == "Hello"
    with pytest.raises(ResourceNotFoundException, match="SUPPORTBOT"):
        emu.recognize_text(bot_id="OTHERBOTXX", bot_alias_id="TSTALIASID", **args)
    with pytest.raises(ResourceNotFoundException, match="Alias"):
        emu.recognize_text(bot_id="CHATBOTXXX", bot_alias_id="LIVEALIAS1", **args)
    with pytest.raises(ResourceNotFoundException, match="en_US"):
        emu.recognize_text(bot_id="SUPPORTBOT", bot_alias_id="TSTALIASID", **args)


def test_concurrent_sessions_never_leak_slot_values(emu):
    sizes = ["small", "large"]
    errors: list[str] = []

    finished: list[int] = []

    def converse(n: int) -> None:
        session, size = f"user-{n}", sizes[n % 2]
        try:
            say(emu, f"I want a {size} pizza", session=session)
            say(emu, str(n + 2), session=session)
            done = say(emu, "yes", session=session)
        except Exception as exc:
            errors.append(f"{session}: {exc!r}")
            return
        expected = f"Your {n + 2} {size} pizzas are on the way."
        if content(done) != [expected]:
            errors.append(f"{session}: {content(done)} != {expected}")
        finished.append(n)

    threads = [threading.Thread(target=converse, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(finished) == list(range(16))
