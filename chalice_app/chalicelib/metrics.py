"""The chat API's CloudWatch metrics, written with Powertools Metrics in embedded metric format.

Per turn: ``ChatTurns`` (Count, dimension ``Source`` = ``lex`` | ``llm``) and ``LexLatency``
(Milliseconds, no dimension); per failed request: ``ChatErrors`` (Count, dimension ``Code`` = the
API's error code). Each outcome is one EMF blob printed to stdout. Dimension values are fixed words
(sources and the error tree's codes): never the user's text, a session id or a key. Powertools'
default ``service`` dimension is switched off (``service=""``) so the sets are exactly these.

The SAM build packages only the part of Powertools this needs (chalice_app/Makefile).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

__all__ = ["NAMESPACE", "record_error", "record_turn"]

NAMESPACE = "LexLlmChatbot"
_SOURCES = frozenset({"lex", "llm"})
_CODE = re.compile(r"[a-z][a-z_]{0,47}")


def _emit(values: Mapping[str, tuple[MetricUnit, float]], dimensions: Mapping[str, str]) -> None:
    provider = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service="")
    for name, value in dimensions.items():
        provider.add_dimension(name=name, value=value)
    for name, (unit, number) in values.items():
        provider.add_metric(name=name, unit=unit, value=number)
    provider.flush_metrics()


def record_turn(source: str, lex_latency_ms: float) -> None:
    """One answered turn: who answered it, and how long the RecognizeText call took."""
    _emit({"ChatTurns": (MetricUnit.Count, 1)}, {"Source": source if source in _SOURCES else "lex"})
    _emit({"LexLatency": (MetricUnit.Milliseconds, round(lex_latency_ms, 1))}, {})


def record_error(code: str) -> None:
    """One request answered with an error, by the API's stable error code."""
    _emit(
        {"ChatErrors": (MetricUnit.Count, 1)}, {"Code": code if _CODE.fullmatch(code) else "other"}
    )
