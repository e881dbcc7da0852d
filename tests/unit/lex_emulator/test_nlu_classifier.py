"""IntentClassifier: calibrated scores for tiny and multi-intent bots, Korean and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from lex_emulator.cfn_template import load_template
from lex_emulator.nlu import IntentClassifier, normalize_utterance

REPO = Path(__file__).resolve().parents[3]
THRESHOLD = 0.40

PIZZA_EN = {
    "OrderPizza": [
        "I want to order a pizza",
        "order a {Size} pizza",
        "can I get a pizza with {Topping}",
        "I'd like a large pepperoni pizza",
        "pizza delivery please",
    ],
    "CheckOrderStatus": [
        "where is my order",
        "what is the status of my order",
        "has my order shipped yet",
        "track order {OrderId}",
        "when will my food arrive",
    ],
    "CancelOrder": [
        "cancel my order",
        "I want to cancel order {OrderId}",
        "please cancel the pizza I ordered",
        "stop my order",
        "I don't want my order anymore",
    ],
}

PIZZA_KO = {
    "OrderPizza": [
        "피자 주문할게요",
        "{Size} 피자 하나 주세요",
        "페퍼로니 피자 시켜 줘",
        "피자 배달해 주세요",
        "{Topping} 올린 피자 먹고 싶어",
    ],
    "CheckOrderStatus": [
        "주문한 거 어디쯤 왔어요",
        "배달 언제 와요",
        "주문 상태 알려 줘",
        "{OrderId} 주문 조회해 줘",
        "내 주문 배송 중이야",
    ],
    "CancelOrder": [
        "주문 취소해 주세요",
        "{OrderId} 주문 취소할게요",
        "시킨 피자 취소해 줘",
        "주문 안 할래요",
        "방금 주문한 거 취소",
    ],
}


def hello_samples(locale_id: str) -> dict[str, list[str]]:
    """The HelloWorld sample utterances of ``locale_id`` from the real template.yaml."""
    template = load_template(REPO / "template.yaml")
    bots = [r for r in template["Resources"].values() if r.get("Type") == "AWS::Lex::Bot"]
    for locale in bots[0]["Properties"]["BotLocales"]:
        if locale["LocaleId"] == locale_id:
            return {
                intent["Name"]: [u["Utterance"] for u in intent["SampleUtterances"]]
                for intent in locale["Intents"]
                if intent["Name"] != "FallbackIntent"
            }
    raise AssertionError(f"template.yaml has no {locale_id} locale")


@pytest.fixture(scope="module")
def hello_ko() -> IntentClassifier:
    """The template's Korean bot."""
    return IntentClassifier("ko_KR").fit(hello_samples("ko_KR"))


@pytest.fixture(scope="module")
def hello_en() -> IntentClassifier:
    """The template's English bot."""
    return IntentClassifier("en_US").fit(hello_samples("en_US"))


def test_template_has_one_intent_with_placeholders() -> None:
    for locale_id in ("ko_KR", "en_US"):
        samples = hello_samples(locale_id)
        assert list(samples) == ["HelloWorld"]
        assert any("{FirstName}" in u for u in samples["HelloWorld"])


@pytest.mark.parametrize(
    "text", ["안녕하세요", "안녕", "반가워요", "안녕 나는 철수야", "제 이름은 홍길동이에요"]
)
def test_korean_greetings_score_well_above_threshold(hello_ko: IntentClassifier, text: str) -> None:
    (intent, score), *_ = hello_ko.predict(text)
    assert intent == "HelloWorld"
    assert score >= THRESHOLD + 0.3


@pytest.mark.parametrize(
    "text", ["오늘 날씨 어때?", "파이썬으로 리스트 정렬하는 법 알려줘", "대한민국의 수도는 어디야"]
)
def test_korean_off_topic_scores_well_below_threshold(
    hello_ko: IntentClassifier, text: str
) -> None:
    (_, score), *_ = hello_ko.predict(text)
    assert score <= THRESHOLD - 0.3


@pytest.mark.parametrize(
    "text", ["hello there", "hi", "hey there", "good morning!", "hello my name is Alice"]
)
def test_english_greetings_score_well_above_threshold(
    hello_en: IntentClassifier, text: str
) -> None:
    (intent, score), *_ = hello_en.predict(text)
    assert intent == "HelloWorld"
    assert score >= THRESHOLD + 0.3


