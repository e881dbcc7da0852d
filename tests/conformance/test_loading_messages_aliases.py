"""Loading as CloudFormation does (item 1), messages (8), multiple values (10), aliases (11),
generative and search intents (12)."""

from __future__ import annotations

import pytest

from tests.conformance.harness import (
    ABSENT,
    Case,
    ConformanceServers,
    OneOf,
    Turn,
    bot_template,
    case_id,
    intent,
    locale,
    messages,
    plain,
    run_case,
    slot,
    slot_type,
)

SELECTION = (
    "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotValueSelectionSetting.html"
)
CFN_STRATEGY = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lex-bot-slotvalueselectionsetting.html"
CFN_STRATEGY_Q = "Allowed values: CONCATENATION | ORIGINAL_VALUE | TOP_RESOLUTION"
REGEX = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_SlotValueRegexFilter.html"
REGEX_Q = "The following regular expression operators are not supported: Infinite repeaters: *, +, or {x,} with no upper bound. Wild card (.)"
MULTI = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_MultipleValuesSetting.html"
MULTI_Q = "Multi-value slots are only available in the en-US locale. If you set this value to true in any other locale, Amazon Lex throws a ValidationException."
MULTI_TRUE_Q = "When true, the slot may return more than one value in a response."
GROUP = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_MessageGroup.html"
GROUP_Q = "When variations are defined, Amazon Lex chooses the primary message or one of the variations to send to the user."
STRATEGY_Q = "How a message is selected from a message group among retries."
PROMPT = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_PromptSpecification.html"
MESSAGE = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_Message.html"
MESSAGE_Q = "The content type of the message string."
CARD = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_ImageResponseCard.html"
CARD_Q = "A card that is shown to the user by a messaging platform. You define the contents of the card, the card is displayed by the platform."
ALIAS = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_BotAliasLocaleSettings.html"
ALIAS_Q = "Determines whether the locale is enabled for the bot. If the value is false, the locale isn't available for use."
ALIAS_HOOK_Q = "Specifies settings that are unique to a locale. For example, you can use different Lambda function depending on the bot's locale."
QNA = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-qna.html"
QNA_Q = "AMAZON.QnAIntent uses generative AI to answer customer questions by searching and summarizing FAQ documents."
KENDRA = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-kendra-search.html"
KENDRA_Q = "To search documents that you have indexed with Amazon Kendra, use the AMAZON.KendraSearchIntent intent."
FALLBACK = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-fallback.html"
FALLBACK_Q = "Your bot invokes this intent if it cannot determine the user's intent."
FALLBACK_CANT_Q = (
    "You can't add the following to a fallback intent: Utterances, Slots, A confirmation prompt"
)
PARENT = "https://docs.aws.amazon.com/lexv2/latest/APIReference/API_CreateSlotType.html"
PARENT_Q = "The built-in slot type used as a parent of this slot type. ... Only AMAZON.AlphaNumeric is supported."
BUILTIN_TABLE = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slots.html"
SCHEMA_Q = "cfn-lint's AWS::Lex::Bot resource schema (the CloudFormation registry schema)"
CFN_BOT = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lex-bot.html"

# -- loading ----------------------------------------------------------------------------------

ALL_ENUMS = bot_template(
    *(
        locale(
            loc,
            [intent("Order", ["order a shirt"], [slot("Color", f"C{n}", "Color?")], closing="ok")],
            [slot_type(f"C{n}", ["red", "blue"], strategy=strategy)],
        )
        for n, (loc, strategy) in enumerate(
            [("en_US", "ORIGINAL_VALUE"), ("ko_KR", "TOP_RESOLUTION"), ("en_GB", "CONCATENATION")]
        )
    )
)
IGNORED = bot_template(
    locale(
        "en_US",
        [intent("Hello", ["hello"], closing="Hi!", Description="greets")],
        VoiceSettings={"VoiceId": "Joanna"},
    ),
    bot_extra={"BotFileS3Location": {"S3Bucket": "my-bot-bucket", "S3ObjectKey": "bot.zip"}},
)


