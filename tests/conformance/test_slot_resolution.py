"""Custom slot types: resolution strategies, synonyms, resolvedValues, RegexFilter (item 2)."""

from __future__ import annotations

import pytest

from tests.conformance.harness import (
    Case,
    ConformanceServers,
    Turn,
    bot_template,
    case_id,
    intent,
    locale,
    run_case,
    slot,
    slot_type,
)

CUSTOM = "https://docs.aws.amazon.com/lexv2/latest/dg/custom-slot-types.html"
EXPAND = (
    "Slot values will be used as training data and the model will resolve the slot to the value "
    "provided by the user if it is similar to the slot values and synonyms of those values."
)
RESTRICT = (
    "the model will resolve a slot value entered by the user to an existing slot value only if it "
    "is the same as that slot value or it is a synonym."
)
SELECTION = (
    "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotValueSelectionSetting.html"
)
ORIGINAL_Q = "ORIGINAL_VALUE - Returns the value entered by the user, if the user value is similar to the slot value."
TOP_Q = (
    "TOP_RESOLUTION - If there is a resolution list for the slot, return the first value in the "
    "resolution list as the slot type value. If there is no resolution list, null is returned."
)
REGEX = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotValueRegexFilter.html"
REGEX_Q = "A regular expression used to validate the value of a slot."

SIZES_EN = {"large": ["big", "huge"], "medium": ["regular"], "small": ["little"]}
SIZES_KO = {"large": ["라지", "큰 거"], "medium": ["미디엄", "보통"], "small": ["스몰", "작은 거"]}


def _order(loc: str, strategy: str, utterances: list[str], sizes: dict[str, list[str]]) -> dict:
    prompt = "What size?" if loc == "en_US" else "어떤 크기로 드릴까요?"
    done = "Size {Size}." if loc == "en_US" else "{Size} 사이즈입니다."
    return locale(
        loc,
        [intent("Order", utterances, [slot("Size", "Sizes", prompt)], closing=done)],
        [slot_type("Sizes", sizes, strategy=strategy)],
    )


EN_UTTERANCES = ["I want to order a pizza", "order a pizza", "a {Size} pizza please", "pizza"]
KO_UTTERANCES = ["피자 주문할게요", "피자 주세요", "{Size} 피자 주세요"]
TOP = bot_template(
    _order("en_US", "TOP_RESOLUTION", EN_UTTERANCES, SIZES_EN),
    _order("ko_KR", "TOP_RESOLUTION", KO_UTTERANCES, SIZES_KO),
)
ORIGINAL = bot_template(
    _order("en_US", "ORIGINAL_VALUE", EN_UTTERANCES, SIZES_EN),
    _order("ko_KR", "ORIGINAL_VALUE", KO_UTTERANCES, SIZES_KO),
)
DEFAULT = bot_template(  # no ValueSelectionSetting: ORIGINAL_VALUE
    locale(
        "en_US",
        [intent("Order", EN_UTTERANCES, [slot("Size", "Sizes", "What size?")], closing="ok")],
        [slot_type("Sizes", SIZES_EN)],
    )
)
CONCAT = bot_template(
    locale(
        "en_US",
        [intent("Order", ["order toppings"], [slot("Topping", "Toppings", "Which toppings?")])],
        [slot_type("Toppings", ["ham", "cheese", "olives"], strategy="CONCATENATION")],
    )
)
CODES = bot_template(
    locale(
        "en_US",
        [
            intent(
                "Track",
                ["track my parcel"],
                [slot("Code", "ParcelCode", "Your code?")],
                closing="Tracking {Code}.",
            )
        ],
        [
            slot_type(
                "ParcelCode",
                regex="[A-Z]{2}[0-9]{4}",
                strategy="ORIGINAL_VALUE",
                ParentSlotTypeSignature="AMAZON.AlphaNumeric",
            )
        ],
    ),
    locale(
        "ko_KR",
        [
            intent(
                "Track",
                ["택배 조회"],
                [slot("Code", "ParcelCode", "송장 번호를 알려주세요")],
                closing="{Code} 조회합니다.",
            )
        ],
        [
            slot_type(
                "ParcelCode",
                regex="[A-Z]{2}[0-9]{4}",
                strategy="ORIGINAL_VALUE",
                ParentSlotTypeSignature="AMAZON.AlphaNumeric",
            )
        ],
    ),
)
SIZE = "sessionState.intent.slots.Size.value"
ELICIT_SIZE = {
    "sessionState.dialogAction.type": "ElicitSlot",
    "sessionState.dialogAction.slotToElicit": "Size",
}


