"""Server-issued session ids (docs/contracts.md "Session ids") and where their key comes from."""

from __future__ import annotations

import re

import pytest

from chalicelib.config import Settings
from chalicelib.errors import (
    ConfigurationError,
    InvalidSessionIdError,
    SessionKeyUnavailableError,
)
from chalicelib.session_ids import SessionIds, session_hash
from chalicelib.session_key import SecretCache, resolve_session_key
from tests.support.events import load_event
from tests.support.session_ids import TEST_SESSION_KEY, b64, sign

KEY = TEST_SESSION_KEY.encode()
LEX_SESSION_ID = re.compile(r"[0-9a-zA-Z._:-]{2,100}")


def test_issued_ids_follow_the_contract_byte_for_byte():
    random = bytes(range(16))
    sessions = SessionIds(KEY, random_bytes=lambda n: random[:n])
    assert sessions.issue() == sign(b64(random))  # written apart from the app, from the contract


def test_issued_ids_fit_lex_carry_128_random_bits_and_verify():
    asked: list[int] = []

    def random_bytes(n: int) -> bytes:
        asked.append(n)
        return bytes(n)

    SessionIds(KEY, random_bytes=random_bytes).issue()
    assert asked == [16]
    sessions = SessionIds(KEY)
    ids = {sessions.issue() for _ in range(200)}
    assert len(ids) == 200
    for sid in ids:
        assert LEX_SESSION_ID.fullmatch(sid) and sid.startswith("s1.") and len(sid) == 48
        assert sessions.verify(sid) == sid


@pytest.mark.parametrize(
    "session_id",
    [
        "ab",
        "..",
        "",
        "s1.",
        "s1..",
        "s1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "s2" + sign("AAAAAAAAAAAAAAAAAAAAAA")[2:],
        sign("AAAAAAAAAAAAAAAAAAAAAA") + "A",
        sign("AAAAAAAAAAAAAAAAAAAAAA")[:-1],
        sign("AAAAAAAAAAAAAAAAAAAAAA", key="another-key-of-at-least-32-characters"),
        " " + sign("AAAAAAAAAAAAAAAAAAAAAA"),
        sign("AAAAAAAAAAAAAAAAAAAAAA") + "\n",
        sign("AAAAAAAAAAAAAAAAAAAAAA").upper(),
        "s1.AAAAAAAAAAAAAAAAAAAAAA.\ud800AAAAAAAAAAAAAAAAAAAAA",
        "x" * 10_000,
    ],
)
def test_anything_not_issued_under_this_key_is_refused(session_id):
    sessions = SessionIds(KEY)
    assert not sessions.is_valid(session_id)
    with pytest.raises(InvalidSessionIdError) as info:
        sessions.verify(session_id)
    assert info.value.status == 400 and info.value.code == "invalid_session_id"
    assert "without sessionId" in info.value.message
    assert session_id not in (info.value.detail or "") or not session_id


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        SessionIds(b"k" * 31)


def test_session_hash_is_short_stable_and_not_the_id():
    sid = sign("AAAAAAAAAAAAAAAAAAAAAA")
    assert session_hash(sid) == session_hash(sid)
    assert re.fullmatch(r"[0-9a-f]{16}", session_hash(sid))
    assert session_hash(sid) != session_hash(sign("AAAAAAAAAAAAAAAAAAAAAB"))
    assert session_hash("\ud800") != ""  # a lone surrogate from JSON does not raise


def test_event_fixtures_carry_ids_signed_with_the_test_key():
    import json

    sessions = SessionIds(KEY)
    body = json.loads(load_event("apiGatewayChatPost")["body"])
    assert sessions.is_valid(body["sessionId"])
    forged = json.loads(load_event("apiGatewayChatPostForgedSessionId")["body"])
    assert forged["sessionId"].startswith("s1.") and not sessions.is_valid(forged["sessionId"])
    for name in ("lexV2FallbackKo", "lexV2FallbackEn", "lexV2DialogCodeHook"):
        assert sessions.is_valid(load_event(name)["sessionId"])


# -- the key --------------------------------------------------------------------------------------
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:SessionKeySecret-AbCdEf"


def settings(**kwargs: str) -> Settings:
    return Settings(bot_id="LOCALBOTID", bot_alias_id="TSTALIASID", **kwargs)  # type: ignore[arg-type]


class FakeSecrets:
    def __init__(self, value: str = "g" * 64):
        self.value, self.calls, self.fail = value, 0, False

    def __call__(self, arn: str, region: str | None) -> str:
        self.calls += 1
        if self.fail:
            raise ConnectionError("secrets manager is down")
        return self.value


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_session_key_env_wins_over_the_secret():
    fetch = FakeSecrets()
    key = resolve_session_key(
        settings(session_key="e" * 40, session_key_secret_arn=ARN), SecretCache(fetch)
    )
    assert key == b"e" * 40 and fetch.calls == 0


def test_the_secret_is_read_once_per_max_age_and_cached():
    fetch, clock = FakeSecrets(), Clock()
    cache = SecretCache(fetch, max_age=300, clock=clock)
    for _ in range(50):
        assert resolve_session_key(settings(session_key_secret_arn=ARN), cache) == b"g" * 64
    assert fetch.calls == 1
    clock.now += 301
    fetch.value = "h" * 64
    assert resolve_session_key(settings(session_key_secret_arn=ARN), cache) == b"h" * 64
    assert fetch.calls == 2


def test_a_failed_refresh_keeps_the_last_good_key():
    fetch, clock = FakeSecrets(), Clock()
    cache = SecretCache(fetch, max_age=300, clock=clock)
    resolve_session_key(settings(session_key_secret_arn=ARN), cache)
    fetch.fail = True
    clock.now += 301
    assert resolve_session_key(settings(session_key_secret_arn=ARN), cache) == b"g" * 64
    clock.now += 10  # not retried on every request after a failure
    resolve_session_key(settings(session_key_secret_arn=ARN), cache)
    assert fetch.calls == 2


def test_an_unreadable_secret_with_nothing_cached_is_503():
    fetch = FakeSecrets()
    fetch.fail = True
    with pytest.raises(SessionKeyUnavailableError) as info:
        resolve_session_key(settings(session_key_secret_arn=ARN), SecretCache(fetch))
    assert info.value.status == 503 and "ConnectionError" in (info.value.detail or "")


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"session_key": "short"}, {"session_key_secret_arn": ARN}],
    ids=["nothing", "short-env-key", "short-secret"],
)
def test_no_usable_key_is_503_not_configured_without_showing_the_key(kwargs):
    with pytest.raises(ConfigurationError) as info:
        resolve_session_key(settings(**kwargs), SecretCache(FakeSecrets("tiny")))
    assert info.value.status == 503
    detail = info.value.detail or ""
    assert "SESSION_KEY" in detail or "secret" in detail
    assert kwargs.get("session_key", "tiny") not in detail and "tiny" not in detail


def test_settings_read_the_key_names_and_keep_the_key_out_of_repr():
    env = {
        "LEX_BOT_ID": "LOCALBOTID",
        "LEX_BOT_ALIAS_ID": "TSTALIASID",
        "SESSION_KEY": " " + "s" * 40 + " ",
        "SESSION_KEY_SECRET_ARN": ARN,
    }
    parsed = Settings.from_env(env)
    assert parsed.session_key == "s" * 40 and parsed.session_key_secret_arn == ARN
    assert "s" * 40 not in repr(parsed)
