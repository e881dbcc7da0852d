"""StreamSettings from the environment: never raises, turns a part off when its value is unusable."""

from __future__ import annotations

import pytest

from chalicelib.stream_config import StreamSettings, usable_management_url
from lex_emulator.cfn_template import load_template, resolve_function
from tests.unit.infra.test_iam_policies import ROOT


def test_empty_environment_means_streaming_off():
    settings = StreamSettings.from_env({})
    assert not settings.enabled and settings.management_url is None and settings.problems == ()


def test_the_contract_variables_are_read():
    settings = StreamSettings.from_env(
        {
            "STREAM_BINDINGS_TABLE": "stack-StreamBindingsTable-1AB2",
            "STREAM_MANAGEMENT_URL": "https://abc123.execute-api.eu-west-1.amazonaws.com/stream/",
            "AWS_REGION": "eu-west-1",
            "SESSION_KEY": "k" * 40,
        }
    )
    assert settings.enabled and settings.bindings_table == "stack-StreamBindingsTable-1AB2"
    assert settings.management_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/stream"
    assert settings.region == "eu-west-1" and settings.session_key == "k" * 40
    assert "k" * 40 not in repr(settings)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8123",
        "http://localhost:8000/stream",
        "http://[::1]:8000/stream",
        "https://abc123.execute-api.us-east-1.amazonaws.com/stream",
    ],
)
def test_usable_management_urls(url):
    assert usable_management_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "https://.execute-api.us-east-1.amazonaws.com/stream",  # the template resolved offline
        "https:///stream",
        "ftp://host/stream",
        "https://user:pw@host/stream",
        "https://host:99999/stream",
        "https://ho st/stream",
        "https://host/stream?x=1",
        "wss://host/stream",
    ],
)
def test_unusable_management_urls_read_as_unset(url):
    assert usable_management_url(url) is None
    settings = StreamSettings.from_env({"STREAM_MANAGEMENT_URL": url})
    assert settings.management_url is None
    assert bool(settings.problems) is bool(url.strip())


def test_the_templates_management_url_resolved_offline_reads_as_unset():
    """What sam local / make dev get from the template before overriding it (documented)."""
    template = load_template(ROOT / "template.yaml")
    for function in ("StreamFunction", "FallbackFunction"):
        env = resolve_function(template, function, ROOT).environment
        assert env["STREAM_MANAGEMENT_URL"] == "https://.execute-api.us-east-1.amazonaws.com/stream"
        assert usable_management_url(env["STREAM_MANAGEMENT_URL"]) is None
    chat = resolve_function(template, "ChatApiFunction", ROOT).environment
    assert chat["STREAM_BINDINGS_TABLE"] == ""  # a Ref to the table: streaming off offline


@pytest.mark.parametrize("table", ["a", "has space", "x" * 300])
def test_a_malformed_table_name_turns_streaming_off(table):
    settings = StreamSettings.from_env({"STREAM_BINDINGS_TABLE": table})
    assert not settings.enabled and settings.problems


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_a_bad_timeout_falls_back_to_one_second(value):
    settings = StreamSettings.from_env({"STREAM_DYNAMODB_TIMEOUT_SECONDS": value})
    assert settings.dynamodb_timeout_seconds == 1.0 and settings.problems
