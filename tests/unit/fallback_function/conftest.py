"""Fixtures for the fallback function's unit tests (no network, no real AWS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import events


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """Load ``events/<name>.json`` (the same files ``sam local invoke -e`` takes)."""

    return events.load_event
