"""Powertools Tracer on the fallback's handler, only when the template's ``Tracing=Active`` asks.

With ``Tracing=Active`` Lambda records the function's own X-Ray segments and the template sets
``POWERTOOLS_TRACE_DISABLED=false``; ``traced`` then wraps the handler in Powertools Tracer: a
``## lambda_handler`` subsegment (annotations ``ColdStart`` and ``Service`` only) and, through the
SDK's botocore patch, one subsegment per boto3 call (the Secrets Manager fetch of the key). The
package carries ``aws-xray-sdk`` and ``wrapt`` (requirements.lock); the SDK's botocore is the Lambda
runtime's, not a second copy. Nothing the user wrote or got is recorded: no response capture, no
error capture (an exception message may quote the request), no metadata.

With tracing off (the default) or without the SDK, ``traced`` returns the handler unchanged and
nothing is imported, so the cold start does not pay the SDK's import.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

__all__ = ["PATCHED_MODULES", "traced", "tracing_requested", "xray_sdk_available"]

_TRUE = frozenset({"1", "true", "yes", "on"})
#: Only botocore: httpx2 (the OpenAI SDK's HTTP client) has no SDK patch, the rest is unused.
PATCHED_MODULES = ("botocore",)

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
    """``handler`` under Powertools Tracer when tracing is on and the SDK is there, else itself."""
    if not tracing_requested(os.environ if env is None else env) or not sdk_available():
        return handler
    from aws_lambda_powertools import Tracer

    tracer = Tracer(patch_modules=PATCHED_MODULES)
    wrapped = tracer.capture_lambda_handler(handler, capture_response=False, capture_error=False)
    return cast(Handler, wrapped)
