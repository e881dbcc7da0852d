"""The well-formed-text rule and the encoding-error classification (issue 10 items 2 and 7)."""

from __future__ import annotations

import pytest

from llm_fallback.errors import LLMBadResponse, LLMRequestError
from llm_fallback.history import append_exchange, dump_history, load_history
from llm_fallback.llm import translate_error
from llm_fallback.service import notice_for
from llm_fallback.text import BIDI_CONTROLS, fit_utf16, utf16_len, well_formed


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain 한국어 😀", "plain 한국어 😀"),
        ("\ud83d\ude00 joined pair", "😀 joined pair"),
        ("lone \ud83d high, lone \ude00 low", "lone \ufffd high, lone \ufffd low"),
        ("bell\x07 nul\x00 del\x7f", "bell nul del"),
        ("c1\x80\x85\x9f", "c1"),
        ("keep\nnewline\tand tab", "keep\nnewline\tand tab"),
        ("\u202eevil\u202c \u2066iso\u2069 \u200fmark \u061c", "evil iso mark "),
        ("zwj 👩\u200d💻 kept, flag 🏴\U000e0067\U000e0062\U000e007f kept", None),
    ],
)
def test_well_formed(raw, clean):
    assert well_formed(raw) == (raw if clean is None else clean)
    well_formed(raw).encode("utf-8")  # never raises


def test_every_bidi_control_is_dropped():
    assert well_formed("".join(sorted(BIDI_CONTROLS))) == ""


def test_fit_utf16_counts_like_lex_and_never_splits_a_pair():
    assert utf16_len("😀a") == 3
    assert fit_utf16("😀😀", 3) == "😀"
    assert fit_utf16("abc", 3) == "abc"
    assert fit_utf16("", 0) == ""


def test_a_lone_surrogate_in_our_request_is_a_request_error_not_a_bad_response():
    try:
        "\ud83d".encode("utf-8")
    except UnicodeEncodeError as exc:
        error = translate_error(exc)
    assert isinstance(error, LLMRequestError) and not isinstance(error, LLMBadResponse)
    assert not error.retryable
    assert notice_for(error).value == "unavailable"
    assert isinstance(translate_error(ValueError("bad json")), LLMBadResponse)


def test_history_stores_and_loads_only_well_formed_text():
    stored = dump_history(append_exchange([], "q\ud800\x85", "a\u202e\x07", 6))
    assert load_history({"llmHistory": stored}) == [
        {"role": "user", "content": "q\ufffd"},
        {"role": "assistant", "content": "a"},
    ]
    raw = '[{"role":"user","content":"\\ud800\\u0085"},{"role":"assistant","content":"\\u202e"}]'
    assert load_history({"llmHistory": raw}) == [{"role": "user", "content": "\ufffd"}]
