"""The event fixtures in ``events/`` (the files ``sam local invoke -e`` takes), loaded one way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of ``events/<name>`` (``.json`` may be left off)."""
    file = EVENTS_DIR / (name if name.endswith(".json") else f"{name}.json")
    event: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return event
