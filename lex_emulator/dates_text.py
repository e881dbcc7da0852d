"""Dates inside free text, resolved the way Lex V2's AMAZON.Date documents it.

From the Lex V2 guide ("AMAZON.Date"): a phrase that maps to a specific date becomes an ISO date,
and it "defaults to dates on or after the current date". So "December 25" is this year's if it is
still ahead (or today), else next year's, and a bare weekday ("Friday", "금요일") is the next
such day, today included. "next week"/"다음 주" is the last day of the current week
(Sunday), and "this week" or "last week" the Monday of that week; "next month" is that month's
last day, "this month" its first. "next Friday"/"다음 주 금요일" is the Friday of next week
(Monday-based weeks).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_EN_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_KO_WEEKDAYS: dict[str, int] = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

_EN_RELATIVE: tuple[tuple[str, int], ...] = (
    ("the day after tomorrow", 2),
    ("day after tomorrow", 2),
    ("the day before yesterday", -2),
    ("day before yesterday", -2),
    ("tomorrow", 1),
    ("tmrw", 1),
    ("tonight", 0),
    ("today", 0),
    ("now", 0),
    ("yesterday", -1),
)
_KO_RELATIVE: tuple[tuple[str, int], ...] = (
    ("내일모레", 2),
    ("그저께", -2),
    ("그제", -2),
    ("엊그제", -2),
    ("오늘", 0),
    ("금일", 0),
    ("지금", 0),
    ("내일", 1),
    ("명일", 1),
    ("모레", 2),
    ("글피", 3),
    ("어제", -1),
    ("어저께", -1),
)

# Fixed-date holidays (lunar ones such as 설날/추석 are left out: they move every year).
_HOLIDAYS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("christmas eve", (12, 24)), ("christmas day", (12, 25)), ("christmas", (12, 25)),
    ("new year's eve", (12, 31)), ("new year's day", (1, 1)), ("new years day", (1, 1)),
    ("valentine's day", (2, 14)), ("halloween", (10, 31)), ("크리스마스 이브", (12, 24)),
    ("크리스마스이브", (12, 24)), ("크리스마스", (12, 25)), ("성탄절", (12, 25)),
    ("신정", (1, 1)), ("새해 첫날", (1, 1)), ("밸런타인데이", (2, 14)), ("발렌타인데이", (2, 14)),
    ("삼일절", (3, 1)), ("어린이날", (5, 5)), ("현충일", (6, 6)), ("광복절", (8, 15)),
    ("개천절", (10, 3)), ("한글날", (10, 9)),
)  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_KO_YMD_RE = re.compile(r"(?:(\d{4}|\d{2})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_EN_MD_RE = re.compile(
    rf"\b(?:the\s+)?({_MONTH_NAMES})\.?\s+(?:the\s+)?(\d{{1,2}}){_ORD}\b(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_EN_DM_RE = re.compile(
    rf"\b(?:the\s+)?(\d{{1,2}}){_ORD}\s+(?:of\s+)?({_MONTH_NAMES})\b\.?(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_SLASH_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
_KO_DAY_ONLY_RE = re.compile(r"(?<![\d월])(\d{1,2})\s*일(?!\s*(?:후|뒤|전|있다가|지나서|동안))")
_IN_DAYS_RE = re.compile(r"\bin\s+(\d{1,3}|a|one|two|three|four|five|six|seven)\s+days?\b", re.I)
_DAYS_AGO_RE = re.compile(r"\b(\d{1,3}|one|two|three|four|five|six|seven)\s+days?\s+(ago|from now)")
_KO_DAYS_REL_RE = re.compile(r"(\d{1,3})\s*일\s*(후|뒤|있다가|지나서|전)")
_EN_WEEKDAY_RE = re.compile(
    r"\b(?:(this|next|coming|last)\s+)?("
    + "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
    + r")\b\.?",
    re.IGNORECASE,
)
_KO_WEEKDAY_RE = re.compile(
    r"(?:(이번\s*주|금주|다음\s*주|담주|차주|지난\s*주|저번\s*주)\s*)?"
    r"([월화수목금토일])(?:요일|욜)"
)
_EN_PERIOD_RE = re.compile(r"\b(this|next|last)\s+(week|month|year)\b", re.IGNORECASE)
_KO_PERIOD_RE = re.compile(
    r"(?<![가-힣])(이번|다음|지난|저번|내|올|작|금|차)\s*(주|달|월|해|년)"
    r"(?=$|[^가-힣]|에|는|도|까지|부터|쯤|이요|요)"
)
_SMALL_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _on_or_after(today: date, month: int, day: int) -> date | None:
    """This year's month/day if still ahead (or today), else next year's."""
    this_year = _safe_date(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    for offset in range(1, 9):  # Feb 29 may need a few years
        later = _safe_date(today.year + offset, month, day)
        if later is not None:
            return later
    return None


def _full_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _weekday_date(today: date, weekday: int, modifier: str) -> date:
    monday = today - timedelta(days=today.weekday())
    if modifier in ("next", "다음주", "담주", "차주"):
        return monday + timedelta(days=7 + weekday)
    if modifier in ("last", "지난주", "저번주"):
        return monday - timedelta(days=7 - weekday)
    if modifier in ("this", "이번주", "금주"):
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _period_date(today: date, which: str, unit: str) -> date:
    monday = today - timedelta(days=today.weekday())
    if unit == "week":
        if which == "next":
            return monday + timedelta(days=6)
        return monday if which == "this" else monday - timedelta(days=7)
    if unit == "month":
        if which == "next":
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            return date(year, month, calendar.monthrange(year, month)[1])
        if which == "this":
            return today.replace(day=1)
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return date(year, month, 1)
    if which == "next":
        return date(today.year + 1, 12, 31)
    return date(today.year if which == "this" else today.year - 1, 1, 1)


_KO_PERIOD_WHICH = {
    "이번": "this", "금": "this", "올": "this", "다음": "next", "내": "next", "차": "next",
    "지난": "last", "저번": "last", "작": "last",
}  # fmt: skip
_KO_PERIOD_UNIT = {"주": "week", "달": "month", "월": "month", "해": "year", "년": "year"}


def _candidates(text: str, today: date) -> list[tuple[int, int, date]]:
    """Every date expression found, as (start, end, date)."""
    found: list[tuple[int, int, date]] = []
    low = text.lower()

    def add(m: re.Match[str], value: date | None) -> None:
        if value is not None:
            found.append((m.start(), m.end(), value))

    for m in _ISO_RE.finditer(text):
        add(m, _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _KO_YMD_RE.finditer(text):
        year = _full_year(m.group(1))
        month, day = int(m.group(2)), int(m.group(3))
        add(m, _safe_date(year, month, day) if year else _on_or_after(today, month, day))
    for m in _EN_MD_RE.finditer(text):
        year = _full_year(m.group(3))
        month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
        add(m, _safe_date(year, month, day) if year else _on_or_after(today, month, day))
    for m in _EN_DM_RE.finditer(text):
        year = _full_year(m.group(3))
        month, day = _MONTHS[m.group(2).lower()], int(m.group(1))
        add(m, _safe_date(year, month, day) if year else _on_or_after(today, month, day))
    for m in _SLASH_RE.finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        month, day = (
            (second, first) if first > 12 else (first, second)
        )  # month/day unless impossible
        year = _full_year(m.group(3))
        add(m, _safe_date(year, month, day) if year else _on_or_after(today, month, day))
    for m in _KO_DAYS_REL_RE.finditer(text):
        days = int(m.group(1))
        add(m, today - timedelta(days=days) if m.group(2) == "전" else today + timedelta(days=days))
    for m in _IN_DAYS_RE.finditer(low):
        word = m.group(1)
        add(m, today + timedelta(days=int(word) if word.isdigit() else _SMALL_WORDS[word]))
    for m in _DAYS_AGO_RE.finditer(low):
        word = m.group(1)
        days = int(word) if word.isdigit() else _SMALL_WORDS[word]
        add(
            m, today - timedelta(days=days) if m.group(2) == "ago" else today + timedelta(days=days)
        )
    for m in _EN_WEEKDAY_RE.finditer(text):
        modifier = (m.group(1) or "").lower()
        modifier = "" if modifier == "coming" else modifier
        add(m, _weekday_date(today, _EN_WEEKDAYS[m.group(2).lower()], modifier))
    for m in _KO_WEEKDAY_RE.finditer(text):
        modifier = re.sub(r"\s+", "", m.group(1) or "")
        add(m, _weekday_date(today, _KO_WEEKDAYS[m.group(2)], modifier))
    for m in _EN_PERIOD_RE.finditer(text):
        add(m, _period_date(today, m.group(1).lower(), m.group(2).lower()))
    for m in _KO_PERIOD_RE.finditer(text):
        add(m, _period_date(today, _KO_PERIOD_WHICH[m.group(1)], _KO_PERIOD_UNIT[m.group(2)]))
    for phrase, offset in _EN_RELATIVE:
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", low):
            add(m, today + timedelta(days=offset))
    for phrase, offset in _KO_RELATIVE:
        for m in re.finditer(rf"(?<![가-힣]){re.escape(phrase)}", text):
            add(m, today + timedelta(days=offset))
    for phrase, (month, day) in _HOLIDAYS:
        for m in re.finditer(rf"(?<![^\W_]){re.escape(phrase)}(?![A-Za-z])", low):
            add(m, _on_or_after(today, month, day))
    for m in _KO_DAY_ONLY_RE.finditer(text):
        # "25일" alone: the next 25th on or after today
        day = int(m.group(1))
        value = _safe_date(today.year, today.month, day)
        if value is None or value < today:
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            value = _safe_date(year, month, day)
        add(m, value)
    return found


def find_date(text: str, today: date) -> tuple[int, int, date] | None:
    """The date expression in ``text`` (earliest, then longest), as (start, end, date)."""
    found = _candidates(text, today)
    if not found:
        return None
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    return found[0]
