"""Slot value recognition for the local Lex V2 emulator.

Public surface (see docs/contracts.md, "Slots"):

* ``SlotTypeValue`` / ``SlotType``: a custom slot type from the template (values, synonyms and the
  ``ValueSelectionSetting.ResolutionStrategy``).
* ``SlotValue``: one recognised value; ``to_lex()`` gives Lex V2's ``Slot`` shape.
* ``extract_value``: the value in a reply to an elicitation prompt, bare or inside a sentence.
* ``fill_from_utterance``: the slots found in the utterance that triggered an intent.
* ``parse_confirmation``: Yes/No/None for a reply to a confirmation prompt.

Resolution strategies, following the Lex V2 guide ("Custom slot type", and
``SlotValueSelectionSetting.resolutionStrategy``):

* A reply that is a listed value or one of its synonyms resolves to that value under both
  strategies: interpretedValue is the canonical value and resolvedValues is ``[value]``
  ("라지로 할게요" → Large).
* ``TopResolution`` restricts the slot to the list. A reply that is only *similar* (a typo) is
  interpreted as the closest listed value; anything else is no value (the engine re-prompts).
* ``OriginalValue`` (the default: "expand values") accepts any reply. A similar reply keeps what the
  user typed as interpretedValue, with the closest listed value in resolvedValues; an unlisted one
  is taken as typed, with empty resolvedValues.

Built-in types: AMAZON.FirstName, AMAZON.Number, AMAZON.AlphaNumeric, AMAZON.Date (ISO
``YYYY-MM-DD``), AMAZON.Confirmation (Yes/No) and AMAZON.FreeFormInput (the whole reply). Any other
built-in name, or a custom type name given as a bare string, falls back to the trimmed reply as
typed. The emulator is a development tool: recognition is rule-based, not a trained model.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from lex_emulator.dates_text import find_date
from lex_emulator.korean_text import has_hangul, is_hangul_syllable, is_particle_tail, to_jamo
from lex_emulator.numbers_text import find_number, tokens_with_spans
from lex_emulator.slot_builtins import (
    alphanumeric,
    confirmation_value,
    first_name,
    recognise_more,
)
from lex_emulator.slot_builtins import parse_confirmation as _parse_confirmation
from lex_emulator.slot_resolvers import Match, regex_allows, regex_value, resolve

__all__ = [
    "ResolutionStrategy",
    "SlotType",
    "SlotTypeValue",
    "SlotValue",
    "extract_value",
    "fill_from_utterance",
    "parse_confirmation",
]

ResolutionStrategy = Literal["OriginalValue", "TopResolution", "Concatenation"]

FIRST_NAME = "AMAZON.FirstName"
NUMBER = "AMAZON.Number"
ALPHANUMERIC = "AMAZON.AlphaNumeric"
DATE = "AMAZON.Date"
CONFIRMATION = "AMAZON.Confirmation"
FREE_FORM = "AMAZON.FreeFormInput"


@dataclass(frozen=True)
class SlotTypeValue:
    """One value of a custom slot type and its synonyms."""

    value: str
    synonyms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "synonyms", tuple(self.synonyms))


@dataclass(frozen=True)
class SlotType:
    """A custom slot type: its values and how a reply is resolved against them."""

    name: str
    values: tuple[SlotTypeValue, ...] = ()
    resolution: ResolutionStrategy = "OriginalValue"
    regex: str | None = None  # ValueSelectionSetting.RegexFilter.Pattern
    multiple: bool = False  # the slot using it allows multiple values (MultipleValuesSetting)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        if self.resolution not in ("OriginalValue", "TopResolution", "Concatenation"):
            raise ValueError(
                f"slot type {self.name}: resolution must be OriginalValue, TopResolution or "
                f"Concatenation, not {self.resolution!r}"
            )

    @classmethod
    def from_def(cls, spec: Any) -> SlotType:
        """From ``bot_model.SlotTypeDef``."""
        return cls(
            spec.name,
            values=tuple(SlotTypeValue(v, tuple(syn)) for v, syn in spec.values),
            resolution=spec.resolution,
            regex=spec.regex,
        )


def for_slot(slot_type: str | SlotType, slot: Any) -> str | SlotType:
    """The slot type as one slot uses it (a multiple-value slot reads every value said)."""
    if getattr(slot, "multiple_values", False) and isinstance(slot_type, SlotType):
        return _multiple(slot_type)
    return slot_type


@lru_cache(maxsize=256)
def _multiple(slot_type: SlotType) -> SlotType:
    return SlotType(
        slot_type.name, slot_type.values, slot_type.resolution, slot_type.regex, multiple=True
    )


@dataclass(frozen=True)
class SlotValue:
    """A recognised slot value, in the terms of Lex V2's runtime ``Value`` shape."""

    original_value: str
    interpreted_value: str | None  # None: ambiguous (AMAZON.Time "10 o'clock")
    resolved_values: tuple[str, ...] = field(default=())
    values: tuple[SlotValue, ...] = ()  # a multiple-value slot: each value (shape List)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resolved_values", tuple(self.resolved_values))

    def _value(self) -> dict[str, Any]:
        return {
            "originalValue": self.original_value,
            "interpretedValue": self.interpreted_value,
            "resolvedValues": list(self.resolved_values),
        }

    def to_lex(self) -> dict[str, Any]:
        """Lex V2's ``Slot``: ``{"value": {originalValue, interpretedValue, resolvedValues}}``.

        A multiple-value slot adds ``values``, one Scalar slot per value (runtime ``Slot``:
        "values - A list of one or more values that the user provided for the slot").
        """
        out: dict[str, Any] = {"value": self._value()}
        if self.values:
            out["values"] = [{"shape": "Scalar", "value": v._value()} for v in self.values]
        return out


