"""What a Lambda-compatible image holds for each Python runtime the template may name.

The Debian release is the one whose ``python3`` is the runtime's version. boto3/botocore are the
versions the Lambda runtime ships, because the functions rely on the runtime's boto3 (neither
function packages it):

* python3.11: boto3 1.27.1 / botocore 1.30.1, the last per-runtime table of the Lambda docs
  (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, as quoted by a botocore
  maintainer in https://github.com/boto/botocore/issues/3082). Today's page
  (https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html#python-sdk-included) says the
  version "depends on the runtime version and your AWS Region" and no longer lists it.
* python3.13: boto3/botocore 1.38.36, observed in the python3.12 and python3.13 runtimes
  (https://github.com/terricain/aioboto3/issues/381, 2025-08); the docs never listed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["RUNTIMES", "RuntimeSpec", "UnsupportedRuntime", "template_runtime"]


class UnsupportedRuntime(ValueError):
    """The template names a runtime this project cannot build an image for."""


@dataclass(frozen=True)
class RuntimeSpec:
    name: str  # "python3.11"
    python: str  # "3.11"
    debian_suite: str  # "bookworm"
    pip_pins: tuple[str, ...]  # what /var/runtime holds besides awslambdaric

    @property
    def tag(self) -> str:
        return f"lex-llm-chatbot/lambda:{self.name}"


RUNTIMES: dict[str, RuntimeSpec] = {
    "python3.11": RuntimeSpec(
        "python3.11",
        "3.11",
        "bookworm",
        ("awslambdaric==4.2.2", "boto3==1.27.1", "botocore==1.30.1", "s3transfer==0.6.2"),
    ),
    "python3.13": RuntimeSpec(
        "python3.13",
        "3.13",
        "trixie",
        ("awslambdaric==4.2.2", "boto3==1.38.36", "botocore==1.38.36", "s3transfer==0.13.1"),
    ),
}


def template_runtime(template: str | Path) -> RuntimeSpec:
    """The image spec for the template's ``Globals.Function.Runtime`` (every function uses it)."""
    from lex_emulator.cfn_template import load_template

    data: dict[str, Any] = load_template(template)
    runtime = ((data.get("Globals") or {}).get("Function") or {}).get("Runtime")
    names = {runtime} if isinstance(runtime, str) else set()
    for res in (data.get("Resources") or {}).values():
        if isinstance(res, dict) and res.get("Type") == "AWS::Serverless::Function":
            own = (res.get("Properties") or {}).get("Runtime")
            if isinstance(own, str):
                names.add(own)
    if len(names) != 1:
        raise UnsupportedRuntime(
            f"{template}: expected one Python runtime for every function, found {sorted(names)}"
        )
    return runtime_spec(names.pop())


def runtime_spec(name: str) -> RuntimeSpec:
    try:
        return RUNTIMES[name]
    except KeyError:
        raise UnsupportedRuntime(
            f"no Lambda image recipe for runtime {name!r} (known: {', '.join(RUNTIMES)})"
        ) from None
