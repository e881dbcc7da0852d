"""Fixtures for the fallback function's unit tests (no network, no real AWS)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

EVENTS_DIR = Path(__file__).resolve().parents[3] / "events"


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """Load ``events/<name>.json`` (the same files ``sam local invoke -e`` takes)."""

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text("utf-8"))
        return data

    return load
