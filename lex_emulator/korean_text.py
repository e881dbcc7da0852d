"""Small Korean text helpers for slot recognition: particles, copulas and syllable shapes.

Korean attaches particles (조사: 은/는/이/가/을/를/로/으로...) and the copula
(이에요/예요/입니다...) straight to the noun, so "라지로", "홍길동이에요" and "3판이요"
hold the values 라지, 홍길동 and 3.
These helpers decide whether the rest of a word after a candidate value is only such endings.
This is a rule list, not a morphological analyser: it covers what users type to a chatbot.
"""

from __future__ import annotations

from functools import lru_cache

_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3

# Case particles, auxiliary particles and conjunctive particles, plus the polite 요.
PARTICLES: frozenset[str] = frozenset(
    {
        "이", "가", "은", "는", "을", "를", "에", "에서", "에게", "한테", "께", "께서",
        "으로", "로", "와", "과", "랑", "이랑", "하고", "도", "만", "의", "요", "이요",
        "까지", "부터", "이나", "나", "이든", "든", "처럼", "보다", "이라도", "라도",
        "으로요", "로요", "만요", "도요", "은요", "는요", "이면", "면", "이면요", "면요",
    }
)  # fmt: skip

# Copula, quotative and short sentence endings that may follow a noun inside one word.
COPULAS: frozenset[str] = frozenset(
    {
        "이에요", "예요", "이어요", "여요", "입니다", "이야", "야", "이다", "다", "이고", "고",
        "이라고", "라고", "이라구", "라구", "이라고요", "라고요", "이요", "이죠", "죠", "이지요",
        "지요", "이지", "지", "이네요", "네요", "인데요", "인데", "이거든요", "거든요", "일게요",
        "이에여", "예여", "임", "이오", "이올시다", "입니당", "이에용", "예용", "이여", "여",
    }
)  # fmt: skip

_TAIL_PIECES: frozenset[str] = PARTICLES | COPULAS
_MAX_PIECE = max(len(p) for p in _TAIL_PIECES)


def is_hangul_syllable(char: str) -> bool:
    """Whether ``char`` is one precomposed Hangul syllable (가..힣)."""
    return len(char) == 1 and _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds at least one Hangul syllable."""
    return any(is_hangul_syllable(c) for c in text)


def has_final_consonant(char: str) -> bool:
    """Whether a Hangul syllable ends in a consonant (받침), e.g. 동 yes, 수 no."""
    if not is_hangul_syllable(char):
        return False
    return (ord(char) - _HANGUL_FIRST) % 28 != 0


@lru_cache(maxsize=4096)
def is_particle_tail(rest: str) -> bool:
    """Whether ``rest`` is empty or a chain of particles/copulas (e.g. "로", "이에요", "만요")."""
    if not rest:
        return True
    for size in range(min(_MAX_PIECE, len(rest)), 0, -1):
        if rest[:size] in _TAIL_PIECES and is_particle_tail(rest[size:]):
            return True
    return False


# Endings that may follow a *name*. Each needs the stem's last syllable to match: the forms
# starting with 이 follow a final consonant (홍길동이에요), the short forms a vowel (철수예요).
_NAME_ENDINGS_AFTER_CONSONANT: tuple[str, ...] = (
    "이라고요", "이라고", "이라구", "이에요", "이어요", "이야", "이요", "이고", "이죠", "이지요",
    "이예요", "이에여", "이에용", "이여", "이다", "이랍니다", "이래요", "이거든요", "인데요",
    "이",
)  # fmt: skip
_NAME_ENDINGS_AFTER_VOWEL: tuple[str, ...] = (
    "라고요", "라고", "라구", "예요", "여요", "야", "요", "고", "죠", "지요", "예여", "예용",
    "랍니다", "래요", "거든요", "인데요",
)  # fmt: skip
_NAME_ENDINGS_ANY: tuple[str, ...] = ("입니다", "입니당", "임", "님", "씨")


_LENIENT_MIN = 3


def _strip_one_name_ending(word: str) -> str:
    candidates: list[tuple[str, bool | None]] = [
        *((e, True) for e in _NAME_ENDINGS_AFTER_CONSONANT),
        *((e, False) for e in _NAME_ENDINGS_AFTER_VOWEL),
        *((e, None) for e in _NAME_ENDINGS_ANY),
    ]
    candidates.sort(key=lambda item: len(item[0]), reverse=True)
    for ending, needs_consonant in candidates:
        if not word.endswith(ending) or len(word) <= len(ending):
            continue
        stem = word[: -len(ending)]
        last = stem[-1]
        if needs_consonant is None or not is_hangul_syllable(last):
            return stem
        if has_final_consonant(last) == needs_consonant:
            return stem
        # A common misspelling puts the long consonant form after a vowel (철수이에요).
        if needs_consonant and len(ending) >= _LENIENT_MIN:
            return stem
    return word


def strip_name_endings(word: str) -> str:
    """Remove copulas, quotatives and honorifics after a name: 홍길동님이에요 → 홍길동.

    A bare trailing 이 is only removed after a final consonant (the familiar 길동이 → 길동),
    so names that end in a vowel plus 이, such as 영이, keep it only when written alone.
    """
    current = word
    for _ in range(3):
        stripped = _strip_one_name_ending(current)
        if stripped == current:
            break
        current = stripped
    return current


def to_jamo(text: str) -> str:
    """Hangul syllables spelled as their letters (미디엄 → ㅁㅣㄷㅣㅇㅓㅁ), for typo similarity.

    Two Hangul words that differ in one vowel differ in a whole syllable; compared letter by
    letter they are as close as two Latin words with one wrong letter.
    """
    out: list[str] = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588])
            out.append(_MEDIALS[(code % 588) // 28])
            if code % 28:
                out.append(_FINALS[code % 28])
        else:
            out.append(char)
    return "".join(out)


_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