def parse_confirmation(text: str, locale_id: str) -> Literal["Yes", "No"] | None:
    """Yes, No or None for a reply to a confirmation prompt ("네 좋아요" → Yes, "nope" → No)."""
    answer = _parse_confirmation(text, locale_id)
    if answer == "Yes":
        return "Yes"
    if answer == "No":
        return "No"
    return None


# ---------------------------------------------------------------------------------------------
# Recognition with a quality score (how much of the given text the value explains, 0..1), used
# to choose between ways of splitting an utterance across a template's placeholders.


@dataclass(frozen=True)
class _Found:
    value: SlotValue
    quality: float


def _clean(text: str) -> str:
    return " ".join(t for _s, _e, t in tokens_with_spans(text))


def _coverage(part: str, whole: str) -> float:
    whole_len = len(_clean(whole).replace(" ", ""))
    if whole_len == 0:
        return 0.0
    return min(1.0, len(_clean(part).replace(" ", "")) / whole_len)


def _same(value: str) -> SlotValue:
    return SlotValue(value, value, (value,))


def _recognise_builtin(
    type_name: str, text: str, locale_id: str, today: date, in_utterance: bool = False
) -> _Found | None:
    stripped = text.strip()
    if not stripped:
        return None
    if type_name == NUMBER:
        number = find_number(stripped)
        if number is None:
            return None
        value = SlotValue(number.original, number.value, (number.value,))
        return _Found(value, _coverage(number.original, stripped))
    if type_name == DATE:
        found = find_date(stripped, today)
        if found is None:
            return None
        start, end, day = found
        original = stripped[start:end]
        iso = day.isoformat()
        return _Found(SlotValue(original, iso, (iso,)), _coverage(original, stripped))
    if type_name == CONFIRMATION:
        answer = confirmation_value(stripped)  # Yes, No, Maybe or Don't know
        if answer is None:
            return None
        return _Found(SlotValue(stripped, answer, (answer,)), 1.0)
    if type_name == FIRST_NAME:
        name = first_name(stripped)
        if name is None:
            return None
        original, interpreted = name
        return _Found(SlotValue(original, interpreted, (interpreted,)), 1.0)
    if type_name == ALPHANUMERIC:
        code = alphanumeric(stripped)
        if code is None:
            return None
        return _Found(_same(code[1]), 1.0)
    more = recognise_more(type_name, stripped, locale_id)
    if more is not None:
        if isinstance(more, bool):
            return None
        said, meant, resolved = more
        return _Found(SlotValue(said, meant, resolved), _coverage(said, stripped))
    if in_utterance and type_name != FREE_FORM:
        return None  # a type the emulator cannot read is never guessed from an utterance
    # AMAZON.FreeFormInput, unimplemented built-ins and unresolved custom type names: as typed.
    return _Found(_same(stripped), 0.9 if type_name == FREE_FORM else 0.6)


# Custom slot types --------------------------------------------------------------------------

