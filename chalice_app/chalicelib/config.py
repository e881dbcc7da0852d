"""Settings of the chat API, read from environment variables (names in docs/contracts.md).

``Settings.from_env`` is cheap (a few dict lookups), so it runs per request: that keeps the
function honest about its configuration and lets tests change the environment between requests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.errors import ConfigurationError

__all__ = ["MAX_BODY_BYTES", "MAX_TEXT_LENGTH", "Settings"]

#: Lex accepts 1-1024 characters of text.
MAX_TEXT_LENGTH = 1024
#: Bodies above this are refused with 413 before they are parsed.
MAX_BODY_BYTES = 16 * 1024

_LEX_ID = re.compile(r"[0-9A-Za-z]{10}")
_LOCALE = re.compile(r"[a-z]{2}_[A-Z0-9]{2,3}")  # ko_KR, en_US, es_419


@dataclass(frozen=True)
class Settings:
    """What the function needs to talk to one Lex V2 bot alias."""

    bot_id: str
    bot_alias_id: str
    default_locale: str = "ko_KR"
    locales: tuple[str, ...] = ("ko_KR", "en_US")
    endpoint_url: str | None = None
    region: str | None = None
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 26.0
    #: The session-id key itself (local runs); wins over the secret. Kept out of ``repr``.
    session_key: str = field(default="", repr=False)
    session_key_secret_arn: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and check the settings. Raises ``ConfigurationError`` naming the bad variable."""
        bot_id = env.get("LEX_BOT_ID", "").strip()
        alias_id = env.get("LEX_BOT_ALIAS_ID", "").strip()
        for name, value in (("LEX_BOT_ID", bot_id), ("LEX_BOT_ALIAS_ID", alias_id)):
            if not _LEX_ID.fullmatch(value):
                raise ConfigurationError(
                    detail=f"{name} must be 10 letters or digits (got {len(value)} characters)"
                )
        raw_locales = env.get("LEX_LOCALES", "ko_KR,en_US").split(",")
        locales = tuple(part.strip() for part in raw_locales if part.strip())
        if not locales or not all(_LOCALE.fullmatch(loc) for loc in locales):
            raise ConfigurationError(
                detail="LEX_LOCALES must be a comma-separated list like ko_KR,en_US"
            )
        default_locale = env.get("LEX_DEFAULT_LOCALE", "").strip() or "ko_KR"
        if default_locale not in locales:
            raise ConfigurationError(
                detail=f"LEX_DEFAULT_LOCALE {default_locale!r} is not in LEX_LOCALES"
            )
        region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip() or None
        return cls(
            bot_id=bot_id,
            bot_alias_id=alias_id,
            default_locale=default_locale,
            locales=locales,
            endpoint_url=env.get("LEX_ENDPOINT_URL", "").strip() or None,
            region=region,
            connect_timeout_seconds=_seconds(env, "LEX_CONNECT_TIMEOUT_SECONDS", 2.0),
            read_timeout_seconds=_seconds(env, "LEX_READ_TIMEOUT_SECONDS", 26.0),
            session_key=env.get("SESSION_KEY", "").strip(),
            session_key_secret_arn=env.get("SESSION_KEY_SECRET_ARN", "").strip(),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(detail=f"{name} must be a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(detail=f"{name} must be a positive number of seconds")
    return value
