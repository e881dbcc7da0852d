"""Powertools Tracer on the chat API, only when the template's ``Tracing=Active`` asks for it.

The template sets ``POWERTOOLS_TRACE_DISABLED`` from ``Tracing`` (``true`` by default). When it is
``false`` and the X-Ray SDK is packaged (the SAM build installs ``aws-xray-sdk`` and ``wrapt`` from
``requirements-tracing.lock``; botocore is the Lambda runtime's), ``register_tracing`` adds one
Chalice middleware that runs every HTTP request inside a ``## chat_api`` subsegment (annotations
``ColdStart`` and ``Service`` only) and lets the SDK patch botocore, so each boto3 call (Lex
``RecognizeText``, Secrets Manager) becomes a subsegment of its own. Nothing the user sent or got
is recorded: no response capture, no error capture (an exception message may quote the request),
no metadata. With tracing off, or without the SDK, nothing is imported: the cold start does not pay
the SDK's import.

Outside Lambda (``chalice local``, ``make dev``, tests) Powertools keeps the Tracer disabled by
itself, so the middleware is a pass-through there.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol

__all__ = ["register_tracing", "tracing_requested", "xray_sdk_available"]

_TRUE = frozenset({"1", "true", "yes", "on"})
#: Only botocore: the SDK's other patches (requests, sqlite3, ...) trace nothing this API uses.
PATCHED_MODULES = ("botocore",)

Middleware = Callable[[Any, Callable[[Any], Any]], Any]


class RegistersMiddleware(Protocol):
    """What ``register_tracing`` needs of ``chalice.app.Chalice`` (tests pass a fake)."""

    def register_middleware(self, func: Any, event_type: str = ...) -> None: ...


def xray_sdk_available() -> bool:
    return importlib.util.find_spec("aws_xray_sdk") is not None


def tracing_requested(env: Mapping[str, str]) -> bool:
    """False when ``POWERTOOLS_TRACE_DISABLED`` is true (the template's default, Tracing=Disabled)."""
    return env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() not in _TRUE


def make_tracing_middleware() -> Middleware:
    """A Chalice HTTP middleware under Powertools Tracer (imports the SDK and patches botocore)."""
    from aws_lambda_powertools import Tracer

    tracer = Tracer(patch_modules=PATCHED_MODULES)

    def chat_api(request: Any, get_response: Callable[[Any], Any]) -> Any:
        return get_response(request)

    # capture_lambda_handler's (event, context) are Chalice's (request, get_response) here: it
    # only passes them on, and names the subsegment after the function ("## chat_api").
    traced: Middleware = tracer.capture_lambda_handler(
        chat_api, capture_response=False, capture_error=False
    )
    return traced


def register_tracing(
    app: RegistersMiddleware,
    *,
    sdk_available: Callable[[], bool] = xray_sdk_available,
    env: Mapping[str, str] | None = None,
    make_middleware: Callable[[], Middleware] = make_tracing_middleware,
) -> bool:
    """Add the tracing middleware to ``app`` when tracing is on and the SDK is there.

    Call it before the other middleware, so the subsegment covers them too. True if added.
    """
    if not tracing_requested(os.environ if env is None else env) or not sdk_available():
        return False
    app.register_middleware(make_middleware(), "http")
    return True