# Words that may follow a Korean value inside the same word (라지사이즈로, 콜라맛).
_KO_VALUE_TAILS = ("사이즈", "크기", "짜리", "맛", "거", "것", "걸", "쪽", "으로", "로")
_REQUEST_WORDS = frozenset(
    {
        "할게요", "할께요", "할게", "주세요", "줘", "줘요", "해주세요", "해", "할래요", "할래",
        "부탁해요", "부탁합니다", "원해요", "좋아요", "please", "하나", "해요", "주문할게요",
        "먹을래요", "시킬게요", "하고", "싶어요", "주시겠어요", "로", "으로",
    }
)  # fmt: skip
_EN_REQUEST_LEAD = re.compile(
    r"^(?:(?:i\s+(?:want|would\s+like|'d\s+like|will\s+have|'ll\s+have|think)|i'd\s+like|"
    r"i'll\s+(?:have|take|go\s+with)|give\s+me|let's\s+(?:do|go\s+with)|make\s+it|"
    r"can\s+i\s+(?:get|have)|i\s+choose|i\s+pick)\s+)",
    re.IGNORECASE,
)
_KO_ORIGINAL_SUFFIXES = ("으로요", "로요", "이에요", "예요", "입니다", "이요", "요", "으로", "로")


def _korean_tail_ok(rest: str) -> bool:
    if is_particle_tail(rest):
        return True
    return any(rest.startswith(t) and is_particle_tail(rest[len(t) :]) for t in _KO_VALUE_TAILS)


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = phrase.split()
    if not words:
        return None
    body = r"\s*".join(re.escape(w) for w in words)
    last = phrase[-1]
    if is_hangul_syllable(last):
        tail = r"(?P<rest>[가-힣]*)"
    elif last.isalnum():
        tail = r"(?:e?s)?(?![^\W_])(?P<rest>)"
    else:
        tail = r"(?P<rest>)"
    head = r"(?<![^\W_])" if phrase[0].isalnum() else ""
    return re.compile(head + body + tail, re.IGNORECASE)


@lru_cache(maxsize=256)
def _type_patterns(slot_type: SlotType) -> tuple[tuple[re.Pattern[str], str], ...]:
    out: list[tuple[re.Pattern[str], str]] = []
    for entry in slot_type.values:
        for phrase in (entry.value, *entry.synonyms):
            pattern = _phrase_pattern(phrase.strip())
            if pattern is not None:
                out.append((pattern, entry.value))
    return tuple(out)


def _custom_matches(slot_type: SlotType, text: str) -> list[tuple[int, int, str, str]]:
    """Every listed value or synonym in ``text``: (start, end, canonical, as typed)."""
    found: list[tuple[int, int, str, str]] = []
    for pattern, canonical in _type_patterns(slot_type):
        for m in pattern.finditer(text):
            if not _korean_tail_ok(m.group("rest")):
                continue
            end = m.start("rest")
            found.append((m.start(), end, canonical, text[m.start() : end]))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    return found


def _as_typed(text: str) -> str:
    """An unlisted OriginalValue reply, without request words and trailing particles."""
    cleaned = _EN_REQUEST_LEAD.sub("", _clean(text))
    words = cleaned.split()
    while len(words) > 1 and words[-1].lower() in _REQUEST_WORDS:
        words.pop()
    if words and is_hangul_syllable(words[-1][-1]):
        last = words[-1]
        for suffix in _KO_ORIGINAL_SUFFIXES:
            if last.endswith(suffix) and len(last) - len(suffix) >= 2:
                words[-1] = last[: -len(suffix)]
                break
    return " ".join(words) or text.strip()


_FUZZY_MIN = 4


def _closest(slot_type: SlotType, text: str) -> str | None:
    """The listed value whose value or synonym is most similar to the whole reply (typos)."""
    phrases: dict[str, str] = {}
    for entry in slot_type.values:
        for phrase in (entry.value, *entry.synonyms):
            phrases.setdefault(phrase.lower(), entry.value)
    target = _as_typed(text).lower()
    if has_hangul(target):
        # Hangul is compared letter by letter (미디움 ~ 미디엄), between words of as many
        # syllables (a typo keeps the count; 라지오 "radio" is not 라지), two at least.
        if sum(1 for c in target if is_hangul_syllable(c)) < 2:
            return None
        spelled = {
            to_jamo(p): canonical
            for p, canonical in phrases.items()
            if has_hangul(p) and len(p) == len(target)
        }
        close = difflib.get_close_matches(to_jamo(target), list(spelled), n=1, cutoff=0.8)
        return spelled[close[0]] if close else None
    if len(target) < _FUZZY_MIN or not target.isascii():
        return None
    close = difflib.get_close_matches(target, list(phrases), n=1, cutoff=0.8)
    if not close:
        return None
    return phrases[close[0]]


