"""How a custom slot type turns what the user said into a slot value (resolution strategies).

Lex V2 developer guide, "Custom slot type": "You can configure the slot type to expand the slot
values. Slot values will be used as training data and the model will resolve the slot to the value
provided by the user if it is similar to the slot values and synonyms of those values. This is the
default behavior." ... "Alternatively, you can configure the slot type to restrict resolution to
the slot values. In this case, the model will resolve a slot value entered by the user to an
existing slot value only if it is the same as that slot value or it is a synonym."

``SlotValueSelectionSetting.resolutionStrategy`` (API reference):

* ``ORIGINAL_VALUE`` - "Returns the value entered by the user, if the user value is similar to the
  slot value." interpretedValue is what the user typed; resolvedValues lists the listed values it
  resolved to (the canonical value of a synonym, or of a close misspelling).
* ``TOP_RESOLUTION`` - "If there is a resolution list for the slot, return the first value in the
  resolution list as the slot type value. If there is no resolution list, null is returned."
  interpretedValue is the first resolved value; a reply with no resolution fills nothing.
* ``CONCATENATION`` - *the docs give only the name.* The emulator resolves like ORIGINAL_VALUE, and
  when one reply names several listed values, interpretedValue is the words the user said for them,
  joined in the order said (the closest reading of "concatenation").

Under every strategy a reply that is neither a listed value, a synonym, nor similar to one fills
nothing, so the engine re-prompts ("hello" is not a pizza size). ``RegexFilter``: "A regular
expression used to validate the value of a slot." The value must match it as a whole; with
``ParentSlotTypeSignature: AMAZON.AlphaNumeric`` and no listed values the regex alone defines the
type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Match", "Resolution", "regex_value", "resolve"]


@dataclass(frozen=True)
class Match:
    """A listed value or synonym the user said: where, the canonical value, the words typed."""

    start: int
    end: int
    canonical: str
    typed: str


@dataclass(frozen=True)
class Resolution:
    original: str
    interpreted: str
    resolved: tuple[str, ...]


def resolve(
    strategy: str,
    text: str,
    matches: Sequence[Match],
    closest: str | None,
    typed: str,
) -> Resolution | None:
    """Apply a strategy to what was found in ``text`` (matches: longest first; closest: typo)."""
    if matches:
        first = matches[0]
        if strategy == "TopResolution":
            return Resolution(first.typed, first.canonical, (first.canonical,))
        if strategy == "Concatenation":
            chosen: list[Match] = []
            for m in sorted(matches, key=lambda m: m.start):
                if not any(m.start < c.end and c.start < m.end for c in chosen):
                    chosen.append(m)
            if len(chosen) > 1:
                words = " ".join(m.typed for m in chosen)
                canon = tuple(dict.fromkeys(m.canonical for m in chosen))
                return Resolution(words, words, canon)
        return Resolution(first.typed, first.typed, (first.canonical,))
    if closest is not None and typed:
        if strategy == "TopResolution":
            return Resolution(typed, closest, (closest,))
        return Resolution(typed, typed, (closest,))
    return None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def regex_value(pattern: str, text: str) -> str | None:
    """The reply (or one word of it) that matches the slot type's regex as a whole, or None."""
    compiled = _compiled(pattern)
    stripped = text.strip().strip(".,!?")
    if compiled.fullmatch(stripped):
        return stripped
    for word in stripped.split():
        word = word.strip(".,!?\"'()")
        if word and compiled.fullmatch(word):
            return word
    return None


def regex_allows(pattern: str | None, value: str) -> bool:
    return pattern is None or _compiled(pattern).fullmatch(value) is not None
