"""The fallback's CloudWatch metrics, written with Powertools Metrics in embedded metric format.

One EMF blob per outcome, printed to stdout (CloudWatch turns it into metrics; ``make dev``'s
stats page reads the same lines). Names are the contract the template's dashboard and alarms use:

- ``FallbackAnswered`` (Count), ``LlmLatency`` (Milliseconds), ``LlmInputTokens`` and
  ``LlmOutputTokens`` (Count, from the API's ``usage``), ``LlmCostUsd`` (None; only for priced
  models), ``LlmFirstTokenLatency`` (Milliseconds; streamed turns only: the call to the first
  text), all without dimensions;
- ``FallbackFailed`` (Count) with the one dimension ``Cause`` (``CAUSES``), plus ``LlmLatency``
  when the LLM was asked.

Dimensions carry only these fixed words: no user text, no session id, no key. Powertools' default
``service`` dimension is switched off (``service=""``) so the dimension sets are exactly these.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMTimeout,
)
from llm_fallback.pricing import PriceTable

__all__ = ["CAUSES", "NAMESPACE", "FallbackMetrics", "cause_of"]

NAMESPACE = "LexLlmChatbot"
CAUSES = (
    "timeout",
    "rate_limited",
    "auth",
    "unavailable",
    "not_configured",
    "bad_response",
    "empty_input",
)
_warned_models: set[str] = set()


def cause_of(error: LLMError) -> str:
    """The ``Cause`` dimension value of an LLM error."""
    if isinstance(error, LLMTimeout):
        return "timeout"
    if isinstance(error, LLMRateLimited):
        return "rate_limited"
    if isinstance(error, LLMAuthError):
        return "auth"
    if isinstance(error, LLMNotConfigured):
        return "not_configured"
    if isinstance(error, LLMBadResponse):
        return "bad_response"
    return "unavailable"


def _emit(values: Mapping[str, tuple[MetricUnit, float]], dimensions: Mapping[str, str]) -> None:
    provider = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service="")
    for name, value in dimensions.items():
        provider.add_dimension(name=name, value=value)
    for name, (unit, number) in values.items():
        provider.add_metric(name=name, unit=unit, value=number)
    provider.flush_metrics()


class FallbackMetrics:
    """Records one fallback turn's outcome. ``logger`` gets the unknown-model warning (once)."""

    def __init__(self, prices: PriceTable, *, logger: logging.Logger | Any) -> None:
        self._prices = prices
        self._logger = logger

    @classmethod
    def from_env(cls, *, logger: logging.Logger | Any) -> FallbackMetrics:
        return cls(PriceTable.from_env(os.environ), logger=logger)

    def answered(
        self,
        *,
        latency_ms: float,
        model: str,
        input_tokens: int | None,
        output_tokens: int | None,
        first_token_ms: float | None = None,
    ) -> None:
        values: dict[str, tuple[MetricUnit, float]] = {
            "FallbackAnswered": (MetricUnit.Count, 1),
            "LlmLatency": (MetricUnit.Milliseconds, round(latency_ms, 1)),
        }
        if first_token_ms is not None:
            values["LlmFirstTokenLatency"] = (MetricUnit.Milliseconds, round(first_token_ms, 1))
        if input_tokens is not None:
            values["LlmInputTokens"] = (MetricUnit.Count, input_tokens)
        if output_tokens is not None:
            values["LlmOutputTokens"] = (MetricUnit.Count, output_tokens)
        if input_tokens is not None and output_tokens is not None:
            cost = self._prices.cost_usd(model, input_tokens, output_tokens)
            if cost is not None:
                values["LlmCostUsd"] = (MetricUnit.NoUnit, cost)
            elif model not in _warned_models:
                _warned_models.add(model)
                self._logger.warning(
                    "no price for this model; LlmCostUsd is not emitted for it",
                    extra={"model": model[:100]},
                )
        _emit(values, {})

    def failed(self, cause: str, *, latency_ms: float | None = None) -> None:
        if cause not in CAUSES:
            cause = "unavailable"
        values: dict[str, tuple[MetricUnit, float]] = {"FallbackFailed": (MetricUnit.Count, 1)}
        _emit(values, {"Cause": cause})
        if latency_ms is not None:
            _emit({"LlmLatency": (MetricUnit.Milliseconds, round(latency_ms, 1))}, {})
