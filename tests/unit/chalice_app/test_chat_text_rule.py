"""The text rule (issue 10 item 6): NFC, invisible format characters dropped, blank text refused.

``tests/support/text_rule_cases.json`` is shared with the page's tests (frontend/js/text.js must
give the same output for each case); the expectations below are written out by hand.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from chalicelib.config import Settings
from chalicelib.errors import InvalidTextError
from chalicelib.session_ids import SessionIds
from chalicelib.text_rule import is_blank, normalize_text
from chalicelib.validation import parse_chat_request, text_length
from tests.support.session_ids import TEST_SESSION_KEY

CASES = json.loads(
    (Path(__file__).resolve().parents[2] / "support" / "text_rule_cases.json").read_text()
)["cases"]
SETTINGS = Settings(bot_id="LOCALBOTID", bot_alias_id="TSTALIASID")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_cases(case):
    out = normalize_text(case["input"])
    assert out == case["output"]
    assert (out == "" or is_blank(out)) == case["blank"]
    assert text_length(out) == case["utf16"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (unicodedata.normalize("NFD", "안녕하세요"), "안녕하세요"),
        ("cafe\u0301", "caf\u00e9"),
        ("hel\u200blo wo\u2060rld\ufeff", "hello world"),
        ("\u202eabc\u202c \u2066x\u2069", "abc x"),
        ("\u00adshy", "shy"),
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
        ("❤\ufe0f", "❤\ufe0f"),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", None),
        ("  \t안녕\n ", "안녕"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == (raw if expected is None else expected)


@pytest.mark.parametrize(
    "raw",
    ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u200d", "\ufe0f\ufe0e", "\u3164 \u3164"],
)
def test_invisible_only_text_is_invalid_text(raw):
    body = json.dumps({"text": raw}).encode()
    with pytest.raises(InvalidTextError):
        parse_chat_request(body, SETTINGS, sessions=SessionIds(TEST_SESSION_KEY.encode()))


def test_the_limit_counts_after_the_rule():
    sessions = SessionIds(TEST_SESSION_KEY.encode())
    nfd = unicodedata.normalize("NFD", "가") * 1024  # 2048 units before NFC, 1024 after
    body = json.dumps({"text": nfd}).encode()
    assert parse_chat_request(body, SETTINGS, sessions=sessions).text == "가" * 1024
    body = json.dumps({"text": "a\u200b" * 1024}).encode()
    assert parse_chat_request(body, SETTINGS, sessions=sessions).text == "a" * 1024
