"""The Lex emulator with Lex V2 conversation text logs, for the local stack. Local use only.

``python -m devstack.conversation_log --log FILE -- <lex_emulator arguments>`` runs
``python -m lex_emulator`` unchanged, with its engine wrapped so every RecognizeText turn also
appends one JSON line to FILE, shaped like the entries Lex V2 writes to the alias's CloudWatch log
group (https://docs.aws.amazon.com/lexv2/latest/dg/conversation-logs-cw.html): ``bot``,
``messages``, ``sessionState``, ``interpretations``, ``sessionId``, ``inputTranscript``,
``missedUtterance`` (the turn went to FallbackIntent), ``requestId``, ``timestamp``,
``inputMode``, ``operationName``. ``make insights LOGS=FILE`` reads it like an exported log group.

The file holds what users typed, like Lex's own logs: it is created readable by its owner only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["FALLBACK_INTENT", "LoggingEngine", "log_entry", "main"]

FALLBACK_INTENT = "FallbackIntent"


def log_entry(
    *,
    bot_id: str,
    bot_alias_id: str,
    locale_id: str,
    session_id: str,
    text: str,
    response: dict[str, Any],
    now: dt.datetime,
    request_id: str,
) -> dict[str, Any]:
    """One conversation-log entry for a RecognizeText turn and its response."""
    state = response.get("sessionState") or {}
    intent = state.get("intent") or {}
    return {
        "message-version": "2.0",  # spelled so in the documented entry
        "bot": {
            "id": bot_id,
            "aliasId": bot_alias_id,
            "localeId": locale_id,
            "version": "DRAFT" if bot_alias_id == "TSTALIASID" else "1",
        },
        "messages": response.get("messages") or [],
        "sessionState": state,
        "interpretations": response.get("interpretations") or [],
        "sessionId": session_id,
        "inputTranscript": text,
        "missedUtterance": intent.get("name") == FALLBACK_INTENT,
        "requestId": request_id,
        "timestamp": now.astimezone(dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "developerOverride": False,
        "inputMode": "Text",
        "operationName": "RecognizeText",
    }


class LoggingEngine:
    """Wraps a Lex engine; ``recognize_text`` also appends a log entry. Everything else passes."""

    def __init__(
        self,
        engine: Any,
        log_path: Path,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._engine = engine
        self._path = log_path
        self._now = now
        self._lock = threading.Lock()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def recognize_text(self, **kwargs: Any) -> dict[str, Any]:
        response: dict[str, Any] = self._engine.recognize_text(**kwargs)
        entry = log_entry(
            bot_id=kwargs["bot_id"],
            bot_alias_id=kwargs["bot_alias_id"],
            locale_id=kwargs["locale_id"],
            session_id=kwargs["session_id"],
            text=kwargs["text"],
            response=response,
            now=self._now(),
            request_id=str(uuid.uuid4()),
        )
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock, self._path.open("a", encoding="utf-8") as fh:
            fh.write(line)
        return response


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    split = args.index("--") if "--" in args else len(args)
    parser = argparse.ArgumentParser(prog="python -m devstack.conversation_log")
    parser.add_argument("--log", required=True, help="the conversation log file (appended)")
    ours = parser.parse_args(args[:split])
    from lex_emulator import LexEmulator
    from lex_emulator.__main__ import main as emulator_main

    def factory(template: str, env_vars: dict[str, dict[str, str]] | None) -> Any:
        engine = LexEmulator.from_template(template, env_vars=env_vars)
        return LoggingEngine(engine, Path(ours.log))

    print(f"Conversation log: {ours.log}", file=sys.stderr, flush=True)
    return emulator_main(args[split + 1 :], engine_factory=factory)


if __name__ == "__main__":
    raise SystemExit(main())
