"""template.yaml holds the whole deployable system: the bot, its wiring, the functions, the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]

# Built-in slot types and the Lex V2 locales that support them, from the Lex V2 developer guide,
# "Built-in slot types" (docs.aws.amazon.com/lexv2/latest/dg/built-in-slots.html).
ENGLISH = {"en_US", "en_GB", "en_AU", "en_IN", "en_ZA"}
ALL = {"ko_KR", *ENGLISH, "de_DE", "es_ES", "es_US", "es_419", "fr_FR", "fr_CA", "it_IT", "ja_JP"}
BUILTIN_SLOT_LOCALES: dict[str, set[str]] = {
    "AMAZON.City": ALL,
    "AMAZON.Country": ALL,
    "AMAZON.Date": ALL,
    "AMAZON.Duration": ALL,
    "AMAZON.EmailAddress": ALL,
    "AMAZON.FirstName": ALL,
    "AMAZON.LastName": ALL,
    "AMAZON.Number": ALL,
    "AMAZON.Percentage": ALL,
    "AMAZON.PhoneNumber": ALL,
    "AMAZON.State": ALL,
    "AMAZON.StreetName": ALL,
    "AMAZON.Time": ALL,
    "AMAZON.FreeFormInput": ALL,
    "AMAZON.Confirmation": ENGLISH,
    "AMAZON.AlphaNumeric": ALL - {"ko_KR"},
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """The project's template, intrinsics kept in JSON form."""
    return load_template(ROOT / "template.yaml")


def resources_of(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_name}


def the_bot(template: dict[str, Any]) -> dict[str, Any]:
    bots = resources_of(template, "AWS::Lex::Bot")
    assert len(bots) == 1
    return next(iter(bots.values()))["Properties"]


def test_bot_has_both_locales_with_helloworld_and_llm_fallback(template: dict[str, Any]) -> None:
    locales = {loc["LocaleId"]: loc for loc in the_bot(template)["BotLocales"]}
    assert set(locales) == {"ko_KR", "en_US"}
    for locale in locales.values():
        intents = {i["Name"]: i for i in locale["Intents"]}
        hello = intents["HelloWorld"]
        assert [s["Name"] for s in hello["Slots"]] == ["FirstName"]
        closing = hello["IntentClosingSetting"]["ClosingResponse"]["MessageGroupsList"][0]
        assert "{FirstName}" in closing["Message"]["PlainTextMessage"]["Value"]
        assert len(hello["SampleUtterances"]) >= 5
        fallback = intents["FallbackIntent"]
        assert fallback["ParentIntentSignature"] == "AMAZON.FallbackIntent"
        assert fallback["FulfillmentCodeHook"]["Enabled"] is True
        assert 0 < locale["NluConfidenceThreshold"] <= 1


def test_every_builtin_slot_type_exists_for_its_locale(template: dict[str, Any]) -> None:
    for locale in the_bot(template)["BotLocales"]:
        for intent in locale["Intents"]:
            for slot in intent.get("Slots", []):
                type_name = slot["SlotTypeName"]
                if type_name.startswith("AMAZON."):
                    assert locale["LocaleId"] in BUILTIN_SLOT_LOCALES[type_name], (
                        f"{type_name} is not available in {locale['LocaleId']}"
                    )


def _hook_targets(alias_locale_settings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        s["LocaleId"]: s["BotAliasLocaleSetting"]["CodeHookSpecification"]["LambdaCodeHook"][
            "LambdaArn"
        ]
        for s in alias_locale_settings
        if s["BotAliasLocaleSetting"]["Enabled"]
    }


def test_code_hook_is_wired_in_the_alias_and_the_test_alias(template: dict[str, Any]) -> None:
    bot = the_bot(template)
    expected = {"ko_KR": {"Fn::GetAtt": ["FallbackFunction", "Arn"]}}
    expected["en_US"] = expected["ko_KR"]
    assert _hook_targets(bot["TestBotAliasSettings"]["BotAliasLocaleSettings"]) == expected
    (alias,) = resources_of(template, "AWS::Lex::BotAlias").values()
    assert _hook_targets(alias["Properties"]["BotAliasLocaleSettings"]) == expected
    assert alias["Properties"]["BotVersion"] == {"Fn::GetAtt": ["ChatBotVersion", "BotVersion"]}
    (version,) = resources_of(template, "AWS::Lex::BotVersion").values()
    versioned = {v["LocaleId"] for v in version["Properties"]["BotVersionLocaleSpecification"]}
    assert versioned == {"ko_KR", "en_US"}


