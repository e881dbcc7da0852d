"""Recognisers for the built-in slot types that are not numbers or dates.

Each takes the user's reply and returns ``(original, interpreted)`` or None when the reply holds no
usable value, so the dialog engine re-prompts as Lex does.
"""

from __future__ import annotations

import re

from lex_emulator.korean_text import has_hangul, is_hangul_syllable, strip_name_endings
from lex_emulator.numbers_text import tokens_with_spans

# ---------------------------------------------------------------------------------------------
# AMAZON.Confirmation

_EN_YES = frozenset(
    {
        "yes", "yeah", "yea", "yep", "yup", "ya", "yas", "sure", "ok", "okay", "okey", "k", "kk",
        "correct", "right", "affirmative", "absolutely", "definitely", "certainly", "y", "aye",
        "alright", "confirm", "confirmed", "indeed", "fine", "agreed", "exactly", "yess",
    }
)  # fmt: skip
_EN_NO = frozenset(
    {
        "no", "nope", "nah", "n", "cancel", "negative", "never", "stop", "wrong", "incorrect",
        "nay", "abort",
    }
)  # fmt: skip
_EN_NEGATORS = frozenset({"not", "don't", "dont", "do not", "didn't", "isn't", "doesn't"})
_EN_YES_PHRASES = ("of course", "go ahead", "sounds good", "that's right", "do it", "no problem")
_EN_UNSURE_PHRASES = ("not sure", "no idea", "don't know", "dont know", "not certain")

_KO_YES = frozenset(
    {
        "네", "넵", "넹", "네네", "네에", "예", "옙", "예예", "응", "웅", "응응", "어", "엉",
        "ㅇㅇ", "ㅇㅋ", "오케이", "콜", "예스", "그럼", "그럼요", "확인", "동의", "맞음", "ㅇ",
        "넴", "주세요", "할게요", "할께요", "해요",
    }
)  # fmt: skip
_KO_YES_PREFIXES = (
    "좋아", "좋습", "좋지", "좋죠", "좋네", "맞아", "맞습", "맞죠", "맞네", "그래", "그렇습",
    "그렇죠", "물론", "당연", "부탁", "진행해", "해줘", "해주세요", "해 주세요", "알겠",
)  # fmt: skip
_KO_NO = frozenset(
    {"노", "ㄴㄴ", "ㄴ", "놉", "별로", "그만", "싫음", "아님", "마", "마세요", "마요", "말아요"}
)
_KO_NO_PREFIXES = (
    "아뇨", "아냐", "아닙", "싫", "취소", "됐어", "됐습", "안돼", "안되", "틀려", "틀렸",
    "틀립", "거절", "하지마", "하지 마",
)  # fmt: skip
_KO_NEGATORS = frozenset({"안", "못"})
_KO_ANI_RE = re.compile(r"^아니(?:요|오|야|에요|어요|거든요?|라고요?|라니까요?|지요?|죠|고요?)?$")
_TRAILING_NOISE = re.compile(r"[ㅋㅎㅠㅜ~^]+$")


def _korean_token_answer(token: str) -> str | None:
    word = _TRAILING_NOISE.sub("", token) or token
    if word in _KO_YES:
        return "Yes"
    if word in _KO_NO or _KO_ANI_RE.match(word):
        return "No"
    if word.startswith(_KO_NO_PREFIXES):
        return "No"
    if word.startswith(_KO_YES_PREFIXES):
        return "Yes"
    return None


def parse_confirmation(text: str, locale_id: str = "") -> str | None:
    """Yes, No or None for a reply to a confirmation prompt, in English or Korean.

    The first decisive word wins ("아니요 괜찮아요" → No, "네 좋아요" → Yes). A negator before a
    yes-word flips it ("not really ok", "안 좋아요" → No), and "not sure"/"don't know" is neither.
    Both languages are read whatever ``locale_id`` says, since users mix them.
    """
    del locale_id  # both lexicons apply in every locale
    low = " ".join(text.lower().split())
    for phrase in _EN_UNSURE_PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            return None
    tokens = [t for _s, _e, t in tokens_with_spans(low)]
    for index, token in enumerate(tokens):
        rest = " ".join(tokens[index:])
        if any(rest.startswith(phrase) for phrase in _EN_YES_PHRASES):
            return "Yes"
        if token in _EN_NEGATORS or token in _KO_NEGATORS:
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if following in _EN_YES or _korean_token_answer(following) == "Yes":
                return "No"
            if token in _EN_NEGATORS or (following and has_hangul(following)):
                return "No"  # "don't", "안 돼요", "못 해요"
            continue
        if token in _EN_YES:
            return "Yes"
        if token in _EN_NO:
            return "No"
        if has_hangul(token) or token.startswith("ㅇ") or token.startswith("ㄴ"):
            answer = _korean_token_answer(token)
            if answer is not None:
                return answer
    return None


