"""The env.json the containers get: loopback URLs relayed (over real sockets), the rest kept."""

from __future__ import annotations

import socket
import stat
import threading

from sam_local.relay import Relay, is_loopback_url
from sam_local.sam_cli import ContainerSettings

# In the real runs the relay listens on Docker's bridge address; here loopback stands in for it,
# so the test needs no Docker.
LISTEN = "127.0.0.1"


def _echo_server():
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"echo:" + conn.recv(100))

    threading.Thread(target=serve, daemon=True).start()
    return server


def test_loopback_urls_are_recognised():
    assert is_loopback_url("http://127.0.0.1:11434/v1")
    assert is_loopback_url("http://localhost:8080")
    assert not is_loopback_url("http://172.17.0.1:8080/v1")
    assert not is_loopback_url("https://api.openai.com/v1")


def test_the_relay_copies_bytes_both_ways():
    server = _echo_server()
    port = server.getsockname()[1]
    relay = Relay(LISTEN, f"http://127.0.0.1:{port}").start()
    try:
        with socket.create_connection((LISTEN, relay.port), timeout=5) as client:
            client.sendall(b"ping")
            assert client.recv(100) == b"echo:ping"
    finally:
        relay.stop()
        server.close()


def test_settings_rewrite_loopback_urls_keep_others_and_clear_the_secret():
    env = {
        "FallbackFunction": {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "m"},
        "ChatApiFunction": {"LEX_ENDPOINT_URL": "http://172.17.0.1:4010"},
    }
    with ContainerSettings(env, LISTEN) as settings:
        fallback = settings.env_vars["FallbackFunction"]
        relay = settings.relays[0]
        assert fallback["OPENAI_BASE_URL"] == f"http://{LISTEN}:{relay.port}/v1"
        assert fallback["OPENAI_MODEL"] == "m"
        assert fallback["OPENAI_API_KEY_SECRET_ARN"] == ""
        chat = settings.env_vars["ChatApiFunction"]
        assert chat["LEX_ENDPOINT_URL"] == "http://172.17.0.1:4010"
        assert chat["SESSION_KEY_SECRET_ARN"] == ""
        assert len(chat["SESSION_KEY"]) >= 32  # generated for this run
        assert stat.S_IMODE(settings.path.stat().st_mode) == 0o600
        path = settings.path
    assert not path.exists()


def test_settings_keep_a_session_key_that_env_json_sets():
    env = {"ChatApiFunction": {"SESSION_KEY": "k" * 40}}
    with ContainerSettings(env, LISTEN) as settings:
        assert settings.env_vars["ChatApiFunction"]["SESSION_KEY"] == "k" * 40
    with ContainerSettings({}, LISTEN) as first, ContainerSettings({}, LISTEN) as second:
        assert (
            first.env_vars["ChatApiFunction"]["SESSION_KEY"]
            != (second.env_vars["ChatApiFunction"]["SESSION_KEY"])
        )
