"""A generated Lex V2 conversation log with planted clusters of paraphrases, for insights tests.

Every turn is one JSON line shaped like Lex V2's text log entries
(https://docs.aws.amazon.com/lexv2/latest/dg/conversation-logs-cw.html). The planted clusters are
the requests the bot has no intent for; the rest of the fallback traffic is unrelated one-off
questions, and the Lex turns are greetings the bot handles.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CLUSTERS", "Planted", "generate_log"]


@dataclass(frozen=True)
class Planted:
    key: str
    locale: str
    cores: tuple[str, ...]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    share: float  # of all fallback turns


CLUSTERS = (
    Planted(
        "order_status",
        "en_US",
        (
            "where is my order",
            "where is my package",
            "track my order",
            "has my order shipped yet",
            "when will my order arrive",
            "order status",
            "i want to track my package",
            "my order has not arrived",
            "can you check my order status",
            "tracking number for my order",
        ),
        ("", "hi ", "hey ", "please ", "excuse me "),
        ("", " please", " today", "?", " thanks"),
        0.16,
    ),
    Planted(
        "refund",
        "en_US",
        (
            "i want a refund",
            "how do i get a refund",
            "refund my purchase",
            "can i get a refund for this",
            "i would like a refund please",
            "request a refund",
            "refund for my last order",
            "how long does a refund take",
        ),
        ("", "hi ", "hello there ", "um ", "so "),
        ("", " please", " now", "?", " asap"),
        0.12,
    ),
    Planted(
        "delivery_ko",
        "ko_KR",
        (
            "배송 조회 해주세요",
            "내 택배 어디쯤 왔어요",
            "주문한 물건 배송 언제 와요",
            "배송 상태 알려줘",
            "택배 배송 조회",
            "배송이 너무 늦어요",
            "주문 배송 언제 도착하나요",
            "배송 추적 하고 싶어요",
        ),
        ("", "저기요 ", "혹시 ", "안녕하세요 ", "그 "),
        ("", "?", " 빨리요", " 좀요", " 부탁해요"),
        0.14,
    ),
    Planted(
        "hours_ko",
        "ko_KR",
        (
            "영업시간이 어떻게 되나요",
            "영업시간 알려주세요",
            "몇 시에 영업 시작해요",
            "주말 영업시간은요",
            "일요일에도 영업하나요",
            "오늘 영업시간 언제까지예요",
        ),
        ("", "혹시 ", "저기 ", "궁금한데 "),
        ("", "?", " 알려줘", " 궁금해요"),
        0.10,
    ),
)

_EN_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def _pseudo_word(rng: random.Random, locale: str) -> str:
    """A made-up word: one-off questions share no vocabulary with each other or the clusters."""
    if locale == "ko_KR":
        return "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 3)))
    return "".join(rng.choice(_EN_SYLLABLES) for _ in range(rng.randint(2, 3)))


_GREETINGS = {
    "en_US": ("hello", "hi", "hi there", "good morning", "hey"),
    "ko_KR": ("안녕", "안녕하세요", "반가워요", "하이"),
}


def _noise(rng: random.Random, locale: str) -> str:
    return " ".join(_pseudo_word(rng, locale) for _ in range(rng.randint(3, 6)))


def _paraphrase(rng: random.Random, planted: Planted) -> str:
    return (
        rng.choice(planted.prefixes) + rng.choice(planted.cores) + rng.choice(planted.suffixes)
    ).strip()


def _entry(
    rng: random.Random, when: dt.datetime, locale: str, text: str, intent: str, n: int
) -> dict[str, object]:
    missed = intent == "FallbackIntent"
    return {
        "message-version": "2.0",
        "bot": {
            "id": "ABCDEFGHIJ",
            "name": "chatbot",
            "aliasId": "LIVEALIAS1",
            "aliasName": "live",
            "localeId": locale,
            "version": "3",
        },
        "messages": [{"contentType": "PlainText", "content": f"answer to: {text}"}],
        "sessionState": {
            "dialogAction": {"type": "Close" if missed else "ElicitSlot"},
            "intent": {
                "name": intent,
                "slots": {},
                "state": "Fulfilled" if missed else "InProgress",
                "confirmationState": "None",
            },
            "originatingRequestId": f"req-{n}",
        },
        "interpretations": [{"intent": {"name": intent}}],
        "sessionId": f"s1.session{n // 4}",
        "inputTranscript": text,
        "missedUtterance": missed,
        "requestId": f"req-{n}",
        "timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "developerOverride": False,
        "inputMode": "Text",
        "operationName": "RecognizeText",
    }


def generate_log(
    turns: int, *, seed: int = 7, fallback_share: float = 0.6, start: dt.datetime | None = None
) -> Iterator[tuple[str, str | None]]:
    """(JSON line, planted cluster key or None) for ``turns`` turns over about three days."""
    rng = random.Random(seed)
    when = start or dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=3 * 24 * 3600 / max(turns, 1))
    for n in range(turns):
        when += step
        locale = "en_US" if rng.random() < 0.55 else "ko_KR"
        key: str | None = None
        if rng.random() >= fallback_share:
            text, intent = rng.choice(_GREETINGS[locale]), "HelloWorld"
        else:
            intent = "FallbackIntent"
            text = _noise(rng, locale)
            pick = rng.random()
            local = [c for c in CLUSTERS if c.locale == locale]
            scale = 1 / 0.55 if locale == "en_US" else 1 / 0.45
            for planted in local:
                pick -= planted.share * scale
                if pick < 0:
                    text, key = _paraphrase(rng, planted), planted.key
                    break
        line = json.dumps(_entry(rng, when, locale, text, intent, n), ensure_ascii=False)
        yield line, key
