"""Numbers inside free text: digits, English number words, Korean native and Sino-Korean numerals.

``find_number("two pizzas please")`` → 2, ``find_number("세 판이요")`` → 3,
``find_number("3판")`` → 3, ``find_number("이십오 개")`` → 25. The first number in the text wins.

Korean needs care because numerals are also ordinary syllables: 네 is "four" and "yes",
이 is "two" and a particle, 사 starts 사과. So the attributive forms (한/두/세/네/스무/석)
count only when a counter follows (세 판, 네 개), and a single Sino-Korean syllable
(일/이/삼/사/오...) only when it is the whole reply or a Sino counter follows (삼 층, 오 번).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lex_emulator.korean_text import is_particle_tail

# ---------------------------------------------------------------------------------------------
# Shared


@dataclass(frozen=True)
class NumberMatch:
    """A number found in text: where it is, what was typed, and its canonical digits."""

    start: int
    end: int
    original: str
    value: str


_EDGE_PUNCT = "\"'`()[]{}<>,.!?~;:…·“”‘’「」『』"


def tokens_with_spans(text: str) -> list[tuple[int, int, str]]:
    """Whitespace tokens with edge punctuation removed, as (start, end, token)."""
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\S+", text):
        start, end = m.start(), m.end()
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
        if start < end:
            out.append((start, end, text[start:end]))
    return out


def _format(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# ---------------------------------------------------------------------------------------------
# English

_EN_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALES: dict[str, int] = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_NUMBER_WORDS = set(_EN_UNITS) | set(_EN_TENS) | set(_EN_SCALES) | {"hundred", "dozen"}


def _english_words(token: str) -> list[str]:
    return [w for w in token.lower().split("-") if w]


def _parse_english(words: list[str]) -> tuple[int, int] | None:
    """Parse number words at the start of ``words``; return (value, words consumed)."""
    total = 0
    current = 0
    consumed = 0
    last = ""  # kind of the last word taken: unit, teen, tens, hundred, scale
    seen = False
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in ("a", "an") and not seen and nxt in ({"hundred", "dozen"} | set(_EN_SCALES)):
            current = 1
            last = "unit"
        elif word == "and" and seen and last in ("hundred", "scale") and nxt in _EN_NUMBER_WORDS:
            pass
        elif word in _EN_UNITS:
            value = _EN_UNITS[word]
            if last in ("unit", "teen") or (last == "tens" and value >= 10):
                break
            current += value
            last = "teen" if value >= 10 else "unit"
            seen = True
        elif word in _EN_TENS:
            if last in ("unit", "teen", "tens"):
                break
            current += _EN_TENS[word]
            last = "tens"
            seen = True
        elif word == "hundred":
            if last == "hundred":
                break
            current = (current or 1) * 100
            last = "hundred"
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            last = "scale"
            seen = True
        elif word in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[word]
            current = 0
            last = "scale"
            seen = True
        else:
            break
        i += 1
        if seen:
            consumed = i
    if not seen:
        return None
    return total + current, consumed


# ---------------------------------------------------------------------------------------------
# Korean

_SINO_DIGITS: dict[str, int] = {
    "영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7,
    "팔": 8, "구": 9,
}  # fmt: skip
_SINO_SMALL_UNITS: dict[str, int] = {"십": 10, "백": 100, "천": 1000}
_SINO_BIG_UNITS: dict[str, int] = {"만": 10_000, "억": 100_000_000}

_NATIVE_TENS: dict[str, int] = {
    "열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70,
    "여든": 80, "아흔": 90,
}  # fmt: skip
_NATIVE_UNITS: dict[str, int] = {
    "하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "석": 3, "서": 3, "넷": 4, "네": 4,
    "넉": 4, "다섯": 5, "닷": 5, "여섯": 6, "엿": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
# Forms used only before a counter (세 판), never alone: 네 alone is "yes", 한 alone is "one of".
_ATTRIBUTIVE_ONLY = frozenset({"한", "두", "세", "석", "서", "네", "넉", "닷", "엿", "스무"})

# Counters (단위 명사). Native numerals take all of them; a lone Sino syllable only the Sino ones,
# so 사장 (boss) and 이번 (this time) are not read as 4 and 2.
NATIVE_COUNTERS: frozenset[str] = frozenset(
    {
        "개", "판", "명", "장", "잔", "병", "번", "시", "살", "마리", "권", "대", "벌", "켤레",
        "그릇", "송이", "캔", "통", "조각", "박스", "상자", "인분", "분", "사람", "곳", "군데",
        "가지", "채", "알", "줄", "칸", "시간", "달", "주", "주일", "번째", "째", "잔째", "팩",
        "봉지", "접시", "쌍", "컵", "장씩", "개씩", "명씩", "판씩",
    }
)  # fmt: skip
SINO_COUNTERS: frozenset[str] = frozenset(
    {
        "층", "호", "년", "월", "일", "분", "초", "원", "인분", "개월", "주", "주일", "번", "세",
        "회", "등", "학년", "킬로", "그램", "미터", "퍼센트", "달러", "위", "점", "박", "호실",
        "번지", "시간", "인", "명", "개",
    }
)  # fmt: skip
_SINO_SINGLE_BLOCKLIST = frozenset({"이번", "이분", "이주", "이점", "이위", "사위", "이일", "오일"})
_ALL_COUNTERS = NATIVE_COUNTERS | SINO_COUNTERS
_MAX_COUNTER = max(len(c) for c in _ALL_COUNTERS)


def parse_sino(text: str) -> int | None:
    """Parse a whole Sino-Korean numeral such as 이십삼 (23), 천오백 (1500), 삼만 (30000)."""
    if not text:
        return None
    total = 0
    section = 0
    digit: int | None = None
    for char in text:
        if char in _SINO_DIGITS:
            if digit is not None:
                return None
            digit = _SINO_DIGITS[char]
        elif char in _SINO_SMALL_UNITS:
            section += (1 if digit is None else digit) * _SINO_SMALL_UNITS[char]
            digit = None
        elif char in _SINO_BIG_UNITS:
            chunk = section + (digit or 0)
            total += (chunk or 1) * _SINO_BIG_UNITS[char]
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def parse_native(text: str) -> tuple[int, bool] | None:
    """Parse a whole native Korean numeral (스물다섯 → 25); also say if it needs a counter."""
    if not text:
        return None
    for tens_word, tens_value in _NATIVE_TENS.items():
        if text == tens_word:
            return tens_value, tens_word == "스무"
        if text.startswith(tens_word) and tens_word != "스무":
            rest = text[len(tens_word) :]
            if rest in _NATIVE_UNITS:
                return tens_value + _NATIVE_UNITS[rest], rest in _ATTRIBUTIVE_ONLY
    if text in _NATIVE_UNITS:
        return _NATIVE_UNITS[text], text in _ATTRIBUTIVE_ONLY
    return None


def _counter_then_tail(rest: str, counters: frozenset[str]) -> bool:
    """Whether ``rest`` is a counter followed only by particles (판이요, 개, 명으로)."""
    for size in range(min(_MAX_COUNTER, len(rest)), 0, -1):
        if rest[:size] in counters and is_particle_tail(rest[size:]):
            return True
    return False


_DIGITS_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_KO_MULTIPLIERS: dict[str, int] = {"만": 10_000, "천": 1000, "백": 100, "십": 10}


def _digits_value(token: str) -> tuple[Decimal, int] | None:
    """A leading digit number in ``token``, with Korean multipliers (3만 → 30000, 3만5천)."""
    m = _DIGITS_RE.match(token)
    if not m:
        return None
    value = Decimal(m.group(0).replace(",", ""))
    end = m.end()
    if end < len(token) and token[end] in _KO_MULTIPLIERS:
        factor = _KO_MULTIPLIERS[token[end]]
        value *= factor
        end += 1
        if factor == 10_000 and end < len(token) and token[end].isdigit():
            rest = _digits_value(token[end:])
            if rest is not None:
                value += rest[0]
                end += rest[1]
    return value, end


_SINGLE_SINO_TAILS = frozenset({"", "요", "이요", "이에요", "예요", "입니다", "이오"})


def _korean_token_number(token: str, next_token: str, whole_reply: bool) -> tuple[int, bool] | None:
    """A numeral at the start of a Korean token; bool is whether the next token was used."""
    for size in range(len(token), 0, -1):
        prefix, rest = token[:size], token[size:]
        native = parse_native(prefix)
        if native is not None:
            value, needs_counter = native
            if _counter_then_tail(rest, _ALL_COUNTERS):
                return value, False
            if is_particle_tail(rest):
                if not needs_counter:
                    return value, False
                if rest == "" and _counter_then_tail(next_token, _ALL_COUNTERS):
                    return value, True
        sino = parse_sino(prefix)
        if sino is not None:
            single = len(prefix) == 1
            if single and any(
                token.startswith(word) and is_particle_tail(token[len(word) :])
                for word in _SINO_SINGLE_BLOCKLIST
            ):
                continue  # 이번에 (this time), 이분께 (this person): words, not numbers
            counters = SINO_COUNTERS if single else _ALL_COUNTERS
            if _counter_then_tail(rest, counters):
                return sino, False
            # A lone syllable (사, 일, 이) is a numeral only bare or with a polite ending:
            # "사이다" (cider) is a word that merely starts with 사, not 4.
            if (
                is_particle_tail(rest)
                and (not single or whole_reply)
                and (not single or rest in _SINGLE_SINO_TAILS)
            ):
                return sino, False
            if single and rest == "" and _counter_then_tail(next_token, SINO_COUNTERS):
                return sino, True
    return None


# ---------------------------------------------------------------------------------------------
# Public


def find_number(text: str) -> NumberMatch | None:
    """The first number in ``text`` in digits, English words or Korean numerals, else None."""
    tokens = tokens_with_spans(text)
    whole_reply = len(tokens) == 1
    for index, (start, end, token) in enumerate(tokens):
        digits = _digits_value(token)
        if digits is not None:
            value, used = digits
            return NumberMatch(start, start + used, token[:used], _format(value))
        words: list[str] = []
        word_token_ends: list[int] = []
        for _s, e, t in tokens[index:]:
            parts = _english_words(t)
            words.extend(parts)
            word_token_ends.extend([e] * len(parts))
        parsed = _parse_english(words)
        if parsed is not None:
            value_int, consumed = parsed
            stop = word_token_ends[consumed - 1]
            return NumberMatch(start, stop, text[start:stop], str(value_int))
        next_token = tokens[index + 1][2] if index + 1 < len(tokens) else ""
        korean = _korean_token_number(token, next_token, whole_reply)
        if korean is not None:
            value_int, used_next = korean
            stop = tokens[index + 1][1] if used_next else end
            return NumberMatch(start, stop, text[start:stop], str(value_int))
    return None
