"""Lambda entry point of the Lex V2 FallbackIntent code hook (``Handler: handler.lambda_handler``).

Thin on purpose: the work is in ``llm_fallback``. The handler never raises to Lex (an exception
there becomes a DependencyFailedException for the user): anything unexpected is logged and
answered with a friendly ``Close``. The event is never logged, since it holds the user's words, and
the session id only as a hash.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger

from llm_fallback.config import Settings
from llm_fallback.event import LexEvent
from llm_fallback.messages import Notice, notice_text
from llm_fallback.metrics import FallbackMetrics
from llm_fallback.response import close_failed
from llm_fallback.service import FallbackService
from llm_fallback.tracing import traced

logger = Logger()  # service name from POWERTOOLS_SERVICE_NAME
_CONTEXT_FIELDS = ("function_name", "memory_limit_in_mb", "invoked_function_arn", "aws_request_id")


def _remaining_ms(context: Any) -> Any:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return getter if callable(getter) else None


def _answer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    lex_event = LexEvent(event)
    logger.append_keys(
        session_hash=lex_event.session_hash or None, locale=lex_event.locale_id or None
    )
    service = FallbackService(Settings.from_env(os.environ), logger=logger)
    return service.handle(lex_event, _remaining_ms(context))


@logger.inject_lambda_context(log_event=False, clear_state=True)
def _logged(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _answer(event, context)


@traced  # X-Ray subsegment when Tracing=Active and the SDK is packaged
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        if all(hasattr(context, name) for name in _CONTEXT_FIELDS):
            return _logged(event, context)
        return _answer(event, context)  # not a Lambda context (a bare harness): no context keys
    except Exception:
        logger.exception("unexpected error in the fallback code hook")
        FallbackMetrics.from_env(logger=logger).failed("unavailable")
        lex_event = LexEvent(event)
        return close_failed(lex_event, notice_text(Notice.UNAVAILABLE, lex_event.locale_id))
