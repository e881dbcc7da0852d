"""Settings from the environment."""

from __future__ import annotations

import pytest

from chalicelib.config import Settings
from chalicelib.errors import ConfigurationError

BASE = {"LEX_BOT_ID": "LOCALBOTID", "LEX_BOT_ALIAS_ID": "TSTALIASID"}


def test_defaults_follow_the_contract():
    s = Settings.from_env(BASE)
    assert s.default_locale == "ko_KR"
    assert s.locales == ("ko_KR", "en_US")
    assert s.endpoint_url is None and s.region is None
    assert (s.connect_timeout_seconds, s.read_timeout_seconds) == (2.0, 26.0)


def test_every_variable_is_read():
    s = Settings.from_env(
        {
            **BASE,
            "LEX_DEFAULT_LOCALE": "en_US",
            "LEX_LOCALES": " en_US , ko_KR ,es_419",
            "LEX_ENDPOINT_URL": "http://127.0.0.1:4010",
            "AWS_DEFAULT_REGION": "ap-northeast-2",
            "LEX_CONNECT_TIMEOUT_SECONDS": "0.5",
            "LEX_READ_TIMEOUT_SECONDS": "7",
        }
    )
    assert s.default_locale == "en_US"
    assert s.locales == ("en_US", "ko_KR", "es_419")
    assert s.endpoint_url == "http://127.0.0.1:4010"
    assert s.region == "ap-northeast-2"
    assert (s.connect_timeout_seconds, s.read_timeout_seconds) == (0.5, 7.0)


def test_aws_region_wins_over_default_region_and_empty_endpoint_is_none():
    s = Settings.from_env(
        {
            **BASE,
            "AWS_REGION": "us-west-2",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "LEX_ENDPOINT_URL": "",
        }
    )
    assert s.region == "us-west-2"
    assert s.endpoint_url is None


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ({"LEX_BOT_ID": ""}, "LEX_BOT_ID"),
        ({"LEX_BOT_ID": "short"}, "LEX_BOT_ID"),
        ({"LEX_BOT_ALIAS_ID": "TSTALIASID1"}, "LEX_BOT_ALIAS_ID"),
        ({"LEX_BOT_ALIAS_ID": "TST-ALIAS!"}, "LEX_BOT_ALIAS_ID"),
        ({"LEX_LOCALES": ""}, "LEX_LOCALES"),
        ({"LEX_LOCALES": "korean"}, "LEX_LOCALES"),
        ({"LEX_DEFAULT_LOCALE": "fr_FR"}, "LEX_DEFAULT_LOCALE"),
        ({"LEX_READ_TIMEOUT_SECONDS": "soon"}, "LEX_READ_TIMEOUT_SECONDS"),
        ({"LEX_CONNECT_TIMEOUT_SECONDS": "0"}, "LEX_CONNECT_TIMEOUT_SECONDS"),
        ({"LEX_READ_TIMEOUT_SECONDS": "nan"}, "LEX_READ_TIMEOUT_SECONDS"),
    ],
)
def test_bad_configuration_names_the_variable(override, names):
    with pytest.raises(ConfigurationError) as info:
        Settings.from_env({**BASE, **override})
    assert names in (info.value.detail or "")
    assert info.value.status == 503
    assert names not in info.value.message  # the user sees a friendly message only


def test_settings_are_frozen():
    s = Settings.from_env(BASE)
    with pytest.raises(AttributeError):
        s.bot_id = "OTHERBOTID"  # type: ignore[misc]
