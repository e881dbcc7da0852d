"""The local conversation log: one Lex V2 text-log entry per RecognizeText turn."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

from devstack.conversation_log import LoggingEngine


class FakeEngine:
    def __init__(self, intent: str) -> None:
        self.intent = intent

    def recognize_text(self, **kwargs):
        return {
            "messages": [{"contentType": "PlainText", "content": "answer"}],
            "sessionState": {"intent": {"name": self.intent, "state": "Fulfilled"}},
            "interpretations": [{"intent": {"name": self.intent}}],
            "sessionId": kwargs["session_id"],
        }

    def describe(self):
        return ["a bot"]


def test_each_turn_appends_an_entry_shaped_like_lex_v2_logs(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "conversation-log.jsonl"
    now = dt.datetime(2026, 12, 1, 10, 0, 0, 123000, tzinfo=dt.UTC)
    for intent, text in (("HelloWorld", "안녕"), ("FallbackIntent", "환불 해주세요")):
        engine = LoggingEngine(FakeEngine(intent), path, now=lambda: now)
        engine.recognize_text(
            bot_id="LOCALBOTID",
            bot_alias_id="TSTALIASID",
            locale_id="ko_KR",
            session_id="s-1",
            text=text,
        )
    assert engine.describe() == ["a bot"]  # everything else passes through
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds what users typed
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    # https://docs.aws.amazon.com/lexv2/latest/dg/conversation-logs-cw.html
    assert first["message-version"] == "2.0"
    assert first["bot"] == {
        "id": "LOCALBOTID",
        "aliasId": "TSTALIASID",
        "localeId": "ko_KR",
        "version": "DRAFT",
    }
    assert first["inputTranscript"] == "안녕" and first["missedUtterance"] is False
    assert second["missedUtterance"] is True
    assert second["timestamp"] == "2026-12-01T10:00:00.123Z"
    assert second["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert {"requestId", "sessionId", "interpretations", "messages", "inputMode"} <= set(second)
