"""The one text rule the API applies to ``text`` and the page mirrors in ``frontend/js/text.js``.

Written down in docs/contracts.md ("The text rule"); ``tests/support/text_rule_cases.json`` holds
cases both sides test against. In order:

1. drop lone surrogates (category Cs) and control characters (category Cc) except ``\\n`` and
   ``\\t``;
2. drop format characters (category Cf) except ZERO WIDTH JOINER U+200D and the tag characters
   U+E0020-U+E007F (emoji ZWJ sequences and subdivision flags need them). Variation selectors are
   marks (Mn), not format characters, so they stay. This removes the invisible ones: zero-width
   space U+200B, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, bidi controls, ...;
3. normalise to NFC (an NFD "안녕하세요" becomes the NFC one the bot's utterances match);
4. trim whitespace (categories Zs, Zl, Zp, and ``\\t``, ``\\n``) at both ends.

The result is *blank* when nothing visible is left: every character is such whitespace, U+200D, a
tag character, a variation selector (U+FE00-U+FE0F, U+E0100-U+E01EF) or a Hangul filler (U+115F,
U+1160, U+3164, U+FFA0). Blank text is ``invalid_text`` and never reaches Lex or the LLM.
"""

from __future__ import annotations

import unicodedata

__all__ = ["is_blank", "normalize_text"]

_KEPT_CONTROLS = frozenset("\n\t")
_ZWJ = "\u200d"
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def _is_tag(char: str) -> bool:
    return "\U000e0020" <= char <= "\U000e007f"


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _kept(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char in _KEPT_CONTROLS
    if category == "Cs":
        return False
    if category == "Cf":
        return char == _ZWJ or _is_tag(char)
    return True


def _is_space(char: str) -> bool:
    return char in _KEPT_CONTROLS or unicodedata.category(char) in _SPACE_CATEGORIES


def normalize_text(text: str) -> str:
    """Steps 1-4 above."""
    kept = "".join(char for char in text if _kept(char))
    normalized = unicodedata.normalize("NFC", kept)
    start, end = 0, len(normalized)
    while start < end and _is_space(normalized[start]):
        start += 1
    while end > start and _is_space(normalized[end - 1]):
        end -= 1
    return normalized[start:end]


def is_blank(text: str) -> bool:
    """True when ``text`` (already normalised) has nothing a reader could see."""
    return all(
        _is_space(char)
        or char == _ZWJ
        or _is_tag(char)
        or _is_variation_selector(char)
        or char in _HANGUL_FILLERS
        for char in text
    )
