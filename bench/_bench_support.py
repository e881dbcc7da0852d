"""Shared helpers for bench/cold_start.py, bench/warm_overhead.py and bench/package_size.py.

Everything here is plumbing: the repo root on ``sys.path``, dummy AWS settings, local servers
(``moto_server``, the Lex emulator) started as child processes on free loopback ports, a Lambda-like
context object, percentiles and a plain-text table.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lex_emulator.cfn_template import FunctionSpec, load_template, resolve_function  # noqa: E402
from tests.support.events import load_event  # noqa: E402, F401 - re-exported for the benches

TEMPLATE = REPO / "template.yaml"
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = sys.executable
REGION = "us-east-1"
LOCAL_BOT_ID = "LOCALBOTID"
LOCAL_ALIAS_ID = "TSTALIASID"

#: Dummy credentials and region so botocore never looks at ~/.aws, IMDS or a real account.
DUMMY_AWS_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

#: Variables of the caller that must not leak into a measured child.
_DROPPED_PREFIXES = ("AWS_", "OPENAI_", "LEX_", "LLM_", "POWERTOOLS_")
_DROPPED_NAMES = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONPROFILEIMPORTTIME",
)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment for a child: no caller AWS/OpenAI settings, .pyc writing enabled."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_DROPPED_PREFIXES) and k not in _DROPPED_NAMES
    }
    env.update(DUMMY_AWS_ENV)
    env.update(extra or {})
    return env


def function_spec(logical_id: str, overrides: Mapping[str, str] | None = None) -> FunctionSpec:
    """The template's function, its environment with SAM env.json-style overrides applied."""
    template = load_template(TEMPLATE)
    env_overrides = {logical_id: dict(overrides)} if overrides else None
    return resolve_function(template, logical_id, REPO, env_overrides)


def with_session_id(event: dict[str, Any], session_id: str | None) -> dict[str, Any]:
    """A copy of the API Gateway /chat event whose JSON body carries ``session_id`` (None: no
    ``sessionId``, so the chat API issues a new one)."""
    body = json.loads(event["body"])
    if session_id is None:
        body.pop("sessionId", None)
    else:
        body["sessionId"] = session_id
    out = dict(event)
    out["body"] = json.dumps(body, ensure_ascii=False)
    return out


# --------------------------------------------------------------------------- Lambda context
@dataclass
class FakeLambdaContext:
    """The attributes of the Python runtime's ``LambdaContext`` that the handlers read."""

    function_name: str = "bench-function"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"
    log_group_name: str = "/aws/lambda/bench-function"
    log_stream_name: str = "bench"
    timeout_seconds: float = 25.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# --------------------------------------------------------------------------- local servers
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[Any] | None, timeout: float = 60.0) -> None:
    """Poll ``url`` until anything answers over HTTP (any status); raise if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url} within {timeout:.0f} s")


class ServerProcess:
    """A local server in a child process on a free loopback port, stopped by its own pid."""

    def __init__(self, argv: Sequence[str], url: str, probe_path: str = "/") -> None:
        self.url = url
        self._argv = list(argv)
        self._probe = url + probe_path
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        self._proc = subprocess.Popen(
            self._argv,
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_http(self._probe, self._proc)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __exit__(self, *exc: object) -> None:
        self.stop()


def moto_server() -> ServerProcess:
    """``moto_server`` (real AWS protocol, Secrets Manager included) on a free loopback port."""
    port = free_port()
    exe = VENV_BIN / "moto_server"
    argv = [str(exe)] if exe.exists() else [PYTHON, "-m", "moto.server"]
    return ServerProcess(
        [*argv, "-H", "127.0.0.1", "-p", str(port)],
        f"http://127.0.0.1:{port}",
        "/moto-api/",
    )


def lex_emulator_server() -> ServerProcess:
    """``python -m lex_emulator --template template.yaml --port N`` on a free loopback port."""
    port = free_port()
    return ServerProcess(
        [PYTHON, "-m", "lex_emulator", "--template", str(TEMPLATE), "--port", str(port)],
        f"http://127.0.0.1:{port}",
    )


def create_secret(endpoint_url: str, name: str, value: str) -> str:
    """Create a plain-string secret in the local Secrets Manager; returns its ARN."""
    import boto3

    client = boto3.client(
        "secretsmanager",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )
    arn: str = client.create_secret(Name=name, SecretString=value)["ARN"]
    return arn


# --------------------------------------------------------------------------- statistics
def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), -(-q * len(ordered) // 100)))
    return ordered[int(rank) - 1]


# --------------------------------------------------------------------------- output
def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(row):
            numeric = cell.replace(".", "", 1).replace("-", "", 1).replace("x", "").isdigit()
            parts.append(cell.rjust(widths[i]) if numeric else cell.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def machine_load() -> str:
    """The 1-minute load average and CPU count, to read noisy figures against."""
    try:
        one, _five, _fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} on {os.cpu_count()} CPUs"