# ---------------------------------------------------------------------------------------------
# AMAZON.FirstName

_KO_LEADS = (
    "안녕하세요", "안녕", "반갑습니다", "반가워요", "저의 이름은", "제 이름은", "내 이름은",
    "나의 이름은", "제 이름", "내 이름", "이름은", "이름이", "저는요", "저는", "나는", "난", "전",
    "제가", "내가", "저", "나",
)  # fmt: skip
_KO_TRAILING_WORDS = frozenset(
    {
        "해요", "합니다", "해", "하고요", "하는데요", "불러", "불러요", "불러주세요", "불러줘",
        "불러 주세요", "주세요", "이에요", "예요", "입니다", "이야", "야", "요", "이요", "라고",
        "이라고", "부르세요", "부르면", "돼요", "됩니다", "이고", "하고", "해요.", "그래요",
        "에요", "임", "인데", "인데요",
    }
)  # fmt: skip
_KO_NOT_NAMES = frozenset(
    {
        "네", "예", "응", "아니", "아니요", "아니오", "아뇨", "몰라", "몰라요", "모르겠어요",
        "모르겠습니다", "싫어", "싫어요", "비밀", "비밀이에요", "왜", "왜요", "뭐", "뭐요", "누구",
        "안녕", "안녕하세요", "이름", "없어", "없어요", "글쎄", "글쎄요", "그냥", "취소", "됐어",
        "됐어요", "나중에", "오늘", "내일", "어제", "저", "나", "제", "내", "너", "당신", "그",
        "이", "무엇", "뭔데", "알려", "말", "안", "못", "좋아요", "좋아", "감사합니다", "고마워요",
        "네네", "그래요", "하이", "헬로", "학생", "회사원", "직장인", "개발자", "선생님", "사람",
        "한국인", "한국사람", "남자", "여자", "고객", "손님", "사용자", "주부", "대학생",
        "괜찮아요",
    }
)  # fmt: skip
_KO_NOT_NAME_PREFIXES = (
    "싫",
    "몰라",
    "모르",
    "비밀",
    "왜",
    "뭐",
    "알려",
    "말하기",
    "말 안",
    "글쎄",
)
_MAX_KOREAN_NAME = 5
_KO_NON_NAME_PARTICLES = (
    "에서", "에게", "한테", "까지", "부터", "으로", "에", "를", "을", "도", "만", "로", "의",
)  # fmt: skip
# Common surnames that people sometimes write apart from the given name ("김 철수"). Surnames that
# are also everyday words (이, 나, 제, 전, 주...) are left out on purpose.
_KO_SURNAMES = frozenset(
    {
        "김", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황",
        "안", "송", "류", "유", "홍", "고", "문", "양", "손", "배", "백", "허", "남", "심", "노",
        "하", "곽", "성", "차", "민", "진", "지", "엄", "변", "채", "천", "방", "현", "함", "염",
        "추", "석", "선", "설", "길", "연", "위", "표", "왕", "금", "옥", "육", "맹", "탁", "국",
        "남궁", "황보", "제갈", "선우", "독고", "서문",
    }
)  # fmt: skip
_KO_LEAD_ENDINGS_RE = re.compile(r"^(?:제|내|저의|나의)\s*이름[은이]?\s*")

