"""The fallback's Powertools Tracer, safe whether or not the X-Ray SDK is packaged.

With the template's ``Tracing=Enabled`` Lambda records the function's own X-Ray segments. The
handler's subsegment from Powertools Tracer needs ``aws-xray-sdk``, which is not in
requirements.txt by default: it depends on botocore, and pip would package a second botocore
(+21 MB unzipped) beside the runtime's. Without the SDK the Tracer is switched off here, instead
of failing the first traced call; add ``aws-xray-sdk`` to requirements.txt to get the subsegments.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from aws_lambda_powertools import Tracer

__all__ = ["make_tracer", "xray_sdk_available"]


def xray_sdk_available() -> bool:
    return importlib.util.find_spec("aws_xray_sdk") is not None


def make_tracer(sdk_available: Callable[[], bool] = xray_sdk_available) -> Tracer:
    """A Tracer that follows POWERTOOLS_TRACE_DISABLED, and is off when the SDK is missing."""
    return Tracer() if sdk_available() else Tracer(disabled=True)
