"""Well-formed text: what the fallback sends to the model, stores in the history and shows the user.

One rule, applied at every boundary (the transcript read from Lex, the model's answer, the history
read back from the session):

* surrogate halves are joined and lone ones (JSON ``"\\ud83d"``) become U+FFFD: a lone surrogate is
  not valid UTF-8, so it cannot be sent on to the model (``UnicodeEncodeError``) or shown;
* control characters (Unicode category ``Cc``: C0, DEL and C1) are dropped, except newline and tab;
* bidirectional formatting controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are
  dropped: they reorder how the rest of a chat bubble reads (the "Trojan Source" trick).

Lengths are counted in UTF-16 code units, as Lex counts them
(https://docs.aws.amazon.com/lexv2/latest/dg/quotas.html: "Character limits are calculated as the
number of Unicode code units").
"""

from __future__ import annotations

import unicodedata

__all__ = ["BIDI_CONTROLS", "fit_utf16", "utf16_len", "well_formed"]

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_KEPT = frozenset("\n\t")


def _dropped(char: str) -> bool:
    if char in _KEPT:
        return False
    return char in BIDI_CONTROLS or unicodedata.category(char) == "Cc"


def well_formed(text: str) -> str:
    """``text`` under the rule above (not trimmed)."""
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if text.isprintable() and "\ufffd" not in text:
        return text  # the common case, in C
    return "".join(c for c in text if not _dropped(c))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit_utf16(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` UTF-16 units (never half a pair)."""
    if len(text) * 2 <= limit or utf16_len(text) <= limit:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text
