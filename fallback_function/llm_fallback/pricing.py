"""What an LLM answer cost, from a per-model price table (USD per million tokens).

The table is configuration: ``LLM_PRICES_USD_PER_MTOK`` holds a JSON object
``{"model-prefix": [input_price, output_price], ...}`` that replaces the built-in one (an empty
object switches cost metrics off). A model matches the longest key that prefixes it, so a dated
snapshot (``gpt-4o-mini-2024-07-18``) uses its family's price. Unknown models have no price: the
caller emits no cost metric and warns once per model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_PRICES", "PRICES_ENV", "PriceTable"]

PRICES_ENV = "LLM_PRICES_USD_PER_MTOK"

#: OpenAI list prices (USD per 1M tokens, input/output), https://openai.com/api/pricing/
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-3.5-turbo": (0.50, 1.50),
}


@dataclass(frozen=True)
class PriceTable:
    prices: Mapping[str, tuple[float, float]]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PriceTable:
        """The table from ``LLM_PRICES_USD_PER_MTOK``; the built-in one when unset or unusable."""
        raw = (env.get(PRICES_ENV) or "").strip()
        if not raw:
            return cls(DEFAULT_PRICES)
        try:
            data = json.loads(raw)
        except ValueError:
            return cls(DEFAULT_PRICES)
        if not isinstance(data, dict):
            return cls(DEFAULT_PRICES)
        prices: dict[str, tuple[float, float]] = {}
        for model, pair in data.items():
            if (
                isinstance(model, str)
                and isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(p, int | float) and p >= 0 for p in pair)
            ):
                prices[model] = (float(pair[0]), float(pair[1]))
        return cls(prices)

    def price_of(self, model: str) -> tuple[float, float] | None:
        best = ""
        for key in self.prices:
            if model.startswith(key) and len(key) > len(best):
                best = key
        return self.prices[best] if best else None

    def cost_usd(self, model: str, input_tokens: int, output_tokens: int) -> float | None:
        """The answer's cost, or None when the model has no price."""
        price = self.price_of(model)
        if price is None:
            return None
        return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