@pytest.mark.parametrize(
    "text",
    [
        "what is the capital of France",
        "how do I sort a list in python",
        "write me a poem about the sea",
    ],
)
def test_english_off_topic_scores_well_below_threshold(
    hello_en: IntentClassifier, text: str
) -> None:
    (_, score), *_ = hello_en.predict(text)
    assert score <= THRESHOLD - 0.3


def test_other_language_is_off_topic(
    hello_en: IntentClassifier, hello_ko: IntentClassifier
) -> None:
    assert hello_en.predict("안녕하세요")[0][1] < THRESHOLD
    assert hello_ko.predict("hello there")[0][1] < THRESHOLD


@pytest.mark.parametrize(
    ("locale_id", "samples", "cases"),
    [
        (
            "en_US",
            PIZZA_EN,
            [
                ("I would like to order a pizza with mushrooms", "OrderPizza"),
                ("where is my pizza order", "CheckOrderStatus"),
                ("please cancel my order", "CancelOrder"),
            ],
        ),
        (
            "ko_KR",
            PIZZA_KO,
            [
                ("피자 한 판 주문할게요", "OrderPizza"),
                ("제 주문 언제 와요", "CheckOrderStatus"),
                ("주문한 피자 취소해 주세요", "CancelOrder"),
            ],
        ),
    ],
)
def test_few_intent_bot_picks_the_right_intent(
    locale_id: str, samples: dict[str, list[str]], cases: list[tuple[str, str]]
) -> None:
    clf = IntentClassifier(locale_id).fit(samples)
    for text, expected in cases:
        ranked = clf.predict(text)
        assert ranked[0][0] == expected, (text, ranked)
        assert ranked[0][1] >= THRESHOLD, (text, ranked)


@pytest.mark.parametrize(
    ("locale_id", "samples", "text"),
    [
        ("en_US", PIZZA_EN, "who wrote the theory of relativity"),
        ("ko_KR", PIZZA_KO, "내일 서울 날씨 알려줘"),
    ],
)
def test_few_intent_bot_sends_off_topic_to_fallback(
    locale_id: str, samples: dict[str, list[str]], text: str
) -> None:
    ranked = IntentClassifier(locale_id).fit(samples).predict(text)
    assert ranked[0][1] < THRESHOLD


@pytest.mark.parametrize("text", ["cancel my order", "", "   ", "?!", "zzzz qqqq", "피자"])
def test_every_intent_scored_in_unit_interval_best_first(text: str) -> None:
    ranked = IntentClassifier("en_US").fit(PIZZA_EN).predict(text)
    assert sorted(name for name, _ in ranked) == sorted(PIZZA_EN)
    scores = [s for _, s in ranked]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_empty_or_unknown_text_is_not_confident() -> None:
    clf = IntentClassifier("en_US").fit(PIZZA_EN)
    assert clf.predict("")[0][1] < THRESHOLD
    assert clf.predict("zzzz qqqq")[0][1] < THRESHOLD


def test_training_is_deterministic() -> None:
    texts = ["where is my pizza", "cancel it", "I want two pizzas", "what time is it"]
    first = IntentClassifier("en_US").fit(PIZZA_EN)
    second = IntentClassifier("en_US").fit(PIZZA_EN)
    assert [first.predict(t) for t in texts] == [second.predict(t) for t in texts]


def test_placeholders_are_dropped_not_learned() -> None:
    assert normalize_utterance("제 이름은 {FirstName} 이에요") == "제 이름은 이에요"
    assert normalize_utterance("Call me {FirstName}!") == "call me"
    clf = IntentClassifier("en_US").fit({"Greet": ["call me {FirstName}", "hello"]})
    assert clf.predict("firstname")[0][1] < THRESHOLD


def test_intent_with_only_a_placeholder_still_fits() -> None:
    clf = IntentClassifier("en_US").fit({"Name": ["{FirstName}"], "Greet": ["hello", "hi there"]})
    ranked = clf.predict("hello")
    assert ranked[0][0] == "Greet"
    assert {name for name, _ in ranked} == {"Name", "Greet"}


def test_two_intent_bot_separates_them() -> None:
    clf = IntentClassifier("en_US").fit(
        {"Weather": ["what's the weather", "will it rain today"], "Time": ["what time is it"]}
    )
    assert clf.predict("will it rain tomorrow")[0][0] == "Weather"
    assert clf.predict("what time is it now")[0][0] == "Time"


def test_predict_before_fit_and_empty_fit_are_errors() -> None:
    with pytest.raises(RuntimeError):
        IntentClassifier("en_US").predict("hello")
    with pytest.raises(ValueError):
        IntentClassifier("en_US").fit({})
