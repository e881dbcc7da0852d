"""The one-command local stack: Lex emulator + Chalice app + one front origin. Local use only.

``python -m devstack`` runs it for people; ``devstack.Stack`` runs it for tests and benchmarks.
The names below are imported lazily, so a child process (``python -m devstack.guard ...``) does
not load the supervisor's modules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devstack.config import ConfigError, LlmMode
    from devstack.stack import Stack, StackError

__all__ = ["ConfigError", "LlmMode", "Stack", "StackError"]

_HOMES = {
    "ConfigError": "devstack.config",
    "LlmMode": "devstack.config",
    "Stack": "devstack.stack",
    "StackError": "devstack.stack",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'devstack' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
