"""A small structured logger: one JSON object per line on stdout (CloudWatch-friendly), stdlib only.

Rules for callers: log ids, lengths, codes and timings; never the user's text, never a key.
Extra fields go in ``extra={"fields": {...}}``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import IO, Any

__all__ = ["JsonFormatter", "get_logger"]

LOGGER_NAME = "chat_api"


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line with level, message, service and the record's fields."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StdoutHandler(logging.StreamHandler[IO[str]]):
    """Writes to whatever ``sys.stdout`` is when a record is emitted (Lambda, pytest capture)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def get_logger() -> logging.Logger:
    """The chat API logger, configured once (level from POWERTOOLS_LOG_LEVEL or LOG_LEVEL)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not getattr(logger, "_chat_api_configured", False):
        handler = _StdoutHandler()
        service = os.environ.get("POWERTOOLS_SERVICE_NAME") or "chat-api"
        handler.setFormatter(JsonFormatter(service))
        logger.addHandler(handler)
        logger.propagate = False
        env = os.environ
        level = (env.get("POWERTOOLS_LOG_LEVEL") or env.get("LOG_LEVEL") or "").upper()
        logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
        logger._chat_api_configured = True  # type: ignore[attr-defined]
    return logger
