"""``make insights LOG_GROUP=...``: the entries are read from CloudWatch Logs through boto3
(moto's server on loopback, real HTTP), paging through every stream of the group."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.support.insights_data import generate_log

REPO = Path(__file__).resolve().parents[3]
GROUP = "/lex/test-stack/conversation-logs"


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_log_group_entries_are_read_through_boto3(endpoint: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": str(REPO),
    }
    logs = boto3.client(
        "logs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    logs.create_log_group(logGroupName=GROUP)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(hours=2)
    lines = [line for line, _ in generate_log(3000, seed=2, start=start)]
    for stream in ("live/a", "live/b"):
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    stamp = int(start.timestamp() * 1000)
    for i in range(0, len(lines), 500):
        logs.put_log_events(
            logGroupName=GROUP,
            logStreamName="live/a" if i % 1000 == 0 else "live/b",
            logEvents=[
                {"timestamp": stamp + j, "message": line}
                for j, line in enumerate(lines[i : i + 500], start=i)
            ],
        )
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "insights", "--log-group", GROUP, "--days", "1", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "read 3,000 lines: 3,000 turns" in run.stderr
    md = (out / "insights.md").read_text()
    fallback = sum(json.loads(line)["missedUtterance"] for line in lines)
    assert f"| all | 3,000 | {fallback:,} |" in md
    assert "Order" in (out / "intents.yaml").read_text()


def test_a_missing_log_group_is_one_clear_line(endpoint: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": str(REPO),
    }
    run = subprocess.run(
        [sys.executable, "-m", "insights", "--log-group", "/nope", "--out", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("insights: cannot read log group /nope")
    assert "Traceback" not in run.stderr
