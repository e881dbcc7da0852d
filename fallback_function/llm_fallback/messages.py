"""What the user reads when there is no LLM answer, per language (English for other locales).

The texts say nothing about how the system is set up (no variable names, no secrets, no vendor):
the public reads them. What an operator needs to fix it goes to the log (``service``).
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Notice", "notice_text"]


class Notice(Enum):
    EMPTY_INPUT = "empty_input"
    TIMEOUT = "timeout"
    BUSY = "busy"
    UNAVAILABLE = "unavailable"
    NOT_CONFIGURED = "not_configured"


_TEXTS: dict[str, dict[Notice, str]] = {
    "ko": {
        Notice.EMPTY_INPUT: "말씀을 알아듣지 못했어요. 다시 한 번 입력해 주시겠어요?",
        Notice.TIMEOUT: "답변을 준비하는 데 시간이 너무 오래 걸렸어요. 잠시 후 다시 물어봐 주세요.",
        Notice.BUSY: "지금 질문이 많아 답변하기 어려워요. 잠시 후 다시 시도해 주세요.",
        Notice.UNAVAILABLE: "지금은 답변을 드릴 수 없어요. 잠시 후 다시 시도해 주세요.",
        Notice.NOT_CONFIGURED: "죄송해요, 아직 이런 질문에는 답할 수 없어요.",
    },
    "en": {
        Notice.EMPTY_INPUT: "Sorry, I didn't catch that. Could you type it again?",
        Notice.TIMEOUT: "Sorry, that took too long to answer. Please ask again in a moment.",
        Notice.BUSY: "I'm getting a lot of questions right now. Please try again in a moment.",
        Notice.UNAVAILABLE: "Sorry, I can't answer that right now. Please try again in a moment.",
        Notice.NOT_CONFIGURED: "Sorry, I can't answer questions like that yet.",
    },
}


def notice_text(notice: Notice, locale_id: str) -> str:
    language = locale_id.replace("-", "_").split("_", 1)[0].lower()
    return _TEXTS.get(language, _TEXTS["en"])[notice]
