"""The whole local stack through its one origin: page, Lex turn, LLM turn, and clean stops."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from devstack import Stack, StackError
from devstack.stream_template import has_stream_function
from lex_emulator.cfn_template import load_template
from tests.fakes.fake_openai import FakeOpenAI
from tests.functional.devstack.proc_utils import group_members, is_alive, wait_all_gone

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "template.yaml"
# With a StreamFunction in the template the stack also runs the /stream gateway and moto.
CHILDREN = {"lex", "api", "front"} | (
    {"db", "stream"} if has_stream_function(load_template(TEMPLATE)) else set()
)


def _env_vars(base_url: str) -> dict[str, Any]:
    return {
        "Parameters": {},
        "FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": base_url},
        "ChatApiFunction": {},
    }


def _request(url: str, method: str, path: str, body: dict[str, Any] | None = None):
    rest = url.split("://", 1)[1].rstrip("/")
    host, port = rest.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def _chat(url: str, text: str, session_id: str | None = None, locale: str = "ko_KR"):
    """One turn; without ``session_id`` the server issues a new one (in the answer)."""
    request: dict[str, Any] = {"text": text, "localeId": locale}
    if session_id is not None:
        request["sessionId"] = session_id
    status, _, body = _request(url, "POST", "/chat", request)
    return status, json.loads(body)


@pytest.fixture(scope="module")
def llm():
    """A zero-delay OpenAI-compatible fake on loopback."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(llm):
    """One running stack for the read-only tests of this module."""
    with Stack(port=0, template=TEMPLATE, env_vars=_env_vars(llm.base_url)) as running:
        yield running


def test_root_serves_the_chat_page(stack):
    status, content_type, body = _request(stack.url, "GET", "/")
    assert status == 200
    assert content_type == "text/html; charset=utf-8"
    assert b"<html" in body.lower()


def test_url_is_the_front_origin(stack):
    assert stack.url.startswith("http://127.0.0.1:")
    assert stack.url.endswith("/")


def test_hello_goes_to_lex_and_asks_for_the_name(stack):
    status, body = _chat(stack.url, "안녕")
    assert status == 200
    assert body["source"] == "lex"
    assert [m["content"] for m in body["messages"]] == ["이름이 무엇인가요?"]


def test_the_hello_dialog_finishes_in_one_session(stack):
    _, first = _chat(stack.url, "안녕")
    status, body = _chat(stack.url, "홍길동", first["sessionId"])
    assert status == 200
    assert body["messages"][0]["content"] == "반갑습니다, 홍길동님."


def test_fallback_question_is_answered_by_the_llm(stack, llm):
    question = "하늘은 왜 파란가요?"
    status, body = _chat(stack.url, question)
    assert status == 200
    assert body["source"] == "llm"
    assert body["messages"][0]["content"] == f"[fake-llm] You asked: {question}"
    assert any(question in json.dumps(r, ensure_ascii=False) for r in llm.requests)


def test_health_passes_through(stack):
    status, content_type, body = _request(stack.url, "GET", "/health")
    assert status == 200
    assert content_type.startswith("application/json")
    assert json.loads(body)


def test_chat_errors_keep_the_apis_json_shape(stack):
    status, _, body = _request(stack.url, "POST", "/chat", {"text": ""})
    assert status == 400
    assert json.loads(body)["error"]["code"]


def test_llm_mode_reflects_the_settings(stack):
    assert stack.llm_mode.kind == "compatible"


def test_stop_leaves_no_child_processes(llm):
    with Stack(port=0, template=TEMPLATE, env_vars=_env_vars(llm.base_url)) as running:
        pids = dict(running.pids)
        assert set(pids) == CHILDREN
        assert all(is_alive(pid) for pid in pids.values())
    assert wait_all_gone(pids.values()) == []
    for pid in pids.values():
        assert group_members(pid) == []


def test_a_child_that_dies_stops_the_stack_with_a_clear_message(llm):
    with Stack(port=0, template=TEMPLATE, env_vars=_env_vars(llm.base_url)) as running:
        pids = dict(running.pids)
        os.kill(pids["api"], signal.SIGKILL)
        failure = running.wait(timeout=30)
        assert failure is not None
        assert "Chalice app" in failure
        assert "SIGKILL" in failure
        assert wait_all_gone(pids.values()) == []


def test_unknown_template_is_a_clear_error(tmp_path):
    with pytest.raises(StackError, match="cannot read template"):
        Stack(template=tmp_path / "missing.yaml")


