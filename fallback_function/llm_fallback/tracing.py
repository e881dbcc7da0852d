"""Powertools Tracer on the fallback's handler, when the X-Ray SDK is packaged.

With the template's ``Tracing=Enabled`` Lambda records the function's own X-Ray segments. The
handler's subsegment from Powertools Tracer needs ``aws-xray-sdk`` (Powertools imports it even to
build a disabled Tracer), which is not in requirements.txt by default: it depends on botocore, and
pip would package a second botocore (+21 MB unzipped) beside the runtime's. Without the SDK
``traced`` returns the handler unchanged instead of failing; add ``aws-xray-sdk`` to
requirements.txt to get the subsegments. ``POWERTOOLS_TRACE_DISABLED`` (set by the template from
``Tracing``) switches the Tracer off.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

__all__ = ["traced", "tracing_requested", "xray_sdk_available"]

_TRUE = frozenset({"1", "true", "yes", "on"})

Handler = TypeVar("Handler", bound=Callable[..., Any])


def xray_sdk_available() -> bool:
    return importlib.util.find_spec("aws_xray_sdk") is not None


def tracing_requested(env: Mapping[str, str]) -> bool:
    """False when ``POWERTOOLS_TRACE_DISABLED`` is true (the template's default, Tracing=Disabled)."""
    return env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() not in _TRUE


def traced(
    handler: Handler,
    *,
    sdk_available: Callable[[], bool] = xray_sdk_available,
    env: Mapping[str, str] | None = None,
) -> Handler:
    """``handler`` under Powertools Tracer (response not captured: it holds the user's words).

    Unchanged when tracing is off or the SDK is missing, so neither pays the SDK's import
    (about 0.5 s of cold start).
    """
    if not tracing_requested(os.environ if env is None else env) or not sdk_available():
        return handler
    from aws_lambda_powertools import Tracer

    return cast(Handler, Tracer().capture_lambda_handler(handler, capture_response=False))