_EN_LEAD_RE = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|well|ok|okay|oh|so|um|uh)[\s,!.]+)*"
    r"(?:(?:my|the)\s+(?:first\s+)?name\s+(?:is|'s)|my\s+name's|name's|names|(?:first\s+)?name:|"
    r"i'm\s+called|i\s+am\s+called|i\s+am|i'm|im|you\s+can\s+call\s+me|people\s+call\s+me|"
    r"they\s+call\s+me|call\s+me|it's|it\s+is|its|this\s+is|i\s+go\s+by|just)\s+(.+)$",
    re.IGNORECASE,
)
_EN_TRAILING_RE = re.compile(r"\s+(?:is\s+my\s+name|here|speaking)\s*$", re.IGNORECASE)
_EN_NOT_NAMES = frozenset(
    {
        "i", "me", "my", "you", "your", "we", "they", "he", "she", "it", "a", "an", "the", "yes",
        "no", "nope", "yeah", "ok", "okay", "hi", "hello", "hey", "what", "why", "who", "how",
        "where", "when", "which", "don't", "dont", "not", "nothing", "none", "nobody", "skip",
        "cancel", "stop", "idk", "dunno", "secret", "sure", "thanks", "thank", "please", "is",
        "am", "are", "was", "do", "does", "can", "will", "would", "should", "could", "that",
        "this", "there", "here", "name", "just", "so", "well", "um", "uh", "help", "and", "or",
        "but", "if", "of", "to", "for", "in", "on", "at", "good", "fine", "great", "bye",
        "goodbye", "tell", "want", "know", "anonymous", "unknown", "whatever", "maybe",
    }
)  # fmt: skip
_NAME_CHARS_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-](?=[^\W\d_]))*\.?$")
_MAX_BARE_WORDS = 3


def _capitalise(name: str) -> str:
    """john → John, MARY-JANE → Mary-Jane, o'brien → O'Brien; mixed case is kept (McDonald)."""
    if not (name.islower() or name.isupper()):
        return name
    parts = re.split(r"([\-'’])", name.lower())
    out: list[str] = []
    for index, part in enumerate(parts):
        is_prefix_apostrophe = index >= 2 and parts[index - 1] in "'’" and len(parts[index - 2]) > 1
        out.append(part if is_prefix_apostrophe else part[:1].upper() + part[1:])
    return "".join(out)


def _english_first_name(text: str) -> tuple[str, str] | None:
    cleaned = " ".join(text.strip().split())
    cleaned = _EN_TRAILING_RE.sub("", cleaned)
    lead = _EN_LEAD_RE.match(cleaned)
    rest = lead.group(1) if lead else cleaned
    words = [t for _s, _e, t in tokens_with_spans(rest)]
    words = [w for w in words if w.lower() not in ("please", "thanks", "thank", "you")]
    if not words:
        return None
    if lead is None and len(words) > _MAX_BARE_WORDS:
        return None
    name = words[0]
    if name.lower() in _EN_NOT_NAMES or not _NAME_CHARS_RE.match(name):
        return None
    name = name.rstrip(".")
    return name, _capitalise(name)


def _strip_korean_lead(text: str) -> tuple[str, bool]:
    current = text
    found = False
    changed = True
    while changed:
        changed = False
        m = _KO_LEAD_ENDINGS_RE.match(current)
        if m and m.end() > 0:
            current = current[m.end() :].lstrip(" ,")
            found = changed = True
            continue
        for lead in _KO_LEADS:
            if current.startswith(lead + " ") or current.startswith(lead + ","):
                current = current[len(lead) :].lstrip(" ,")
                found = changed = True
                break
    return current, found


def _korean_first_name(text: str) -> tuple[str, str] | None:
    cleaned = " ".join(t for _s, _e, t in tokens_with_spans(text))
    rest, had_lead = _strip_korean_lead(cleaned)
    words = rest.split()
    if not words:
        return None
    first, trailing = words[0], words[1:]
    if first in _KO_SURNAMES and trailing and len(strip_name_endings(trailing[0])) <= 2:
        first, trailing = first + trailing[0], trailing[1:]  # "김 철수예요" → 김철수
    name = strip_name_endings(first)
    ended_in_copula = name != first
    # A bare reply may be a name plus a copula word ("홍길동 입니다"), nothing else.
    if not had_lead and not ended_in_copula and any(w not in _KO_TRAILING_WORDS for w in trailing):
        return None
    if first in _KO_NOT_NAMES or name in _KO_NOT_NAMES or name.startswith(_KO_NOT_NAME_PREFIXES):
        return None
    if any(name.endswith(p) and len(name) - len(p) >= 2 for p in _KO_NON_NAME_PARTICLES):
        return None  # 서울에, 학교를: a place or an object, not a name
    hangul = sum(1 for c in name if is_hangul_syllable(c))
    if hangul == 0 and _NAME_CHARS_RE.match(name):
        return name, _capitalise(name)
    if hangul == 0 or hangul != len(name) or hangul > _MAX_KOREAN_NAME:
        return None
    return name, name