def test_lex_may_invoke_the_fallback_from_both_aliases(template: dict[str, Any]) -> None:
    perms = resources_of(template, "AWS::Lambda::Permission").values()
    lex_perms = [
        p["Properties"] for p in perms if p["Properties"]["Principal"] == "lexv2.amazonaws.com"
    ]
    assert len(lex_perms) == 2
    sources = [str(p["SourceArn"]) for p in lex_perms]
    assert any("ChatBotAlias" in s for s in sources)
    assert any("TSTALIASID" in s for s in sources)
    for p in lex_perms:
        assert p["Action"] == "lambda:InvokeFunction"
        assert p["FunctionName"] == {"Fn::GetAtt": ["FallbackFunction", "Arn"]}


def test_code_hook_timeout_fits_inside_lex_and_api_gateway_limits(template: dict[str, Any]) -> None:
    res = template["Resources"]
    fallback_timeout = res["FallbackFunction"]["Properties"]["Timeout"]
    llm_budget = float(
        res["FallbackFunction"]["Properties"]["Environment"]["Variables"]["LLM_TIMEOUT_SECONDS"]
    )
    assert llm_budget < fallback_timeout < 30  # Lex gives a code hook at most 30 s
    assert res["ChatApiFunction"]["Properties"]["Timeout"] < 29  # API Gateway gives up at 29 s


def test_chat_api_is_the_chalice_app_behind_a_throttled_rest_api(template: dict[str, Any]) -> None:
    props = template["Resources"]["ChatApiFunction"]["Properties"]
    assert props["CodeUri"] == "chalice_app/"
    assert props["Handler"] == "app.app"
    routes = {
        (e["Properties"]["Path"], e["Properties"]["Method"]) for e in props["Events"].values()
    }
    assert ("/chat", "POST") in routes
    env = props["Environment"]["Variables"]
    assert env["LEX_BOT_ID"] == {"Ref": "ChatBot"}
    assert env["LEX_BOT_ALIAS_ID"] == {"Fn::GetAtt": ["ChatBotAlias", "BotAliasId"]}
    api = template["Resources"]["ChatApi"]["Properties"]
    throttling = api["MethodSettings"][0]
    assert {"ThrottlingRateLimit", "ThrottlingBurstLimit"} <= set(throttling)


def test_page_is_private_s3_behind_cloudfront_with_chat_on_the_same_origin(
    template: dict[str, Any],
) -> None:
    res = template["Resources"]
    block = res["FrontendBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values())
    dist = res["WebDistribution"]["Properties"]["DistributionConfig"]
    s3_origin = next(o for o in dist["Origins"] if "S3OriginConfig" in o)
    assert "OriginAccessControlId" in s3_origin
    assert dist["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    chat = next(b for b in dist["CacheBehaviors"] if b["PathPattern"] == "/chat")
    assert "POST" in chat["AllowedMethods"]
    assert chat["ViewerProtocolPolicy"] == "redirect-to-https"
    api_origin = next(o for o in dist["Origins"] if o["Id"] == chat["TargetOriginId"])
    assert "execute-api" in str(api_origin["DomainName"])


def test_outputs_name_everything_a_deploy_needs(template: dict[str, Any]) -> None:
    assert {"WebUrl", "ApiUrl", "BotId", "BotAliasId", "FrontendBucket"} <= set(template["Outputs"])


def test_api_gateways_own_errors_use_the_apps_json_error_shape(template: dict[str, Any]) -> None:
    responses = template["Resources"]["ChatApi"]["Properties"]["GatewayResponses"]
    expected_status = {
        "THROTTLED": "429",
        "INTEGRATION_TIMEOUT": "504",
        "MISSING_AUTHENTICATION_TOKEN": "404",
        "REQUEST_TOO_LARGE": "413",
        "INVALID_API_KEY": "403",
    }
    assert set(expected_status) | {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for name, response in responses.items():
        assert response.get("StatusCode", expected_status.get(name)) == expected_status.get(name)
        body = response["ResponseTemplates"]["application/json"]
        # $context.error.messageString is already a quoted JSON string
        rendered = json.loads(body.replace("$context.error.messageString", '"x"'))
        assert set(rendered) == {"error"}
        assert set(rendered["error"]) == {"code", "message"}


def test_chat_api_lex_timeouts_sit_between_the_code_hook_and_api_gateway(
    template: dict[str, Any],
) -> None:
    from chalicelib.config import Settings

    settings = Settings.from_env({"LEX_BOT_ID": "ABCDEFGHIJ", "LEX_BOT_ALIAS_ID": "TSTALIASID"})
    res = template["Resources"]
    hook_timeout = res["FallbackFunction"]["Properties"]["Timeout"]
    api_timeout = res["ChatApiFunction"]["Properties"]["Timeout"]
    # the hook gives up first (Lex then answers DependencyFailed -> 502), then the Lex read timeout
    # (504), all inside the function's own timeout and API Gateway's 29 s.
    assert hook_timeout < settings.read_timeout_seconds
    assert settings.connect_timeout_seconds + settings.read_timeout_seconds <= api_timeout < 29