def _start_cli(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(extra_env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "devstack", "--template", str(TEMPLATE), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read_until(proc: subprocess.Popen[str], marker: str) -> list[str]:
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError("devstack ended before printing " + marker + ":\n" + "\n".join(lines))


def _child_pids(lines: list[str]) -> list[int]:
    line = next(x for x in lines if x.startswith("devstack: processes:"))
    return [int(part.split()[-1]) for part in line.split(":", 2)[2].split(",")]


def test_cli_takes_the_llm_from_the_environment_and_stops_on_sigterm(tmp_path, llm):
    env_file = tmp_path / "env.json"
    env_file.write_text(
        json.dumps({"FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "http://x/v1"}})
    )
    proc = _start_cli(
        *("--port", "0", "--quiet", "--env-vars", str(env_file)),
        extra_env={"OPENAI_BASE_URL": llm.base_url},
    )
    try:
        lines = _read_until(proc, "Chat page: ")
        assert any(f"LLM mode: OpenAI-compatible server at {llm.base_url}" in x for x in lines)
        url = lines[-1].split("Chat page: ", 1)[1]
        assert _request(url, "GET", "/")[0] == 200
        status, body = _chat(url, "Why is the sky blue?", locale="en_US")
        assert (status, body["source"]) == (200, "llm")
        assert body["messages"][0]["content"] == "[fake-llm] You asked: Why is the sky blue?"
        children = _child_pids(lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert wait_all_gone(children) == []


def test_children_die_when_the_supervisor_is_killed():
    proc = _start_cli("--port", "0", "--quiet")
    try:
        lines = _read_until(proc, "Chat page: ")
        children = _child_pids(lines)
        assert len(children) == len(CHILDREN)
        proc.kill()  # SIGKILL: no chance to clean up; the watchdog pipes must do it
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert wait_all_gone(children) == []


def test_port_in_use_is_reported_and_nothing_is_left_running():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start_cli("--port", str(port), "--quiet")
        out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out
    assert "cannot start: the front server exited" in out


def test_startup_deadline_is_enforced_and_cleans_up(llm):
    stack = Stack(port=0, template=TEMPLATE, env_vars=_env_vars(llm.base_url), startup_timeout=0.01)
    with pytest.raises(StackError, match="did not become ready in time"):
        stack.start()
    assert stack.pids
    assert wait_all_gone(stack.pids.values()) == []
    with pytest.raises(StackError, match="started already"):
        stack.start()


def test_cli_without_llm_settings_says_so(tmp_path):
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps({"FallbackFunction": {"OPENAI_API_KEY": ""}}))
    proc = _start_cli("--port", "0", "--quiet", "--env-vars", str(env_file))
    try:
        lines = _read_until(proc, "Chat page: ")
        assert any("LLM mode: none" in x for x in lines)
        url = lines[-1].split("Chat page: ", 1)[1]
        status, body = _chat(url, "하늘은 왜 파란가요?")
        assert (status, body["source"]) == (200, "llm")
        # the generic notice (issue 9: users learn nothing of the setup), not an answer
        assert body["intent"]["state"] == "Failed"
        assert "OPENAI" not in body["messages"][0]["content"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    "first, second", [(signal.SIGTERM, signal.SIGTERM), (signal.SIGINT, signal.SIGTERM)]
)
def test_a_repeated_stop_signal_does_not_interrupt_the_shutdown(first, second):
    """timeout/make/a terminal may each pass the signal on: the second one must not raise."""
    proc = _start_cli("--port", "0", "--quiet", "--env-vars", str(REPO / "env.example.json"))
    try:
        lines = _read_until(proc, "Chat page: ")
        children = _child_pids(lines)
        proc.send_signal(first)
        proc.send_signal(second)
        assert proc.wait(timeout=30) == 0
        assert proc.stdout is not None
        rest = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in rest
    assert "devstack: stopped." in rest
    assert wait_all_gone(children) == []


def test_the_stack_issues_session_ids_and_refuses_client_chosen_ones(stack):
    _, first = _chat(stack.url, "안녕")
    assert first["sessionId"].startswith("s1.")
    for chosen in ("ab", "..", f"s1.{'A' * 22}.{'B' * 22}"):
        status, body = _chat(stack.url, "홍길동", chosen)
        assert (status, body["error"]["code"]) == (400, "invalid_session_id")


def test_nfd_hangul_matches_the_intent_nfc_matches(stack):
    """Issue 10 item 6: the API normalises to NFC before Lex sees the text."""
    nfd = unicodedata.normalize("NFD", "안녕")
    assert nfd != "안녕"
    status, body = _chat(stack.url, nfd)
    assert status == 200 and body["source"] == "lex"
    assert [m["content"] for m in body["messages"]] == ["이름이 무엇인가요?"]


def test_zero_width_only_text_is_400_and_never_reaches_the_llm(stack, llm):
    before = len(llm.requests)
    status, body = _chat(stack.url, "\u200b\u200c\u2060\ufeff")
    assert (status, body["error"]["code"]) == (400, "invalid_text")
    assert len(llm.requests) == before