def _regex_bot(pattern: str) -> str:
    return bot_template(
        locale(
            "en_US",
            [intent("Track", ["track"], [slot("Code", "Codes", "Code?")])],
            [
                slot_type(
                    "Codes",
                    regex=pattern,
                    strategy="ORIGINAL_VALUE",
                    ParentSlotTypeSignature="AMAZON.AlphaNumeric",
                )
            ],
        )
    )


def _multi_bot(loc: str) -> str:
    return bot_template(
        locale(
            loc,
            [
                intent(
                    "Pizza",
                    ["order pizza"],
                    [
                        slot(
                            "Toppings",
                            "Toppings",
                            "Which toppings?",
                            slot_extra={"MultipleValuesSetting": {"AllowMultipleValues": True}},
                        )
                    ],
                    closing="Toppings: {Toppings}",
                )
            ],
            [
                slot_type(
                    "Toppings", ["ham", "cheese", "olives", "onions"], strategy="TOP_RESOLUTION"
                )
            ],
        )
    )


KITCHEN_SINK = bot_template(
    locale(
        "ko_KR",
        [
            intent(
                "Book",
                ["예약할게요", "{When} 예약"],
                [
                    slot(
                        "When",
                        "AMAZON.Date",
                        "언제 오시나요?",
                        slot_extra={
                            "Description": "방문일",
                            "ObfuscationSetting": {"ObfuscationSettingType": "DefaultObfuscation"},
                        },
                        WaitAndContinueSpecification={
                            "IsActive": False,
                            "WaitingResponse": messages("기다릴게요."),
                            "ContinueResponse": messages("계속할게요."),
                        },
                    )
                ],
                closing="{When}에 예약했어요.",
                Description="예약",
                DisplayName="예약하기",
            )
        ],
        Description="한국어",
        VoiceSettings={"VoiceId": "Seoyeon", "Engine": "neural"},
        CustomVocabulary={"CustomVocabularyItems": [{"Phrase": "예약"}]},
    ),
    bot_extra={
        "Description": "kitchen sink",
        "AutoBuildBotLocales": True,
        "BotTags": [{"Key": "team", "Value": "chat"}],
        "TestBotAliasSettings": {
            "Description": "test",
            "SentimentAnalysisSettings": {"DetectSentiment": False},
        },
    },
)
# -- messages -----------------------------------------------------------------------------------

VARIATIONS = bot_template(
    locale(
        "en_US",
        [
            intent(
                "Hello",
                ["hello"],
                IntentClosingSetting={
                    "ClosingResponse": messages(plain("Hi!", "Hello!", "Hey there!"))
                },
            )
        ],
    ),
    locale(
        "ko_KR",
        [
            intent(
                "Hello",
                ["안녕"],
                IntentClosingSetting={
                    "ClosingResponse": messages(plain("안녕하세요!", "반가워요!"))
                },
            )
        ],
    ),
)
ORDERED = bot_template(
    locale(
        "en_US",
        [
            intent(
                "Age",
                ["my age"],
                [
                    slot(
                        "Years",
                        "AMAZON.Number",
                        None,
                        slot_extra={},
                        PromptSpecification={
                            "MaxRetries": 2,
                            "MessageSelectionStrategy": "Ordered",
                            "MessageGroupsList": [
                                plain(
                                    "How old are you?",
                                    "Your age, in years?",
                                    "Please say a number.",
                                )
                            ],
                        },
                    )
                ],
            )
        ],
    )
)
RICH = bot_template(
    locale(
        "en_US",
        [
            intent(
                "Card",
                ["show me a card"],
                IntentClosingSetting={
                    "ClosingResponse": messages(
                        {
                            "Message": {
                                "ImageResponseCard": {
                                    "Title": "Pick a size",
                                    "Subtitle": "Pizza",
                                    "ImageUrl": "https://example.com/p.png",
                                    "Buttons": [
                                        {"Text": "Small", "Value": "small"},
                                        {"Text": "Large", "Value": "large"},
                                    ],
                                }
                            }
                        }
                    )
                },
            ),
            intent(
                "Speak",
                ["say it aloud"],
                IntentClosingSetting={
                    "ClosingResponse": messages(
                        {
                            "Message": {
                                "SSMLMessage": {
                                    "Value": "<speak>Hello <break time='1s'/> there</speak>"
                                }
                            }
                        }
                    )
                },
            ),
            intent(
                "Payload",
                ["send a payload"],
                IntentClosingSetting={
                    "ClosingResponse": messages(
                        {"Message": {"CustomPayload": {"Value": '{"kind": "carousel"}'}}}
                    )
                },
            ),
            intent(
                "Two",
                ["two messages"],
                IntentClosingSetting={"ClosingResponse": messages("First.", "Second.")},
            ),
        ],
    ),
    locale(
        "ko_KR",
        [
            intent(
                "Card",
                ["카드 보여줘"],
                IntentClosingSetting={
                    "ClosingResponse": messages(
                        {
                            "Message": {
                                "ImageResponseCard": {
                                    "Title": "크기를 고르세요",
                                    "Buttons": [{"Text": "라지", "Value": "large"}],
                                }
                            }
                        }
                    )
                },
            )
        ],
    ),
)

