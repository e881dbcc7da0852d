"""The fallback's EMF output: names, units, dimensions, and nothing private in them."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from typing import Any

import pytest

from lex_emulator.cfn_template import import_handler, load_template, resolve_function
from llm_fallback.config import Settings
from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from llm_fallback.event import LexEvent
from llm_fallback.llm import ChatMessage, Completion
from llm_fallback.metrics import FallbackMetrics
from llm_fallback.pricing import PriceTable
from llm_fallback.service import FallbackService
from tests.support import emf

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


class TokenLLM:
    def __init__(self, model: str = "gpt-4o-mini-2024-07-18", error: LLMError | None = None):
        self.model = model
        self.error = error

    def complete(self, messages: Sequence[ChatMessage], *, budget_seconds: float) -> Completion:
        if self.error is not None:
            raise self.error
        return Completion(
            text="answer",
            model=self.model,
            finish_reason="stop",
            attempts=1,
            input_tokens=1200,
            output_tokens=300,
        )


class ListLogger:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict[str, Any]]] = []

    def warning(self, msg: str, extra: dict[str, Any] | None = None) -> None:
        self.warnings.append((msg, extra or {}))

    def info(self, *args: Any, **kwargs: Any) -> None:
        pass

    error = info


def run(llm: TokenLLM, event: dict[str, Any], logger: Any = None, prices: PriceTable | None = None):
    logger = logger or logging.getLogger("test.metrics")
    service = FallbackService(
        Settings(),
        logger=logger,
        key_resolver=lambda _s: "sk-unit-secret-key",
        llm_factory=lambda _s, _k: llm,
        metrics=FallbackMetrics(prices or PriceTable.from_env({}), logger=logger),
    )
    return service.handle(LexEvent(event), lambda: 25_000)


def test_an_answer_emits_answered_latency_tokens_and_cost(load_event: Any, capsys: Any) -> None:
    event = load_event("lexV2FallbackEn")
    run(TokenLLM(), event)
    out = capsys.readouterr().out
    for blob in emf.blobs(out):  # no user text, session id or key anywhere in a blob
        text = json.dumps(blob, ensure_ascii=False)
        for private in (event["inputTranscript"], event["sessionId"], "sk-unit-secret-key"):
            assert private not in text
    got = {d.name: d for d in emf.data(out)}
    assert set(got) == {
        "FallbackAnswered",
        "LlmLatency",
        "LlmInputTokens",
        "LlmOutputTokens",
        "LlmCostUsd",
    }
    assert all(d.dimensions == {} for d in got.values())
    assert (got["FallbackAnswered"].unit, got["FallbackAnswered"].value) == ("Count", 1)
    assert got["LlmLatency"].unit == "Milliseconds" and got["LlmLatency"].value >= 0
    assert (got["LlmInputTokens"].unit, got["LlmInputTokens"].value) == ("Count", 1200)
    assert (got["LlmOutputTokens"].unit, got["LlmOutputTokens"].value) == ("Count", 300)
    # gpt-4o-mini: 0.15 / 0.60 USD per million tokens, matched by prefix of the dated model.
    assert got["LlmCostUsd"].unit == "None"
    assert got["LlmCostUsd"].value == pytest.approx((1200 * 0.15 + 300 * 0.60) / 1e6)


def test_an_unknown_model_has_no_cost_and_warns_once(load_event: Any, capsys: Any) -> None:
    logger = ListLogger()
    for _ in range(3):
        run(TokenLLM(model="my-local-llama-unpriced"), load_event("lexV2FallbackEn"), logger)
    names = [d.name for d in emf.data(capsys.readouterr().out)]
    assert names.count("FallbackAnswered") == 3 and "LlmCostUsd" not in names
    assert len(logger.warnings) == 1 and "price" in logger.warnings[0][0]


def test_the_price_table_comes_from_configuration(load_event: Any, capsys: Any) -> None:
    prices = PriceTable.from_env({"LLM_PRICES_USD_PER_MTOK": '{"my-model": [1, 2]}'})
    run(TokenLLM(model="my-model-v2"), load_event("lexV2FallbackEn"), prices=prices)
    (cost,) = [d for d in emf.data(capsys.readouterr().out) if d.name == "LlmCostUsd"]
    assert cost.value == pytest.approx((1200 * 1 + 300 * 2) / 1e6)


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (LLMTimeout("t"), "timeout"),
        (LLMRateLimited("r"), "rate_limited"),
        (LLMAuthError("a", status=401), "auth"),
        (LLMUnavailable("u", status=503), "unavailable"),
        (LLMNotConfigured("n"), "not_configured"),
        (LLMBadResponse("b"), "bad_response"),
    ],
)
def test_each_failure_is_counted_by_cause(
    error: LLMError, cause: str, load_event: Any, capsys: Any
) -> None:
    run(TokenLLM(error=error), load_event("lexV2FallbackKo"))
    got = emf.data(capsys.readouterr().out)
    failed = [d for d in got if d.name == "FallbackFailed"]
    assert [(d.unit, d.value, d.dimensions) for d in failed] == [("Count", 1, {"Cause": cause})]
    assert "FallbackAnswered" not in {d.name for d in got}
    latency = [d for d in got if d.name == "LlmLatency"]
    assert len(latency) == 1 and latency[0].dimensions == {}


def test_empty_input_is_a_failure_without_latency(load_event: Any, capsys: Any) -> None:
    run(TokenLLM(), load_event("lexV2FallbackEmptyTranscript"))
    got = emf.data(capsys.readouterr().out)
    assert [(d.name, d.dimensions) for d in got] == [("FallbackFailed", {"Cause": "empty_input"})]


def test_the_handler_from_the_template_prints_the_blobs_without_private_data(
    load_event: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real handler, no LLM configured: one not_configured failure; no text, id or key."""
    template = load_template(os.path.join(REPO, "template.yaml"))
    spec = resolve_function(template, "FallbackFunction", REPO)
    for name, value in spec.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "lex-fallback")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    monkeypatch.setenv("OPENAI_API_KEY_SECRET_ARN", "")
    handler = import_handler(spec)
    event = load_event("lexV2FallbackEn")
    handler(event, None)
    out = capsys.readouterr().out
    got = emf.data(out)
    assert [(d.name, d.dimensions) for d in got] == [
        ("FallbackFailed", {"Cause": "not_configured"})
    ]
    private = [event["inputTranscript"], event["sessionId"], "sk-"]
    for blob in emf.blobs(out):
        text = str(blob)
        assert not [p for p in private if p in text]
        assert "service" not in blob  # exactly the named dimensions
