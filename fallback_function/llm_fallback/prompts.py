"""The system prompt: answer briefly, in the language of the bot's locale."""

from __future__ import annotations

__all__ = ["language_name", "system_prompt"]

# Lex V2 locales (https://docs.aws.amazon.com/lexv2/latest/dg/how-languages.html) by language.
_LANGUAGES: dict[str, str] = {
    "ko": "Korean",
    "en": "English",
    "ja": "Japanese",
    "zh": "Chinese",
    "ca": "Catalan",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "fi": "Finnish",
    "sv": "Swedish",
    "no": "Norwegian",
    "da": "Danish",
    "pl": "Polish",
    "ar": "Arabic",
    "hi": "Hindi",
    "tr": "Turkish",
    "af": "Afrikaans",
    "yue": "Cantonese",
}

_DEFAULT = (
    "You are the assistant inside a chatbot. The user's message did not match any of the bot's "
    "designed intents, so you answer it directly.\n"
    "- Always answer in {language}, whatever language the question is in.\n"
    "- Be concise: a few short sentences, at most three short paragraphs.\n"
    "- Use plain text; no Markdown tables or code blocks unless the user asks for them.\n"
    "- If you do not know, say so; never invent facts, links or prices."
)


def language_name(locale_id: str) -> str:
    """``ko_KR`` -> ``Korean``; unknown or empty locales -> ``English``."""
    language = locale_id.replace("-", "_").split("_", 1)[0].lower()
    return _LANGUAGES.get(language, "English")


def system_prompt(locale_id: str, override: str = "") -> str:
    """The built-in prompt for the locale, or ``override`` (``{language}`` in it is filled in)."""
    template = override or _DEFAULT
    return template.replace("{language}", language_name(locale_id))