def first_name(text: str) -> tuple[str, str] | None:
    """(original, interpreted) first name in a reply, or None if it does not look like a name."""
    if text.strip().endswith("?"):
        return None  # a question back ("why?", "왜요?") is not a name
    if has_hangul(text):
        return _korean_first_name(text)
    return _english_first_name(text)


# ---------------------------------------------------------------------------------------------
# AMAZON.AlphaNumeric

_ALNUM_TOKEN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
_ALNUM_SUFFIX_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9\-]*?)([가-힣]+)$")


def alphanumeric(text: str) -> tuple[str, str] | None:
    """A letters-and-digits code: the token with a digit, else a lone token ("ABC123", "A1-B2")."""
    tokens = [t for _s, _e, t in tokens_with_spans(text)]
    candidates: list[str] = []
    for token in tokens:
        m = _ALNUM_SUFFIX_RE.match(token)  # "ABC123이요" → ABC123
        word = m.group(1) if m else token
        if _ALNUM_TOKEN_RE.match(word):
            candidates.append(word)
    with_digit = [c for c in candidates if any(ch.isdigit() for ch in c)]
    if with_digit:
        return with_digit[-1], with_digit[-1]
    if len(tokens) == 1 and candidates:
        return candidates[0], candidates[0]
    return None


# ---------------------------------------------------------------------------------------------
# More built-in types: AMAZON.Confirmation's four values, EmailAddress, PhoneNumber, Time,
# LastName, City, Country. ``recognise_more`` returns (original, interpreted, resolvedValues),
# False when the type is implemented but the reply holds no value, None for other types.

CONFIRMATION_VALUES = ("Yes", "No", "Maybe", "Don't know")
_EN_MAYBE = ("maybe", "perhaps", "possibly", "it's possible", "sometimes", "i might",
             "that could be right", "could be", "probably")  # fmt: skip
_EN_DONT_KNOW = ("dunno", "unknown", "no idea", "not sure", "who knows", "don't know",
                 "dont know", "i don't know", "idk", "no clue")  # fmt: skip
_KO_MAYBE = ("아마", "아마도", "글쎄", "그럴지도", "그럴 수도", "어쩌면", "혹시")
_KO_DONT_KNOW = ("몰라", "모르겠", "모름", "잘 모르", "글쎄요 모르")


def confirmation_value(text: str) -> str | None:
    """AMAZON.Confirmation: "converts it one of the four values" Yes, No, Maybe, Don't know."""
    low = " ".join(text.lower().split())
    if any(re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", low) for p in _EN_DONT_KNOW) or any(
        p in low for p in _KO_DONT_KNOW
    ):
        return "Don't know"
    if any(re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", low) for p in _EN_MAYBE) or any(
        low.startswith(p) for p in _KO_MAYBE
    ):
        return "Maybe"
    return parse_confirmation(text)


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_EN_SPOKEN_EMAIL = (
    (re.compile(r"\s+at\s+", re.IGNORECASE), "@"),
    (re.compile(r"\s+dot\s+", re.IGNORECASE), "."),
)
_PHONE_RE = re.compile(r"(?<![\d+])(\+?\d[\d\s\-().]{5,}\d)(?!\d)")
_TIME_DIGITS_RE = re.compile(
    r"(?<!\d)(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'clock|oclock)?(?![\d:])", re.IGNORECASE
)
_KO_TIME_RE = re.compile(
    r"(오전|오후|아침|저녁|밤|새벽|낮)?\s*(\d{1,2}|[한두세네]|다섯|여섯|일곱|여덟|아홉|열|열한|열두)\s*시"
    r"(?:\s*(\d{1,2}|반)\s*분?)?"
)
_KO_HOURS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
             "아홉": 9, "열": 10, "열한": 11, "열두": 12}  # fmt: skip
_EN_PERIODS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
               "tonight": "NI"}  # fmt: skip
