"""``LexEmulator``: the Lex V2 runtime (RecognizeText, Get/Put/DeleteSession) in-process.

For local development and tests only. The HTTP server (``lex_emulator.http_server``) is a thin layer
over this class; both raise ``lex_emulator.errors.LexError`` subclasses for what Lex would refuse.

Input validation follows the Lex V2 runtime model: bot id 10 alphanumerics, session id 2-100 chars
of ``[0-9a-zA-Z._:-]``, text 1-1024 chars (all ``ValidationException``); an unknown bot or locale is
``ResourceNotFoundException`` (with several bots in the template, so is an alias id other than
``TSTALIASID`` or a declared alias's id; see ``bot_model``). GetSession of a session that does not
exist (or expired) is ``ResourceNotFoundException``, as in Lex; DeleteSession of one is accepted
(idempotent, so a client may always clear a conversation).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lex_emulator.bot_model import AliasDef, BotCatalog, BotDef, LocaleDef, load_bots
from lex_emulator.code_hook import hook_loader
from lex_emulator.dialog import (
    ClassifierFactory,
    DialogEngine,
    SlotFiller,
    default_classifier_factory,
)
from lex_emulator.errors import ResourceNotFoundException, ValidationException
from lex_emulator.lambda_invoke import remote_handler_loader
from lex_emulator.sessions import SessionKey, SessionStore

__all__ = ["LexEmulator"]

_SESSION_ID_RE = re.compile(r"^[0-9a-zA-Z._:-]{2,100}$")
_BOT_ID_RE = re.compile(r"^[0-9a-zA-Z]{10}$")
_MAX_TEXT = 1024


def _constraint(field: str, detail: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value at '{field}' failed to satisfy constraint: {detail}"
    )


class LexEmulator:
    """A local Lex V2 runtime for the bots of one template."""

    def __init__(
        self,
        catalog: BotCatalog,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] | dt.date | None = None,
        classifier_factory: ClassifierFactory = default_classifier_factory,
        slot_filler: SlotFiller | None = None,
        hook_timeout_seconds: float | None = None,
        lambda_endpoint: str | None = None,
    ) -> None:
        """``lambda_endpoint``: call code hooks through the Lambda Invoke API there
        (``lambda_invoke``) instead of importing them."""
        self.catalog = catalog
        self._clock = clock
        self._today = today
        self.sessions = SessionStore(clock)
        remote = remote_handler_loader(lambda_endpoint) if lambda_endpoint else None
        with hook_loader(remote):
            self.engine = DialogEngine(
                catalog,
                classifier_factory=classifier_factory,
                slot_filler=slot_filler,
                clock=clock,
                hook_timeout_seconds=hook_timeout_seconds,
            )

    @classmethod
    def from_template(
        cls,
        template: str | Path,
        env_vars: Mapping[str, Mapping[str, str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] | dt.date | None = None,
        *,
        classifier_factory: ClassifierFactory = default_classifier_factory,
        slot_filler: SlotFiller | None = None,
        hook_timeout_seconds: float | None = None,
        lambda_endpoint: str | None = None,
        seed: int | None = None,
    ) -> LexEmulator:
        """Load every bot of ``template``; ``env_vars`` is SAM's env.json shape.

        Raises ``cfn_template.TemplateError`` (one line naming resource and property) for a template
        it cannot use.
        """
        return cls(
            load_bots(template, env_vars, seed=seed),
            clock=clock,
            today=today,
            classifier_factory=classifier_factory,
            slot_filler=slot_filler,
            hook_timeout_seconds=hook_timeout_seconds,
            lambda_endpoint=lambda_endpoint,
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """Start-up warnings: template properties and built-ins the emulator ignores or replaces."""
        return self.catalog.warnings

    def describe(self) -> list[str]:
        """Lines to print at startup: bot ids, aliases, locales, intents."""
        return self.catalog.describe()

    # ------------------------------------------------------------------------------ operations

    def recognize_text(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        text: str,
        session_state: dict[str, Any] | None = None,
        request_attributes: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        bot, alias, locale, key = self._target(bot_id, bot_alias_id, locale_id, session_id)
        if not isinstance(text, str) or len(text) < 1:
            raise _constraint("text", "Member must have length greater than or equal to 1")
        if len(text.encode("utf-16-le", "surrogatepass")) // 2 > _MAX_TEXT:  # UTF-16 units, as Lex
            raise _constraint("text", f"Member must have length less than or equal to {_MAX_TEXT}")
        _check_string_map(request_attributes, "requestAttributes")
        with self.sessions.turn(key, bot.idle_ttl_seconds) as session:
            before = session.snapshot()
            try:
                return self.engine.recognize(
                    bot=bot,
                    alias=alias,
                    locale=locale,
                    session=session,
                    text=text,
                    session_state=session_state,
                    request_attributes=request_attributes,
                    today=self._date(),
                )
            except BaseException:
                session.restore(before)  # a failed turn leaves the conversation as it was
                raise

    def get_session(
        self, *, bot_id: str, bot_alias_id: str, locale_id: str, session_id: str
    ) -> dict[str, Any]:
        _, _, _, key = self._target(bot_id, bot_alias_id, locale_id, session_id)
        with self.sessions.existing(key) as session:
            if session is None:
                raise ResourceNotFoundException(f"Session {session_id} not found")
            result: dict[str, Any] = {
                "sessionId": session_id,
                "sessionState": self.engine.session_state(session, session.originating_request_id),
                "interpretations": [dict(i) for i in session.interpretations],
            }
            if session.messages:
                result["messages"] = [dict(m) for m in session.messages]
            return result

    def put_session(
        self,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        session_id: str,
        session_state: dict[str, Any],
        messages: list[dict[str, Any]] | None = None,
        request_attributes: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Replace the session's state. Returns ``sessionId``, ``sessionState``, ``messages``,
        ``requestAttributes`` (the HTTP layer sends them as PutSession's headers)."""
        bot, _, locale, key = self._target(bot_id, bot_alias_id, locale_id, session_id)
        if not isinstance(session_state, Mapping):
            raise ValidationException("sessionState is required")
        _check_string_map(request_attributes, "requestAttributes")
        checked_messages = _check_messages(messages)
        with self.sessions.turn(key, bot.idle_ttl_seconds) as session:
            session.reset_dialog()
            session.session_attributes = {}
            session.active_contexts = []
            self.engine.apply_session_state(locale, session, session_state)
            session.messages = checked_messages
            session.interpretations = []
            session.request_attributes = dict(request_attributes or {})
            result: dict[str, Any] = {
                "sessionId": session_id,
                "sessionState": self.engine.session_state(session, None),
            }
            if checked_messages:
                result["messages"] = checked_messages
            if request_attributes:
                result["requestAttributes"] = dict(request_attributes)
            return result

    def delete_session(
        self, *, bot_id: str, bot_alias_id: str, locale_id: str, session_id: str
    ) -> dict[str, Any]:
        _, _, _, key = self._target(bot_id, bot_alias_id, locale_id, session_id)
        self.sessions.delete(key)
        return {
            "botId": bot_id,
            "botAliasId": bot_alias_id,
            "localeId": locale_id,
            "sessionId": session_id,
        }

    # ------------------------------------------------------------------------------ helpers

    def _date(self) -> dt.date:
        if self._today is None:
            return dt.date.today()
        if isinstance(self._today, dt.date):
            return self._today
        return self._today()

    def _target(
        self, bot_id: str, alias_id: str, locale_id: str, session_id: str
    ) -> tuple[BotDef, AliasDef, LocaleDef, SessionKey]:
        if not isinstance(bot_id, str) or not bot_id:
            raise _constraint("botId", "Member must not be empty")
        bot = self.catalog.resolve(bot_id)
        if bot is None:
            if not _BOT_ID_RE.match(bot_id):
                raise _constraint("botId", "Member must satisfy regular expression [0-9a-zA-Z]+")
            known = ", ".join(b.bot_id for b in self.catalog.bots)
            raise ResourceNotFoundException(f"Bot {bot_id} not found (this emulator has {known})")
        if not isinstance(alias_id, str) or not alias_id:
            raise _constraint("botAliasId", "Member must not be empty")
        if not isinstance(session_id, str) or not _SESSION_ID_RE.match(session_id):
            raise _constraint(
                "sessionId",
                "Member must have length between 2 and 100 and satisfy regular expression "
                "[0-9a-zA-Z._:-]+",
            )
        locale = bot.locales.get(locale_id) if isinstance(locale_id, str) else None
        if locale is None:
            raise ResourceNotFoundException(
                f"Locale {locale_id} not found for bot {bot_id} "
                f"(available: {', '.join(bot.locales)})"
            )
        if len(self.catalog.bots) > 1 and not any(
            alias_id in (a.alias_id, a.logical_id) for a in bot.aliases
        ):
            known = ", ".join(a.alias_id for a in bot.aliases)
            raise ResourceNotFoundException(
                f"Alias {alias_id} not found for bot {bot_id} (known: {known})"
            )
        alias = bot.alias(alias_id)
        if not alias.locale_enabled(locale_id):
            # BotAliasLocaleSettings.Enabled: "If the value is false, the locale isn't available
            # for use." (API reference). *The error Lex returns is not documented.*
            raise ResourceNotFoundException(
                f"Locale {locale_id} is not enabled on alias {alias.alias_id} ({alias.name})"
            )
        return bot, alias, locale, SessionKey(bot.logical_id, alias.alias_id, locale_id, session_id)


def _check_string_map(value: Any, name: str) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationException(f"{name} must map strings to strings")


def _check_messages(messages: Any) -> list[dict[str, Any]]:
    if messages is None:
        return []
    if not isinstance(messages, list) or len(messages) > 10:
        raise ValidationException("messages must be a list of at most 10 messages")
    out = []
    for n, message in enumerate(messages):
        content_type = message.get("contentType") if isinstance(message, Mapping) else None
        if content_type not in ("CustomPayload", "ImageResponseCard", "PlainText", "SSML"):
            raise ValidationException(f"messages[{n}].contentType is invalid")
        out.append(dict(message))
    return out
