"""The bot loader: template.yaml and small test bots, good and bad."""

from __future__ import annotations

import pytest

from lex_emulator.bot_model import TEST_ALIAS_ID, emulator_id, load_bots
from lex_emulator.cfn_template import TemplateError
from tests.unit.lex_emulator.emulator_support import REPO_TEMPLATE, TEMPLATES


def test_repo_template_loads_the_chat_bot():
    catalog = load_bots(REPO_TEMPLATE)
    (bot,) = catalog.bots
    assert bot.logical_id == "ChatBot"
    assert bot.idle_ttl_seconds == 300
    assert set(bot.locales) == {"ko_KR", "en_US"}
    ko = bot.locales["ko_KR"]
    assert ko.nlu_threshold == pytest.approx(0.40)
    hello = ko.intent("HelloWorld")
    assert hello is not None and "안녕" in hello.sample_utterances
    (slot,) = hello.slots
    assert (slot.name, slot.slot_type, slot.required, slot.max_retries) == (
        "FirstName",
        "AMAZON.FirstName",
        True,
        2,
    )
    assert slot.prompts[0].content == "이름이 무엇인가요?"
    assert hello.closing_responses[0].content == "반갑습니다, {FirstName}님."
    assert ko.fallback.is_fallback and ko.fallback.fulfillment_code_hook
    assert "FallbackIntent" not in ko.training_data()


def test_repo_template_code_hook_resolves_to_the_fallback_function():
    bot = load_bots(REPO_TEMPLATE, {"FallbackFunction": {"OPENAI_MODEL": "local-model"}}).bots[0]
    test_alias = bot.alias(TEST_ALIAS_ID)
    spec = test_alias.code_hooks["ko_KR"]
    assert spec is not None and spec.logical_id == "FallbackFunction"
    assert spec.code_uri == (REPO_TEMPLATE.parent / "fallback_function").resolve()
    assert spec.handler == "handler.lambda_handler"
    assert spec.environment["OPENAI_MODEL"] == "local-model"
    live = bot.alias("CHATBOTALI")
    assert live.logical_id == "ChatBotAlias" and live.code_hooks["en_US"] is not None
    assert bot.alias("ANYALIASID") is live  # other alias ids reach the declared alias


def test_pizza_bot_slots_in_priority_order_with_custom_type():
    bot = load_bots(TEMPLATES / "pizza.yaml").bots[0]
    en = bot.locales["en_US"]
    assert en.nlu_threshold == pytest.approx(0.40)  # default when absent
    assert bot.locales["ko_KR"].nlu_threshold == pytest.approx(0.5)
    order = en.intent("OrderPizza")
    assert order is not None
    assert [s.name for s in order.slots] == ["Size", "Count", "Note"]
    assert [s.required for s in order.slots] == [True, True, False]
    size = order.slot("Size")
    assert size is not None and size.allow_interrupt is False and size.max_retries == 1
    pizza_size = en.slot_types["PizzaSize"]
    assert pizza_size.resolution == "TopResolution"
    assert ("large", ("big", "huge")) in pizza_size.values
    assert order.confirmation_prompts[0].content == "Order {Count} {Size} pizzas?"
    assert order.confirmation_max_retries == 1
    assert order.declination_responses[0].content == "Okay, the order is cancelled."
    cancel = en.intent("CancelOrder")
    assert cancel is not None and cancel.initial_responses[0].content == "Cancelling."
    assert bot.locales["ko_KR"].fallback.name == "FallbackIntent"  # added like Lex does
    assert not bot.locales["ko_KR"].fallback.fulfillment_code_hook


def test_hook_bot_aliases_each_get_their_own_function():
    bot = load_bots(TEMPLATES / "hooks.yaml").bots[0]
    functions = {a.alias_id: a.code_hooks["en_US"] for a in bot.aliases}
    assert {k: v.logical_id for k, v in functions.items() if v} == {
        TEST_ALIAS_ID: "GoodFunction",
        "MALFORMEDA": "MalformedFunction",
        "RAISINGALI": "RaisingFunction",
        "SLOWALIASX": "SlowFunction",
        "DIALOGALIA": "DialogFunction",
    }
    good = functions[TEST_ALIAS_ID]
    assert good is not None and good.environment["EMULATOR_TEST_GREETING"]
    book = bot.locales["en_US"].intent("BookRoom")
    assert book is not None and book.dialog_code_hook and book.fulfillment_code_hook


@pytest.mark.parametrize(
    ("logical", "expected"),
    [("ChatBot", "CHATBOTXXX"), ("SupportBot2", "SUPPORTBOT"), ("a-b_c", "ABCXXXXXXX")],
)
def test_emulator_ids_are_ten_alphanumerics(logical, expected):
    assert emulator_id(logical) == expected


def test_several_bots_are_reached_by_their_mapped_ids():
    catalog = load_bots(TEMPLATES / "two_bots.yaml")
    chat, support = catalog.bots
    assert catalog.resolve("CHATBOTXXX") is chat
    assert catalog.resolve("SUPPORTBOT") is support
    assert catalog.resolve("SupportBot2") is support
    assert catalog.resolve("LOCALBOTID") is None
    text = "\n".join(catalog.describe())
    assert "CHATBOTXXX" in text and "SUPPORTBOT" in text and "Help" in text