_KO_PERIODS = {"아침": "MO", "오전": "MO", "오후": "AF", "저녁": "EV", "밤": "NI"}
_EN_SPECIAL_TIMES = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_KO_SPECIAL_TIMES = {"정오": "12:00", "자정": "00:00"}


def _time(text: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    """AMAZON.Time (developer guide): exact times as HH:MM; "10 o'clock" is ambiguous, so
    interpretedValue is null and resolvedValues is ["10:00", "22:00"]; "morning" is MO."""
    low = text.lower()
    for word, value in _EN_SPECIAL_TIMES.items():
        if re.search(rf"(?<!\w){word}(?!\w)", low):
            return word, value, (value,)
    for word, value in _KO_SPECIAL_TIMES.items():
        if re.search(rf"(?<![가-힣]){word}", text):
            return word, value, (value,)
    m = _KO_TIME_RE.search(text)
    if m:
        period, hour_text, minute_text = m.group(1), m.group(2), m.group(3)
        hour = int(hour_text) if hour_text.isdigit() else _KO_HOURS.get(hour_text, -1)
        minute = 30 if minute_text == "반" else int(minute_text or 0)
        if 0 <= hour <= 24 and 0 <= minute < 60:
            return _clock(m.group(0).strip(), hour, minute, _ko_meridiem(period))
    m = _TIME_DIGITS_RE.search(text)
    if m and (m.group(2) or m.group(3)):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        suffix = (m.group(3) or "").lower().replace(".", "")
        meridiem = "am" if suffix == "am" else "pm" if suffix == "pm" else None
        if 0 <= hour <= 24 and 0 <= minute < 60:
            if meridiem is None and m.group(2) and (hour == 0 or hour > 12):
                meridiem = "24h"
            return _clock(m.group(0).strip(), hour, minute, meridiem)
    for word, code in _EN_PERIODS.items():
        if re.search(rf"(?<!\w){word}(?!\w)", low):
            return word, code, (code,)
    for word, code in _KO_PERIODS.items():  # a particle may follow: 저녁에요
        if re.search(rf"(?<![가-힣]){word}", text):
            return word, code, (code,)
    return None


def _ko_meridiem(period: str | None) -> str | None:
    if period in ("오전", "아침", "새벽"):
        return "am"
    if period in ("오후", "저녁", "밤", "낮"):
        return "pm"
    return None


def _clock(
    original: str, hour: int, minute: int, meridiem: str | None
) -> tuple[str, str | None, tuple[str, ...]]:
    if meridiem == "24h" or hour > 12:
        value = f"{hour % 24:02d}:{minute:02d}"
        return original, value, (value,)
    if meridiem == "am":
        value = f"{hour % 12:02d}:{minute:02d}"
        return original, value, (value,)
    if meridiem == "pm":
        value = f"{hour % 12 + 12:02d}:{minute:02d}"
        return original, value, (value,)
    am, pm = f"{hour % 12:02d}:{minute:02d}", f"{hour % 12 + 12:02d}:{minute:02d}"
    return original, None, (am, pm)  # ambiguous, as the guide's "10 o'clock"


def _email(text: str) -> tuple[str, str, tuple[str, ...]] | None:
    spoken = text
    for pattern, repl in _EN_SPOKEN_EMAIL:
        spoken = pattern.sub(repl, spoken)
    m = _EMAIL_RE.search(text) or _EMAIL_RE.search(spoken)
    if not m:
        return None
    value = m.group(0)
    return value, value.lower(), (value.lower(),)


def _phone(text: str) -> tuple[str, str, tuple[str, ...]] | None:
    m = _PHONE_RE.search(text)
    if not m:
        return None
    digits = re.sub(r"[^\d+]", "", m.group(1))
    if len(digits.lstrip("+")) < 7 or len(digits.lstrip("+")) > 15:
        return None
    return m.group(1).strip(), digits, (digits,)


# A small gazetteer: enough to develop against; Lex's own lists are far larger (README).
_CITIES = {
    "seoul": "Seoul", "서울": "Seoul", "busan": "Busan", "부산": "Busan", "incheon": "Incheon",
    "인천": "Incheon", "daegu": "Daegu", "대구": "Daegu", "daejeon": "Daejeon", "대전": "Daejeon",
    "gwangju": "Gwangju", "광주": "Gwangju", "jeju": "Jeju", "제주": "Jeju", "ulsan": "Ulsan",
    "울산": "Ulsan", "suwon": "Suwon", "수원": "Suwon", "new york": "New York", "뉴욕": "New York",
    "los angeles": "Los Angeles", "chicago": "Chicago", "seattle": "Seattle", "boston": "Boston",
    "san francisco": "San Francisco", "london": "London", "런던": "London", "paris": "Paris",
    "파리": "Paris", "tokyo": "Tokyo", "도쿄": "Tokyo", "osaka": "Osaka", "오사카": "Osaka",
    "beijing": "Beijing", "베이징": "Beijing", "berlin": "Berlin", "sydney": "Sydney",
    "toronto": "Toronto", "madrid": "Madrid", "rome": "Rome", "singapore": "Singapore",
}  # fmt: skip
_COUNTRIES = {
    "korea": "Korea", "south korea": "South Korea", "한국": "South Korea",
    "대한민국": "South Korea", "japan": "Japan", "일본": "Japan", "china": "China", "중국": "China",
    "united states": "United States", "usa": "United States", "america": "United States",
    "미국": "United States", "canada": "Canada", "캐나다": "Canada", "france": "France",
    "프랑스": "France", "germany": "Germany", "독일": "Germany", "united kingdom": "United Kingdom",
    "uk": "United Kingdom", "england": "United Kingdom", "영국": "United Kingdom",
    "spain": "Spain", "스페인": "Spain", "italy": "Italy", "이탈리아": "Italy",
    "australia": "Australia", "호주": "Australia", "vietnam": "Vietnam", "베트남": "Vietnam",
    "india": "India", "인도": "India", "brazil": "Brazil", "브라질": "Brazil",
    "mexico": "Mexico", "멕시코": "Mexico", "singapore": "Singapore", "싱가포르": "Singapore",
}  # fmt: skip


def _gazetteer(table: dict[str, str], text: str) -> tuple[str, str, tuple[str, ...]] | None:
    low = text.lower()
    for key in sorted(table, key=len, reverse=True):
        if has_hangul(key):
            m = re.search(rf"(?<![가-힣]){re.escape(key)}", text)
        else:
            m = re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", low)
        if m:
            original = text[m.start() : m.end()]
            return original, table[key], (table[key],)
    return None


def _last_name(text: str) -> tuple[str, str, tuple[str, ...]] | None:
    if has_hangul(text):
        word = text.strip().split()[0] if text.strip() else ""
        word = strip_name_endings(word)
        if word in _KO_SURNAMES:
            return word, word, (word,)
        return None
    cleaned = re.sub(r"^(?:my\s+(?:last|family)\s+name\s+is|it's|it\s+is|i'm|i\s+am)\s+", "",
                     text.strip(), flags=re.IGNORECASE)  # fmt: skip
    found = _english_first_name(cleaned)
    if found is None:
        return None
    return found[0], found[1], (found[1],)


IMPLEMENTED_BUILTINS = frozenset(
    {
        "AMAZON.FirstName", "AMAZON.LastName", "AMAZON.Number", "AMAZON.AlphaNumeric",
        "AMAZON.Date", "AMAZON.Time", "AMAZON.Confirmation", "AMAZON.FreeFormInput",
        "AMAZON.EmailAddress", "AMAZON.PhoneNumber", "AMAZON.City", "AMAZON.Country",
    }
)  # fmt: skip


def builtin_slot_types() -> frozenset[str]:
    """The built-in slot types the emulator recognises (others take the reply as typed)."""
    return IMPLEMENTED_BUILTINS


def recognise_more(
    type_name: str, text: str, locale_id: str
) -> tuple[str, str | None, tuple[str, ...]] | bool | None:
    """Recognisers for the built-ins not handled in ``slots`` (see the section comment)."""
    del locale_id
    recognisers = {
        "AMAZON.EmailAddress": _email,
        "AMAZON.PhoneNumber": _phone,
        "AMAZON.Time": _time,
        "AMAZON.City": lambda t: _gazetteer(_CITIES, t),
        "AMAZON.Country": lambda t: _gazetteer(_COUNTRIES, t),
        "AMAZON.LastName": _last_name,
    }
    recogniser = recognisers.get(type_name)
    if recogniser is None:
        return None
    found = recogniser(text)
    return False if found is None else found