# -- aliases --------------------------------------------------------------------------------------

HOOK_FN = {
    "Type": "AWS::Serverless::Function",
    "Properties": {
        "CodeUri": "hooks/",
        "Handler": "echo_hook.lambda_handler",
        "Runtime": "python3.11",
    },
}


def _hooked(name: str) -> dict:
    return {
        "LocaleId": name,
        "BotAliasLocaleSetting": {
            "Enabled": True,
            "CodeHookSpecification": {
                "LambdaCodeHook": {
                    "CodeHookInterfaceVersion": "1.0",
                    "LambdaArn": {"Fn::GetAtt": ["HookFunction", "Arn"]},
                }
            },
        },
    }


ALIASES = bot_template(
    locale(
        "en_US",
        [
            intent(
                "Hello",
                ["hello"],
                closing="Hi from the bot.",
                FulfillmentCodeHook={"Enabled": True},
            )
        ],
    ),
    locale(
        "ko_KR",
        [
            intent(
                "Hello", ["안녕"], closing="봇이 인사합니다.", FulfillmentCodeHook={"Enabled": True}
            )
        ],
    ),
    bot_extra={
        "TestBotAliasSettings": {"BotAliasLocaleSettings": [_hooked("en_US"), _hooked("ko_KR")]}
    },
    resources={
        "HookFunction": HOOK_FN,
        "BotVersion": {
            "Type": "AWS::Lex::BotVersion",
            "Properties": {
                "BotId": {"Ref": "Bot"},
                "BotVersionLocaleSpecification": [
                    {"LocaleId": "en_US", "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}},
                    {"LocaleId": "ko_KR", "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}},
                ],
            },
        },
        "LiveAlias": {
            "Type": "AWS::Lex::BotAlias",
            "Properties": {
                "BotId": {"Ref": "Bot"},
                "BotAliasName": "live",
                "BotVersion": {"Fn::GetAtt": ["BotVersion", "BotVersion"]},
                "BotAliasLocaleSettings": [
                    {"LocaleId": "en_US", "BotAliasLocaleSetting": {"Enabled": True}},
                    {"LocaleId": "ko_KR", "BotAliasLocaleSetting": {"Enabled": False}},
                ],
            },
        },
    },
    transform=True,
)

# -- generative intents -------------------------------------------------------------------------

GENERATIVE = bot_template(
    locale(
        "en_US",
        [
            intent("Hello", ["hello"], closing="Hi!"),
            intent(
                "Faq",
                ParentIntentSignature="AMAZON.QnAIntent",
                QnAIntentConfiguration={
                    "BedrockModelConfiguration": {
                        "ModelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"
                    },
                    "DataSourceConfiguration": {
                        "BedrockKnowledgeStoreConfiguration": {
                            "BedrockKnowledgeBaseArn": "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678"
                        }
                    },
                },
            ),
            intent(
                "Fallback",
                ParentIntentSignature="AMAZON.FallbackIntent",
                IntentClosingSetting={
                    "ClosingResponse": messages("Sorry, I can't help with that.")
                },
            ),
        ],
    ),
    locale(
        "ko_KR",
        [
            intent("Hello", ["안녕"], closing="안녕하세요!"),
            intent(
                "Search",
                ParentIntentSignature="AMAZON.KendraSearchIntent",
                KendraConfiguration={
                    "KendraIndex": "arn:aws:kendra:us-east-1:123456789012:index/0123456789abcdef0123456789abcdef0"
                },
            ),
            intent(
                "Fallback",
                ParentIntentSignature="AMAZON.FallbackIntent",
                IntentClosingSetting={"ClosingResponse": messages("죄송해요, 도와드릴 수 없어요.")},
            ),
        ],
    ),
)

CASES = [
    Case(
        "cfn-enums-load-en",
        ALL_ENUMS,
        "en_US",
        CFN_STRATEGY,
        CFN_STRATEGY_Q,
        (
            Turn("order a shirt", {"sessionState.dialogAction.slotToElicit": "Color"}),
            Turn("blue", {"sessionState.intent.slots.Color.value.interpretedValue": "blue"}),
        ),
    ),
    Case(
        "cfn-enums-load-ko",
        ALL_ENUMS,
        "ko_KR",
        CFN_STRATEGY,
        CFN_STRATEGY_Q,
        (
            Turn("order a shirt", {"sessionState.dialogAction.slotToElicit": "Color"}),
            Turn("red", {"sessionState.intent.slots.Color.value.interpretedValue": "red"}),
        ),
    ),
    Case(
        "fallback-with-utterances-refused",
        bot_template(
            locale(
                "en_US",
                [intent("Fallback", ["help me"], ParentIntentSignature="AMAZON.FallbackIntent")],
            )
        ),
        "en_US",
        FALLBACK,
        FALLBACK_CANT_Q,
        load_error="a FallbackIntent cannot have sample utterances or slots",
    ),
    Case(
        "fallback-with-confirmation-refused",
        bot_template(
            locale(
                "ko_KR",
                [
                    intent(
                        "Fallback",
                        ParentIntentSignature="AMAZON.FallbackIntent",
                        IntentConfirmationSetting={
                            "PromptSpecification": messages("확실한가요?", MaxRetries=1)
                        },
                    )
                ],
            )
        ),
        "ko_KR",
        FALLBACK,
        FALLBACK_CANT_Q,
        load_error="a FallbackIntent cannot have a confirmation prompt",
    ),
    Case(
        "parent-slot-type-only-alphanumeric",
        bot_template(
            locale(
                "en_US",
                [intent("A", ["a"], [slot("N", "Nums", "N?")])],
                [
                    slot_type(
                        "Nums",
                        regex="[0-9]{3}",
                        strategy="ORIGINAL_VALUE",
                        ParentSlotTypeSignature="AMAZON.Number",
                    )
                ],
            )
        ),
        "en_US",
        PARENT,
        PARENT_Q,
        load_error="the only allowed value is AMAZON.AlphaNumeric",
    ),
    Case(
        "uk-postal-code-only-en-gb",
        bot_template(
            locale(
                "en_US", [intent("Post", ["post"], [slot("Code", "AMAZON.UKPostalCode", "Code?")])]
            )
        ),
        "en_US",
        BUILTIN_TABLE,
        "AMAZON.UKPostalCode | Recognizes words that represent a UK post code and converts them to a standard form. | English (UK) (en-GB) only",
        load_error="AMAZON.UKPostalCode is available only in the en_GB locale",
    ),
    Case(
        "ignored-properties-warn",
        IGNORED,
        "en_US",
        CFN_BOT,
        SCHEMA_Q,
        (Turn("hello", {"messages.0.content": "Hi!"}),),
        startup_warnings=(
            "BotLocale.VoiceSettings is not implemented",
            "Bot.BotFileS3Location is not implemented",
        ),
    ),
    Case(
        "cfn-lint-clean-kitchen-sink-loads-and-warns",
        KITCHEN_SINK,
        "ko_KR",
        CFN_BOT,
        SCHEMA_Q,
        (
            Turn("예약할게요", {"sessionState.dialogAction.slotToElicit": "When"}),
            Turn("내일", {"messages.0.content": "2026-01-06에 예약했어요."}),
        ),
        startup_warnings=(
            "Slot.ObfuscationSetting is not implemented",
            "SlotValueElicitationSetting.WaitAndContinueSpecification is not implemented",
            "BotLocale.VoiceSettings is not implemented",
            "BotLocale.CustomVocabulary is not implemented",
            "TestBotAliasSettings.SentimentAnalysisSettings is not implemented",
        ),
        note="every template cfn-lint accepts loads; what the emulator ignores is named",
    ),
    Case(
        "regex-wildcard-refused",
        _regex_bot("[A-Z].[0-9]{2}"),
        "en_US",
        REGEX,
        REGEX_Q,
        load_error="Lex does not support '.'",
    ),
    Case(
        "regex-infinite-repeater-refused",
        _regex_bot("[0-9]+"),
        "en_US",
        REGEX,
        REGEX_Q,
        load_error="Lex does not support '+'",
    ),
    Case(
        "regex-open-range-refused",
        _regex_bot("[0-9]{3,}"),
        "en_US",
        REGEX,
        REGEX_Q,
        load_error="Lex does not support '{3,}'",
    ),
    Case(
        "multi-value-only-en-us",
        _multi_bot("ko_KR"),
        "ko_KR",
        MULTI,
        MULTI_Q,
        load_error="multi-value slots are only available in the en-US locale",
    ),
    Case(
        "multi-value-list-shape",
        _multi_bot("en_US"),
        "en_US",
        MULTI,
        MULTI_TRUE_Q,
        (
            Turn("order pizza", {"sessionState.dialogAction.slotToElicit": "Toppings"}),
            Turn(
                "ham and olives",
                {
                    "sessionState.intent.slots.Toppings.shape": "List",
                    "sessionState.intent.slots.Toppings.values.0.value.interpretedValue": "ham",
                    "sessionState.intent.slots.Toppings.values.1.value.interpretedValue": "olives",
                    "sessionState.intent.slots.Toppings.values.2": ABSENT,
                    "sessionState.intent.slots.Toppings.value.originalValue": "ham and olives",
                },
            ),
        ),
    ),
    Case(
        "multi-value-single-is-a-one-item-list",
        _multi_bot("en_US"),
        "en_US",
        MULTI,
        MULTI_TRUE_Q,
        (
            Turn("order pizza", {}),
            Turn(
                "cheese",
                {
                    "sessionState.intent.slots.Toppings.shape": "List",
                    "sessionState.intent.slots.Toppings.values.0.value.interpretedValue": "cheese",
                    "sessionState.intent.slots.Toppings.values.1": ABSENT,
                },
            ),
        ),
        note="the docs do not say which shape one value of a multi-value slot has; the emulator "
        "keeps the slot's List shape so a hook reads every multi-value slot the same way",
    ),
    Case(
        "variations-one-of-group-en",
        VARIATIONS,
        "en_US",
        GROUP,
        GROUP_Q,
        (
            Turn(
                "hello",
                {"messages.0.content": OneOf("Hi!", "Hello!", "Hey there!"), "messages.1": ABSENT},
            ),
        ),
    ),
    Case(
        "variations-one-of-group-ko",
        VARIATIONS,
        "ko_KR",
        GROUP,
        GROUP_Q,
        (
            Turn(
                "안녕",
                {"messages.0.content": OneOf("안녕하세요!", "반가워요!"), "messages.1": ABSENT},
            ),
        ),
    ),
    Case(
        "ordered-strategy-first-prompt",
        ORDERED,
        "en_US",
        PROMPT,
        STRATEGY_Q,
        (
            Turn("my age", {"messages.0.content": "How old are you?"}),
            Turn("banana", {"messages.0.content": "Your age, in years?"}),
            Turn("apple", {"messages.0.content": "Please say a number."}),
        ),
        note="'Ordered' read plainly: the primary message, then each variation on each retry",
    ),
    Case(
        "image-response-card-en",
        RICH,
        "en_US",
        CARD,
        CARD_Q,
        (
            Turn(
                "show me a card",
                {
                    "messages.0.contentType": "ImageResponseCard",
                    "messages.0.imageResponseCard.title": "Pick a size",
                    "messages.0.imageResponseCard.subtitle": "Pizza",
                    "messages.0.imageResponseCard.imageUrl": "https://example.com/p.png",
                    "messages.0.imageResponseCard.buttons": [
                        {"text": "Small", "value": "small"},
                        {"text": "Large", "value": "large"},
                    ],
                },
            ),
        ),
    ),
    Case(
        "image-response-card-ko",
        RICH,
        "ko_KR",
        CARD,
        CARD_Q,
        (
            Turn(
                "카드 보여줘",
                {
                    "messages.0.imageResponseCard.title": "크기를 고르세요",
                    "messages.0.imageResponseCard.buttons.0.value": "large",
                },
            ),
        ),
    ),
    Case(
        "ssml-message",
        RICH,
        "en_US",
        MESSAGE,
        MESSAGE_Q,
        (
            Turn(
                "say it aloud",
                {
                    "messages.0.contentType": "SSML",
                    "messages.0.content": "<speak>Hello <break time='1s'/> there</speak>",
                },
            ),
        ),
    ),
    Case(
        "custom-payload-message",
        RICH,
        "en_US",
        MESSAGE,
        MESSAGE_Q,
        (
            Turn(
                "send a payload",
                {
                    "messages.0.contentType": "CustomPayload",
                    "messages.0.content": '{"kind": "carousel"}',
                },
            ),
        ),
    ),
    Case(
        "one-message-per-group",
        RICH,
        "en_US",
        GROUP,
        "Provides one or more messages that Amazon Lex should send to the user.",
        (Turn("two messages", {"messages.0.content": "First.", "messages.1.content": "Second."}),),
    ),
    Case(
        "alias-own-hook-only-test-alias-hooked",
        ALIASES,
        "en_US",
        ALIAS,
        ALIAS_HOOK_Q,
        (Turn("hello", {"messages.0.content": "echo hook: Hello"}),),
    ),
    Case(
        "alias-without-hook-does-not-inherit",
        ALIASES,
        "en_US",
        ALIAS,
        ALIAS_HOOK_Q,
        (
            Turn(
                "hello",
                {
                    "messages.0.content": "Hi from the bot.",
                    "sessionState.intent.state": "Fulfilled",
                },
                alias_id="LIVEALIASX",
            ),
        ),
        note="LiveAlias lists en_US without a CodeHookSpecification: no hook, nothing from the test alias",
    ),
    Case(
        "alias-disabled-locale-unavailable",
        ALIASES,
        "ko_KR",
        ALIAS,
        ALIAS_Q,
        (Turn("안녕", error="ResourceNotFoundException", alias_id="LIVEALIASX"),),
        note="the docs do not name the error; the emulator answers as for an unknown locale",
    ),
    Case(
        "alias-test-alias-ko-enabled",
        ALIASES,
        "ko_KR",
        ALIAS,
        ALIAS_Q,
        (Turn("안녕", {"messages.0.content": "echo hook: Hello"}),),
    ),
    Case(
        "qna-intent-loads-fallback-answers",
        GENERATIVE,
        "en_US",
        QNA,
        QNA_Q,
        (
            Turn(
                "what is your refund policy for damaged parcels",
                {
                    "sessionState.intent.name": "Fallback",
                    "messages.0.content": "Sorry, I can't help with that.",
                },
            ),
        ),
        startup_warnings=(
            "Faq (AMAZON.QnAIntent) needs Amazon Bedrock",
            "Fallback answers instead",
        ),
        note="no Bedrock offline: the start-up warning says FallbackIntent answers instead",
    ),
    Case(
        "kendra-intent-loads-fallback-answers",
        GENERATIVE,
        "ko_KR",
        KENDRA,
        KENDRA_Q,
        (Turn("환불 규정이 어떻게 되나요", {"sessionState.intent.name": "Fallback"}),),
        startup_warnings=("Search (AMAZON.KendraSearchIntent) needs Amazon Kendra",),
    ),
    Case(
        "generative-bot-other-intents-work",
        GENERATIVE,
        "en_US",
        FALLBACK,
        FALLBACK_Q,
        (Turn("hello", {"sessionState.intent.name": "Hello", "messages.0.content": "Hi!"}),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Case) -> None:
    run_case(conformance, case)
