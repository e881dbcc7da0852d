"""``python -m lex_emulator`` as a user runs it: startup, boto3 over HTTP, clean SIGTERM/Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading

import pytest

from tests.functional.lex_emulator.conftest import MAIN_TEMPLATE, REPO
from tests.functional.lex_emulator.lex_clients import lex_client, message, say


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lex_emulator", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _one_clean_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_missing_template_is_one_line_and_exit_2(tmp_path):
    result = _run("--template", str(tmp_path / "nope.yaml"), "--port", "0")
    assert result.returncode == 2
    assert "nope.yaml" in _one_clean_line(result.stderr)


def test_broken_template_names_the_resource_and_property(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "Resources:\n"
        "  Bot:\n"
        "    Type: AWS::Lex::Bot\n"
        "    Properties:\n"
        "      Name: b\n"
        "      RoleArn: arn:aws:iam::123456789012:role/lex\n"
        "      DataPrivacy: {ChildDirected: false}\n"
        "      IdleSessionTTLInSeconds: 300\n"
        "      BotLocales:\n"
        "        - LocaleId: en_US\n"
        "          NluConfidenceThreshold: lots\n",
        encoding="utf-8",
    )
    result = _run("--template", str(bad), "--port", "0")
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    assert "Bot" in line and "NluConfidenceThreshold" in line


def test_invalid_yaml_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("Resources: [unclosed\n", encoding="utf-8")
    result = _run("--template", str(bad), "--port", "0")
    assert result.returncode == 2
    assert "broken.yaml" in _one_clean_line(result.stderr)


@pytest.mark.parametrize(
    "content",
    ["{not json", '["a list"]', '{"FallbackFunction": {"X": {"nested": 1}}}'],
)
def test_bad_env_json_is_one_line_and_exit_2(tmp_path, content):
    env = tmp_path / "env.json"
    env.write_text(content, encoding="utf-8")
    result = _run("--template", str(MAIN_TEMPLATE), "--env-vars", str(env), "--port", "0")
    assert result.returncode == 2
    assert "env.json" in _one_clean_line(result.stderr)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serves_boto3_and_stops_cleanly(tmp_path, stop_signal):
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"FallbackFunction": {"OPENAI_MODEL": "test-model"}}))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lex_emulator",
            "--template",
            str(MAIN_TEMPLATE),
            "--port",
            "0",
            "--env-vars",
            str(env),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    killer = threading.Timer(90, proc.kill)  # never leave a server behind
    killer.start()
    try:
        assert proc.stdout is not None
        startup: list[str] = []
        url = None
        for line in proc.stdout:
            startup.append(line.rstrip())
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if found:
                url = found.group(1)
                break
        assert url, "\n".join(startup)
        banner = "\n".join(startup)
        assert "ko_KR" in banner and "en_US" in banner
        assert "HelloWorld" in banner and "FallbackIntent" in banner

        client = lex_client(url)
        assert message(say(client, "en_US", "cmd-1", "hello")) == "What is your name?"

        proc.send_signal(stop_signal)
        out, err = proc.communicate(timeout=30)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in out


def test_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _run("--template", str(MAIN_TEMPLATE), "--port", str(port))
    assert result.returncode == 2
    assert f"127.0.0.1:{port}" in _one_clean_line(result.stderr)


def test_start_up_names_what_the_emulator_ignores_or_replaces(tmp_path):
    from tests.conformance.harness import bot_template, intent, locale

    template = tmp_path / "bot.yaml"
    template.write_text(
        bot_template(
            locale(
                "en_US",
                [
                    intent("Hello", ["hello"], closing="Hi!"),
                    intent(
                        "Faq",
                        ParentIntentSignature="AMAZON.QnAIntent",
                        QnAIntentConfiguration={
                            "BedrockModelConfiguration": {
                                "ModelArn": "arn:aws:bedrock:us-east-1::foundation-model/m"
                            },
                            "DataSourceConfiguration": {
                                "BedrockKnowledgeStoreConfiguration": {
                                    "BedrockKnowledgeBaseArn": "arn:aws:bedrock:us-east-1:"
                                    "123456789012:knowledge-base/KB12345678"
                                }
                            },
                        },
                    ),
                ],
                VoiceSettings={"VoiceId": "Joanna"},
            )
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "lex_emulator", "--template", str(template), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    killer = threading.Timer(90, proc.kill)  # never leave a server behind
    killer.start()
    try:
        assert proc.stdout is not None
        startup: list[str] = []
        for line in proc.stdout:
            startup.append(line.rstrip())
            if "listening on" in line:
                break
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert any("listening on" in line for line in startup), err
    warnings = [line for line in startup if line.startswith("WARNING: ")]
    assert any("BotLocale.VoiceSettings is not implemented" in w for w in warnings), startup
    assert any("AMAZON.QnAIntent" in w and "FallbackIntent answers instead" in w for w in warnings)