def _recognise_custom(slot_type: SlotType, text: str) -> _Found | None:
    stripped = text.strip()
    if not stripped:
        return None
    if slot_type.regex is not None and not slot_type.values:
        value = regex_value(slot_type.regex, stripped)
        return None if value is None else _Found(_same(value), _coverage(value, stripped))
    matches = [Match(*m) for m in _custom_matches(slot_type, stripped)]
    if slot_type.regex is not None:
        matches = [m for m in matches if regex_allows(slot_type.regex, m.typed)]
    closest = None if matches else _closest(slot_type, stripped)
    typed = _as_typed(stripped)
    if closest is not None and not regex_allows(slot_type.regex, typed):
        closest = None
    if slot_type.multiple and len(matches) > 1:
        return _multiple_values(slot_type, stripped, matches)
    found = resolve(slot_type.resolution, stripped, matches, closest, typed)
    if found is None:
        return None
    quality = _coverage(found.original, stripped) if matches else 0.8
    return _Found(SlotValue(found.original, found.interpreted, found.resolved), quality)


def _multiple_values(slot_type: SlotType, text: str, matches: Sequence[Match]) -> _Found:
    """Several values in one reply ("pepperoni and mushrooms") for a multiple-value slot.

    Developer guide, "Using multiple values in a slot": the slot's ``value`` holds the values as
    the user said them and ``values`` holds each one. *How Lex joins them in ``value`` is shown only
    by example ("ham and cheese"); the emulator keeps the user's words from the first value to the
    last.*
    """
    chosen: list[Match] = []
    for m in sorted(matches, key=lambda m: m.start):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    parts = []
    for m in chosen:
        single = resolve(slot_type.resolution, m.typed, [m], None, m.typed)
        assert single is not None
        parts.append(SlotValue(single.original, single.interpreted, single.resolved))
    said = text[chosen[0].start : chosen[-1].end]
    whole = SlotValue(said, said, tuple(dict.fromkeys(r for p in parts for r in p.resolved_values)))
    return _Found(
        SlotValue(
            whole.original_value, whole.interpreted_value, whole.resolved_values, tuple(parts)
        ),
        _coverage(said, text),
    )


def _recognise(
    slot_type: str | SlotType, text: str, locale_id: str, today: date, in_utterance: bool = False
) -> _Found | None:
    if isinstance(slot_type, SlotType):
        return _recognise_custom(slot_type, text)
    return _recognise_builtin(slot_type, text, locale_id, today, in_utterance)


def extract_value(
    slot_type: str | SlotType, text: str, locale_id: str, *, today: date
) -> SlotValue | None:
    """The slot value in a reply to an elicitation prompt, or None (the engine re-prompts).

    ``slot_type`` is a built-in name such as ``"AMAZON.Number"`` or a custom ``SlotType``.
    ``today`` anchors relative dates ("내일", "next Friday").
    """
    found = _recognise(slot_type, text, locale_id, today)
    return None if found is None else found.value


# ---------------------------------------------------------------------------------------------
# Filling slots from the utterance that triggered the intent

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z0-9_]+)\}")
_KO_SWAPPABLE = "은는이가을를"
_MAX_CANDIDATES = 60
_MAX_PARSES = 400
_MAX_SLOT_CHARS = 80  # a value in the middle of an utterance is never longer than this
_MAX_RECOGNISE_CALLS = 600
_MAX_LOOSE_STARTS = 5


@dataclass(frozen=True)
class _Literal:
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Slot:
    name: str


_Segment = _Literal | _Slot


def _punct_to_space(text: str) -> str:
    """Replace punctuation by spaces, keeping every index, so spans map back to the text."""
    return "".join(
        " " if (not ch.isalnum() and not ch.isspace() and ch not in "'’-") else ch for ch in text
    )


def _token_pattern(token: str) -> str:
    if len(token) > 1 and is_hangul_syllable(token[0]) and token[-1] in _KO_SWAPPABLE:
        body = re.escape(token[:-1]) + f"[{_KO_SWAPPABLE}]"
    else:
        body = re.escape(token)
    if token[-1].isascii() and token[-1].isalnum():
        body += r"(?![A-Za-z0-9])"
    return body


