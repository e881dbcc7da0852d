"""A stand-in X-Ray daemon on loopback UDP, and a child process that runs a handler "in Lambda".

The X-Ray SDK sends each finished (sub)segment as one UDP datagram to ``AWS_XRAY_DAEMON_ADDRESS``:
a header line ``{"format": "json", "version": 1}`` and the document
(https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon).
``XRayDaemon`` keeps the raw datagrams and the decoded documents. ``run_traced`` runs a handler in a
fresh interpreter with the environment Lambda gives a function with ``Tracing=Active`` (task root,
function name, a sampled ``_X_AMZN_TRACE_ID``), so Powertools Tracer is on and the SDK patches
botocore there, not in the test process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793"
PARENT_ID = "53995c3f42cd8ad8"


class XRayDaemon:
    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._sock.getsockname()[1]}"
        self.raw: list[bytes] = []

    def __enter__(self) -> XRayDaemon:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._sock.close()

    def drain(self, quiet_seconds: float = 0.3, max_datagrams: int = 1000) -> list[dict[str, Any]]:
        """Every document received so far (waits until ``quiet_seconds`` pass without one)."""
        self._sock.settimeout(quiet_seconds)
        for _ in range(max_datagrams):
            try:
                data, _ = self._sock.recvfrom(65535)
            except TimeoutError:
                break
            self.raw.append(data)
        documents = []
        for data in self.raw:
            header, _, body = data.partition(b"\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            documents.append(json.loads(body))
        return documents


_CHILD = """\
import importlib, json, sys
code_dir, module, attr, event_file = sys.argv[1:5]
sys.path.insert(0, code_dir)
handler = getattr(importlib.import_module(module), attr)
class Context:
    function_name = "traced-function"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:traced-function"
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/traced-function"
    log_stream_name = "local"
    def get_remaining_time_in_millis(self):
        return 20000
with open(event_file, encoding="utf-8") as f:
    event = json.load(f)
print("ANSWER " + json.dumps(handler(event, Context())))
"""


def run_traced(
    code_dir: Path,
    module: str,
    attr: str,
    event: dict[str, Any],
    env: dict[str, str],
    daemon: XRayDaemon,
    scratch: Path,
) -> dict[str, Any]:
    """The handler's answer, from a child with tracing on and ``daemon`` as its X-Ray daemon."""
    event_file = scratch / "event.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    child_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(scratch),
        "AWS_CONFIG_FILE": str(scratch / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "no-aws-credentials"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        **env,
        # last, so a template's environment (Tracing=Disabled by default) cannot switch it off
        "POWERTOOLS_TRACE_DISABLED": "false",
        "LAMBDA_TASK_ROOT": str(code_dir),
        "AWS_LAMBDA_FUNCTION_NAME": "traced-function",
        "_X_AMZN_TRACE_ID": f"Root={TRACE_ID};Parent={PARENT_ID};Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": daemon.address,
    }
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(code_dir), module, attr, str(event_file)],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("ANSWER "))
    answer: dict[str, Any] = json.loads(line.removeprefix("ANSWER "))
    return answer
