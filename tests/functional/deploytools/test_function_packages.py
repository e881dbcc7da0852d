"""The functions' packages as ``sam build`` makes them (their makefile targets, run here directly):
the X-Ray SDK and wrapt are in both, as python3.13 wheels, and botocore is not (the Lambda
runtime's serves the SDK). Then each handler is imported the way Lambda would, in a fresh
python3.13 (the host's, and the Lambda-compatible image's with its own boto3, whichever exist): with
tracing off the SDK is never imported; with it on botocore (the runtime's) is patched, so boto3
calls become subsegments.

Installing the locks needs PyPI (pip's cache helps), like ``make build``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploytools.function_build import (
    DEFAULT_RUNTIME,
    IMAGE,
    Compiler,
    _docker_image_exists,
    find_compiler,
)

ROOT = Path(__file__).resolve().parents[3]
#: What the Lambda Python runtime has on sys.path besides the function (taken from this venv).
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
FUNCTIONS = {
    # logical id: (code folder, handler module, handler attribute)
    "ChatApiFunction": ("chalice_app", "app", "app"),
    # the same folder and makefile recipe as the chat API (chalice_app/Makefile), another handler
    "StreamFunction": ("chalice_app", "app", "stream_events"),
    "FallbackFunction": ("fallback_function", "handler", "lambda_handler"),
}
WRAPT_EXTENSION = "_wrappers.cpython-313-x86_64-linux-gnu.so"

_PROBE = """\
import importlib, json, sys
sys.path[:0] = sys.argv[1:3]
getattr(importlib.import_module(sys.argv[3]), sys.argv[4])
import botocore.client
loaded = "aws_xray_sdk" in sys.modules
patched = False
if loaded:
    from aws_xray_sdk.core import patcher
    patched = "botocore" in patcher._PATCHED_MODULES
    import wrapt
    assert isinstance(botocore.client.BaseClient.__dict__["_make_api_call"], wrapt.FunctionWrapper)
print(json.dumps({"sdk_imported": loaded, "botocore_patched": patched,
                  "botocore_from": botocore.__file__}))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each function built by its makefile target, as sam build calls it."""
    out: dict[str, Path] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for logical_id, (folder, _, _) in FUNCTIONS.items():
        artifacts = tmp_path_factory.mktemp(logical_id)
        make = ["make", "-s", "-C", str(ROOT / folder), f"build-{logical_id}"]
        make += [f"ARTIFACTS_DIR={artifacts}", f"PYTHON={sys.executable}"]
        proc = subprocess.run(
            make,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out[logical_id] = artifacts
    return out


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_the_package_has_the_sdk_and_wrapt_for_313_but_no_botocore(built, logical_id) -> None:
    package = built[logical_id]
    assert (package / "aws_xray_sdk" / "core" / "recorder.py").is_file()
    assert (package / "wrapt" / WRAPT_EXTENSION).is_file()  # the python3.13 wheel, not this venv's
    for provided in ("botocore", "boto3", "s3transfer"):
        assert not (package / provided).exists(), provided
        assert not list(package.glob(f"{provided}-*.dist-info")), provided


def _runtime_dir(tmp_path: Path) -> Path:
    runtime = tmp_path / "lambda-runtime"
    runtime.mkdir()
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (runtime / source.name).symlink_to(source)
    return runtime


def _probe(compiler: Compiler, package: Path, runtime: Path, module: str, attr: str, env):
    env = {
        "LEX_BOT_ID": "LOCALBOTID",
        "LEX_BOT_ALIAS_ID": "TSTALIASID",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONNOUSERSITE": "1",
        "PATH": os.environ.get("PATH", ""),
        **env,
    }
    if compiler.python:
        cmd = [compiler.python, "-I", "-S", "-B", "-c", _PROBE, str(package), str(runtime)]
        cwd: Path | None = package
    else:  # the Lambda-compatible image: its own boto3, the package mounted read-only
        assert compiler.image
        cmd = ["docker", "run", "--rm", "--network", "none", "-v", f"{package}:/var/task:ro"]
        cmd += [
            arg for key, value in env.items() if key != "PATH" for arg in ("-e", f"{key}={value}")
        ]
        cmd += ["--entrypoint", compiler.image_python, compiler.image]
        cmd += ["-I", "-B", "-c", _PROBE, "/var/task", "/var/runtime"]
        cwd = None
    cmd += [module, attr]
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _runtime_python(where: str) -> Compiler:
    if where == "host":
        compiler = find_compiler(DEFAULT_RUNTIME)
        if compiler is None or compiler.python is None:
            pytest.skip(f"no host {DEFAULT_RUNTIME} (PATH, pyenv or $LAMBDA_PYTHON)")
        return compiler
    image = IMAGE.format(runtime=DEFAULT_RUNTIME)
    if not _docker_image_exists(image):
        pytest.skip(f"no Docker image {image} (`make lambda-image`)")
    python = f"/var/lang/bin/{DEFAULT_RUNTIME}"
    return Compiler(f"{image} (docker)", image=image, image_python=python)


@pytest.mark.parametrize("where", ["host", "image"])
@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
@pytest.mark.parametrize("tracing", ["off", "on"])
def test_the_handler_imports_the_sdk_only_with_tracing_on(
    built, tmp_path, where, logical_id, tracing
):
    compiler = _runtime_python(where)
    _, module, attr = FUNCTIONS[logical_id]
    env = {"POWERTOOLS_TRACE_DISABLED": "true" if tracing == "off" else "false"}
    if tracing == "on":  # as in Lambda: elsewhere Powertools keeps the Tracer off by itself
        env["AWS_LAMBDA_FUNCTION_NAME"] = logical_id
        env["LAMBDA_TASK_ROOT"] = "/var/task" if compiler.image else str(built[logical_id])
    result = _probe(compiler, built[logical_id], _runtime_dir(tmp_path), module, attr, env)
    assert result["sdk_imported"] is (tracing == "on")
    assert result["botocore_patched"] is (tracing == "on")
    runtime_botocore = "/var/runtime/" if compiler.image else str(tmp_path / "lambda-runtime")
    assert result["botocore_from"].startswith(runtime_botocore)  # not a copy in the package