def _literal_pattern(literal: str) -> re.Pattern[str] | None:
    tokens = _punct_to_space(literal).split()
    if not tokens:
        return None
    head = r"(?<![^\W_])" if tokens[0][0].isalnum() else ""
    body = r"\s*".join(_token_pattern(t) for t in tokens)
    return re.compile(r"\s*" + head + body + r"\s*", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _parse_template(template: str) -> tuple[_Segment, ...]:
    """Compiled once per sample utterance: recompiling every turn overflowed ``re``'s own cache."""
    segments: list[_Segment] = []
    position = 0
    for m in _PLACEHOLDER_RE.finditer(template):
        pattern = _literal_pattern(template[position : m.start()])
        if pattern is not None:
            segments.append(_Literal(pattern))
        segments.append(_Slot(m.group(1)))
        position = m.end()
    pattern = _literal_pattern(template[position:])
    if pattern is not None:
        segments.append(_Literal(pattern))
    return tuple(segments)


@dataclass
class _Parse:
    values: dict[str, _Found]
    spans: dict[str, tuple[int, int]]


class _TemplateMatcher:
    """Backtracking match of one template's segments against a text (with validated slots)."""

    def __init__(
        self,
        segments: Sequence[_Segment],
        text: str,
        slot_types: dict[str, str | SlotType],
        locale_id: str,
        today: date,
        *,
        loose: bool = False,
    ) -> None:
        self.segments = segments
        self.loose = loose
        self.text = text
        self.slot_types = slot_types
        self.locale_id = locale_id
        self.today = today
        self.results: list[_Parse] = []
        self.steps = 0
        self._cache: dict[tuple[str, int, int], _Found | None] = {}

    def _value(self, name: str, start: int, end: int) -> _Found | None:
        key = (name, start, end)
        if key not in self._cache:
            if len(self._cache) >= _MAX_RECOGNISE_CALLS:
                return None
            span = self.text[start:end]
            self._cache[key] = _recognise(
                self.slot_types[name], span, self.locale_id, self.today, in_utterance=True
            )
        return self._cache[key]

    def _slot_ends(self, index: int, start: int) -> Iterable[int]:
        text = self.text
        following = self.segments[index + 1] if index + 1 < len(self.segments) else None
        if following is None:
            yield len(text)
            if self.loose:
                # words after the value may be anything: "my name is bob and I like pizza"
                last = min(len(text) - 1, start + _MAX_SLOT_CHARS)
                yield from (i for i in range(last, start, -1) if text[i].isspace())
            return
        count = 0
        for end in range(start + 1, min(len(text), start + _MAX_SLOT_CHARS) + 1):
            if not text[start:end].strip():
                continue
            if isinstance(following, _Literal):
                ok = following.pattern.match(text, end) is not None
            else:
                ok = end == len(text) or text[end].isspace()
            if ok:
                count += 1
                yield end
                if count >= _MAX_CANDIDATES:
                    return

    def run(self, index: int, position: int, parse: _Parse) -> None:
        self.steps += 1
        if len(self.results) >= _MAX_PARSES or self.steps > 20 * _MAX_PARSES:
            return
        if index == len(self.segments):
            if self.loose or not self.text[position:].strip():
                self.results.append(_Parse(dict(parse.values), dict(parse.spans)))
            return
        segment = self.segments[index]
        if isinstance(segment, _Literal):
            m = segment.pattern.match(self.text, position)
            if m is not None:
                self.run(index + 1, m.end(), parse)
            return
        if segment.name not in self.slot_types or segment.name in parse.values:
            return
        for end in self._slot_ends(index, position):
            found = self._value(segment.name, position, end)
            if found is None:
                continue
            parse.values[segment.name] = found
            parse.spans[segment.name] = (position, end)
            self.run(index + 1, end, parse)
            del parse.values[segment.name]
            del parse.spans[segment.name]


def _score(parse: _Parse, strict: bool) -> tuple[int, int, float]:
    quality = sum(found.quality for found in parse.values.values())
    return (len(parse.values), 1 if strict else 0, quality)


@lru_cache(maxsize=8192)
def _shape_pattern(segments: tuple[_Segment, ...]) -> re.Pattern[str]:
    parts = [s.pattern.pattern if isinstance(s, _Literal) else r"(?:.+?)" for s in segments]
    return re.compile("".join(parts) + r"\s*", re.IGNORECASE | re.DOTALL)


def _template_parses(
    template: str,
    text: str,
    slot_types: dict[str, str | SlotType],
    locale_id: str,
    today: date,
) -> list[tuple[tuple[int, int, float], _Parse]]:
    if "{" not in template:
        return []  # no placeholder: nothing to fill (and nothing worth compiling)
    segments = _parse_template(template)
    if not any(isinstance(s, _Slot) for s in segments):
        return []
    out: list[tuple[tuple[int, int, float], _Parse]] = []
    # Strict: the whole text follows the template. A plain regex rules most templates out cheaply.
    if _shape_pattern(segments).fullmatch(text):
        strict = _TemplateMatcher(segments, text, slot_types, locale_id, today)
        strict.run(0, 0, _Parse({}, {}))
        out.extend((_score(p, True), p) for p in strict.results)
        if out:
            return out
    # Loose: the template may start anywhere, and words after its last placeholder may differ
    # (Korean copulas: "{FirstName} 이에요" vs "홍길동입니다"); the slot recogniser sorts them out.
    loose_segments = list(segments)
    if isinstance(loose_segments[-1], _Literal):
        loose_segments.pop()
    first = loose_segments[0]
    starts: Sequence[int]
    if isinstance(first, _Literal):
        starts = [m.start() for m in first.pattern.finditer(text)][:_MAX_LOOSE_STARTS]
    else:
        starts = [0]
    for start in starts:
        loose = _TemplateMatcher(loose_segments, text, slot_types, locale_id, today, loose=True)
        loose.run(0, start, _Parse({}, {}))
        out.extend((_score(p, False), p) for p in loose.results)
    return out


def fill_from_utterance(
    templates: list[str],
    text: str,
    slot_types: dict[str, str | SlotType],
    locale_id: str,
    *,
    today: date,
) -> dict[str, SlotValue]:
    """Slot values in the utterance that triggered an intent, keyed by slot name.

    The intent's sample utterances with ``{SlotName}`` placeholders are matched against the text,
    tolerating case, punctuation, spacing and Korean particles; each placeholder's text must hold a
    valid value of its slot type. Values of custom slot types are also found anywhere in the text.
    Returns ``{}`` when nothing is found; values are never invented.
    """
    work = _punct_to_space(text)
    best: tuple[tuple[int, int, float], _Parse] | None = None
    for template in templates:
        for score, parse in _template_parses(template, work, slot_types, locale_id, today):
            if best is None or score > best[0]:
                best = (score, parse)
    values: dict[str, SlotValue] = {}
    used: list[tuple[int, int]] = []
    if best is not None:
        for name, found in best[1].values.items():
            values[name] = found.value
            used.append(best[1].spans[name])
    _fill_custom_anywhere(work, slot_types, values, used, templates)
    return values


def _literal_words(templates: list[str]) -> frozenset[str]:
    words: set[str] = set()
    for template in templates:
        words.update(w.lower() for w in _punct_to_space(_PLACEHOLDER_RE.sub(" ", template)).split())
    return frozenset(words)


def _fill_custom_anywhere(
    text: str,
    slot_types: dict[str, str | SlotType],
    values: dict[str, SlotValue],
    used: list[tuple[int, int]],
    templates: list[str],
) -> None:
    """Custom-type values mentioned outside any template ("라지로 주세요" for a Size slot).

    Words that are the sample utterances' own literal text ("a {Size} pizza please": a, pizza,
    please) never become values: the user said them as part of the utterance, not as a value.
    """
    type_users: dict[str, int] = {}
    for slot_type in slot_types.values():
        if isinstance(slot_type, SlotType):
            type_users[slot_type.name] = type_users.get(slot_type.name, 0) + 1
    literal = _literal_words(templates)
    for name, slot_type in slot_types.items():
        if name in values or not isinstance(slot_type, SlotType):
            continue
        if type_users[slot_type.name] > 1:
            continue  # two slots of one type: only a template can tell them apart
        free = [
            Match(start, end, canonical, typed)
            for start, end, canonical, typed in _custom_matches(slot_type, text)
            if not any(start < u_end and u_start < end for u_start, u_end in used)
            and not all(w.lower() in literal for w in typed.split())
            and regex_allows(slot_type.regex, typed)
        ]
        if not free:
            continue
        if slot_type.multiple and len(free) > 1:
            found = _multiple_values(slot_type, text, free).value
        else:
            resolution = resolve(slot_type.resolution, text, free[:1], None, free[0].typed)
            assert resolution is not None
            found = SlotValue(resolution.original, resolution.interpreted, resolution.resolved)
        values[name] = found
        used.append((free[0].start, free[0].end))