def test_one_bot_is_reached_by_any_valid_id():
    catalog = load_bots(REPO_TEMPLATE)
    assert catalog.resolve("LOCALBOTID") is catalog.bots[0]
    assert catalog.resolve("abcDEF1234") is catalog.bots[0]
    assert catalog.resolve("short") is None
    assert "any 10-alphanumeric id" in "\n".join(catalog.describe())


# Templates CloudFormation itself refuses (cfn-lint errors) are not kept as files in the
# repository (every template there passes cfn-lint); the loader still names the problem.
NOT_CLOUDFORMATION = {
    "bad_threshold.yaml": (
        "Resources:\n  BadBot:\n    Type: AWS::Lex::Bot\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/lex\n      DataPrivacy: {ChildDirected: false}\n      IdleSessionTTLInSeconds: 300\n      Name: bad\n      BotLocales:\n        - LocaleId: en_US\n          NluConfidenceThreshold: 1.5\n          Intents:\n            - Name: Hello\n              SampleUtterances: [{Utterance: hello}]\n",
        "BadBot.BotLocales[0].NluConfidenceThreshold",
    ),
    "bad_max_retries.yaml": (
        "Resources:\n  BadBot:\n    Type: AWS::Lex::Bot\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/lex\n      DataPrivacy: {ChildDirected: false}\n      IdleSessionTTLInSeconds: 300\n      Name: bad\n      BotLocales:\n        - LocaleId: en_US\n          NluConfidenceThreshold: 0.40\n          Intents:\n            - Name: Hello\n              SampleUtterances: [{Utterance: 'hi {N}'}]\n              Slots:\n                - Name: N\n                  SlotTypeName: AMAZON.Number\n                  ValueElicitationSetting:\n                    SlotConstraint: Required\n                    PromptSpecification:\n                      MaxRetries: lots\n                      MessageGroupsList: [{Message: {PlainTextMessage: {Value: 'N?'}}}]\n",
        "BadBot.BotLocales[0].Intents[0].Slots[0].ValueElicitationSetting."
        "PromptSpecification.MaxRetries",
    ),
    "bad_missing_function.yaml": (
        "Resources:\n  BadBot:\n    Type: AWS::Lex::Bot\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/lex\n      DataPrivacy: {ChildDirected: false}\n      IdleSessionTTLInSeconds: 300\n      Name: bad\n      TestBotAliasSettings:\n        BotAliasLocaleSettings:\n          - LocaleId: en_US\n            BotAliasLocaleSetting:\n              Enabled: true\n              CodeHookSpecification:\n                LambdaCodeHook:\n                  CodeHookInterfaceVersion: '1.0'\n                  LambdaArn: !GetAtt MissingFunction.Arn\n      BotLocales:\n        - LocaleId: en_US\n          NluConfidenceThreshold: 0.40\n          Intents:\n            - Name: Hello\n              SampleUtterances: [{Utterance: hello}]\n",
        "BadBot.TestBotAliasSettings.BotAliasLocaleSettings[0].BotAliasLocaleSetting."
        "CodeHookSpecification.LambdaCodeHook.LambdaArn",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_CLOUDFORMATION))
def test_templates_cloudformation_refuses_name_resource_and_property(tmp_path, name):
    text, where = NOT_CLOUDFORMATION[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_bots(path)
    message = str(info.value)
    assert message.startswith(where + ": "), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("bad_slot_type.yaml", "BadBot.BotLocales[0].Intents[0].Slots[0].SlotTypeName"),
        ("bad_placeholder.yaml", "BadBot.BotLocales[0].Intents[0].SampleUtterances[0].Utterance"),
        ("bad_priority.yaml", "BadBot.BotLocales[0].Intents[0].SlotPriorities[0].SlotName"),
        (
            "bad_missing_prompt.yaml",
            "BadBot.BotLocales[0].Intents[0].Slots[0].ValueElicitationSetting.PromptSpecification",
        ),
    ],
)
def test_bad_templates_name_resource_and_property(name, where):
    with pytest.raises(TemplateError) as info:
        load_bots(TEMPLATES / name)
    message = str(info.value)
    assert message.startswith(where + ": "), message
    assert "\n" not in message
    assert info.value.resource == "BadBot"


def test_a_hook_deployed_elsewhere_loads_with_a_warning_and_no_hook():
    catalog = load_bots(TEMPLATES / "bad_lambda_arn.yaml")
    assert catalog.bots[0].aliases[0].code_hooks["en_US"] is None
    assert any("cannot run it" in w for w in catalog.warnings)


def test_a_bot_without_locales_loads_with_a_warning():
    catalog = load_bots(TEMPLATES / "bad_no_locales.yaml")
    assert any("has no locales" in w for w in catalog.warnings)


def test_template_without_a_bot_is_refused():
    with pytest.raises(TemplateError, match="no AWS::Lex::Bot"):
        load_bots(TEMPLATES / "bad_no_bot.yaml")


def test_missing_template_file_is_one_clear_error(tmp_path):
    with pytest.raises(TemplateError, match="cannot read template"):
        load_bots(tmp_path / "nope.yaml")