def _two(name, template, loc, first, reply, expect, doc, quote, note=""):
    return Case(
        name, template, loc, doc, quote, (Turn(first, ELICIT_SIZE), Turn(reply, expect)), note
    )


CASES = [
    _two(
        "top-synonym-en",
        TOP,
        "en_US",
        "order a pizza",
        "big",
        {
            f"{SIZE}.interpretedValue": "large",
            f"{SIZE}.originalValue": "big",
            f"{SIZE}.resolvedValues": ["large"],
        },
        SELECTION,
        TOP_Q,
    ),
    _two(
        "top-value-en",
        TOP,
        "en_US",
        "order a pizza",
        "small",
        {f"{SIZE}.interpretedValue": "small", f"{SIZE}.resolvedValues": ["small"]},
        SELECTION,
        TOP_Q,
    ),
    _two(
        "top-synonym-ko",
        TOP,
        "ko_KR",
        "피자 주문할게요",
        "라지로 할게요",
        {f"{SIZE}.interpretedValue": "large", f"{SIZE}.originalValue": "라지"},
        SELECTION,
        TOP_Q,
    ),
    _two(
        "top-synonym-phrase-ko",
        TOP,
        "ko_KR",
        "피자 주문할게요",
        "큰 거로 주세요",
        {f"{SIZE}.interpretedValue": "large"},
        SELECTION,
        TOP_Q,
    ),
    _two(
        "top-unlisted-reprompts-en",
        TOP,
        "en_US",
        "order a pizza",
        "gigantic",
        ELICIT_SIZE,
        CUSTOM,
        RESTRICT,
    ),
    _two(
        "top-unlisted-reprompts-ko",
        TOP,
        "ko_KR",
        "피자 주문할게요",
        "엄청 큰 걸로",
        ELICIT_SIZE,
        CUSTOM,
        RESTRICT,
        note="'큰 걸' is not the synonym '큰 거' plus a particle; no value",
    ),
    _two(
        "top-typo-resolves-en",
        TOP,
        "en_US",
        "order a pizza",
        "lrage",
        {f"{SIZE}.interpretedValue": "large", f"{SIZE}.originalValue": "lrage"},
        SELECTION,
        TOP_Q,
        note="the docs do not say how similar a typo may be; the emulator takes difflib >= 0.8",
    ),
    _two(
        "original-synonym-keeps-typed-en",
        ORIGINAL,
        "en_US",
        "order a pizza",
        "huge",
        {f"{SIZE}.interpretedValue": "huge", f"{SIZE}.resolvedValues": ["large"]},
        SELECTION,
        ORIGINAL_Q,
    ),
    _two(
        "original-synonym-keeps-typed-ko",
        ORIGINAL,
        "ko_KR",
        "피자 주문할게요",
        "보통으로요",
        {f"{SIZE}.interpretedValue": "보통", f"{SIZE}.resolvedValues": ["medium"]},
        SELECTION,
        ORIGINAL_Q,
    ),
    _two(
        "original-similar-typo-en",
        ORIGINAL,
        "en_US",
        "order a pizza",
        "smal",
        {f"{SIZE}.interpretedValue": "smal", f"{SIZE}.resolvedValues": ["small"]},
        CUSTOM,
        EXPAND,
    ),
    _two(
        "original-similar-typo-ko",
        ORIGINAL,
        "ko_KR",
        "피자 주문할게요",
        "미디움으로요",
        {f"{SIZE}.interpretedValue": "미디움", f"{SIZE}.resolvedValues": ["medium"]},
        CUSTOM,
        EXPAND,
        note="Hangul is compared letter by letter (jamo); the docs do not define 'similar'",
    ),
    _two(
        "top-similar-typo-ko",
        TOP,
        "ko_KR",
        "피자 주문할게요",
        "미디움",
        {f"{SIZE}.interpretedValue": "medium", f"{SIZE}.originalValue": "미디움"},
        SELECTION,
        TOP_Q,
    ),
    _two(
        "original-dissimilar-hello-reprompts-en",
        ORIGINAL,
        "en_US",
        "order a pizza",
        "hello",
        ELICIT_SIZE,
        CUSTOM,
        EXPAND,
    ),
    _two(
        "original-number-reprompts-en",
        ORIGINAL,
        "en_US",
        "order a pizza",
        "8",
        ELICIT_SIZE,
        CUSTOM,
        EXPAND,
    ),
    _two(
        "original-dissimilar-reprompts-ko",
        ORIGINAL,
        "ko_KR",
        "피자 주문할게요",
        "안녕하세요",
        ELICIT_SIZE,
        CUSTOM,
        EXPAND,
    ),
    _two(
        "default-strategy-is-original-value",
        DEFAULT,
        "en_US",
        "order a pizza",
        "regular",
        {f"{SIZE}.interpretedValue": "regular", f"{SIZE}.resolvedValues": ["medium"]},
        SELECTION,
        "If you don't specify the valueSelectionStrategy, the default is ORIGINAL_VALUE.",
    ),
    Case(
        "utterance-literal-word-is-no-value-en",
        TOP,
        "en_US",
        CUSTOM,
        EXPAND,
        (Turn("I want to order a pizza", {**ELICIT_SIZE, "sessionState.intent.slots.Size": None}),),
        note="'pizza' is a word of the sample utterance itself, never a Size",
    ),
    Case(
        "utterance-literal-word-is-no-value-original-en",
        ORIGINAL,
        "en_US",
        CUSTOM,
        EXPAND,
        (Turn("I want to order a pizza", {**ELICIT_SIZE, "sessionState.intent.slots.Size": None}),),
    ),
    Case(
        "utterance-literal-word-is-no-value-ko",
        ORIGINAL,
        "ko_KR",
        CUSTOM,
        EXPAND,
        (Turn("피자 주문할게요", {**ELICIT_SIZE, "sessionState.intent.slots.Size": None}),),
    ),
    Case(
        "utterance-slot-filled-from-placeholder-en",
        TOP,
        "en_US",
        CUSTOM,
        RESTRICT,
        (
            Turn(
                "a big pizza please",
                {
                    f"{SIZE}.interpretedValue": "large",
                    "sessionState.intent.state": "Fulfilled",
                    "messages.0.content": "Size large.",
                },
            ),
        ),
    ),
    Case(
        "utterance-slot-filled-from-placeholder-ko",
        TOP,
        "ko_KR",
        CUSTOM,
        RESTRICT,
        (
            Turn(
                "라지 피자 주세요",
                {f"{SIZE}.interpretedValue": "large", "messages.0.content": "large 사이즈입니다."},
            ),
        ),
    ),
    Case(
        "concatenation-joins-values-said",
        CONCAT,
        "en_US",
        SELECTION,
        "Determines the slot resolution strategy that Amazon Lex uses to return slot type values.",
        (
            Turn("order toppings", {"sessionState.dialogAction.slotToElicit": "Topping"}),
            Turn(
                "ham and cheese",
                {
                    "sessionState.intent.slots.Topping.value.interpretedValue": "ham cheese",
                    "sessionState.intent.slots.Topping.value.resolvedValues": ["ham", "cheese"],
                },
            ),
        ),
        note="the docs name CONCATENATION without describing it; the emulator joins the values "
        "said, in order",
    ),
    Case(
        "concatenation-single-value-like-original",
        CONCAT,
        "en_US",
        SELECTION,
        ORIGINAL_Q,
        (
            Turn("order toppings", {}),
            Turn("olives", {"sessionState.intent.slots.Topping.value.interpretedValue": "olives"}),
        ),
    ),
    Case(
        "regex-accepts-matching-code-en",
        CODES,
        "en_US",
        REGEX,
        REGEX_Q,
        (
            Turn("track my parcel", {"sessionState.dialogAction.slotToElicit": "Code"}),
            Turn(
                "it is AB1234",
                {
                    "sessionState.intent.slots.Code.value.interpretedValue": "AB1234",
                    "messages.0.content": "Tracking AB1234.",
                },
            ),
        ),
    ),
    Case(
        "regex-refuses-other-code-en",
        CODES,
        "en_US",
        REGEX,
        REGEX_Q,
        (
            Turn("track my parcel", {}),
            Turn(
                "ABC12",
                {
                    "sessionState.dialogAction.slotToElicit": "Code",
                    "sessionState.intent.slots.Code": None,
                },
            ),
        ),
    ),
    Case(
        "regex-accepts-matching-code-ko",
        CODES,
        "ko_KR",
        REGEX,
        REGEX_Q,
        (
            Turn("택배 조회", {}),
            Turn("CD5678", {"sessionState.intent.slots.Code.value.interpretedValue": "CD5678"}),
        ),
    ),
    Case(
        "regex-refuses-other-code-ko",
        CODES,
        "ko_KR",
        REGEX,
        REGEX_Q,
        (Turn("택배 조회", {}), Turn("몰라요", {"sessionState.dialogAction.slotToElicit": "Code"})),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Case) -> None:
    run_case(conformance, case)
