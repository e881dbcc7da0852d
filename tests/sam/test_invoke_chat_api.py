"""``sam local invoke ChatApiFunction`` with every API Gateway fixture in ``events/``.

The function runs in a container and talks to the real Lex emulator, which listens on Docker's
bridge address. Each answer must be what the in-process tests expect of the same fixture
(``tests/functional/chalice_app/test_chat_handler_events.EXPECTED``): the same status, the JSON
error shape with the same code, never a 5xx.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from lex_emulator import EmulatorServer, LexEmulator
from sam_local.invoke import invoke
from sam_local.sam_cli import REPO_ROOT
from tests.functional.chalice_app.test_chat_handler_events import EXPECTED
from tests.support.session_ids import TEST_SESSION_KEY

API_EVENTS = sorted((REPO_ROOT / "events").glob("apiGateway*.json"))


@pytest.fixture(scope="module")
def bridge_lex(gateway):
    """The Lex emulator for template.yaml on the bridge address (hooks in-process)."""
    server = EmulatorServer(LexEmulator.from_template(REPO_ROOT / "template.yaml"), host=gateway)
    server.start()
    yield server
    server.stop()


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in API_EVENTS) == sorted(EXPECTED)


def test_every_api_gateway_fixture_answers_as_in_process(lambda_image, bridge_lex, janitor):
    env = {
        "ChatApiFunction": {
            "LEX_ENDPOINT_URL": bridge_lex.url,
            "LEX_BOT_ID": "LOCALBOTID",
            "LEX_BOT_ALIAS_ID": "TSTALIASID",
            # the key the fixtures' session ids are signed with
            "SESSION_KEY": TEST_SESSION_KEY,
        }
    }

    def one(event):
        return event.name, invoke(
            "ChatApiFunction", event, env, image=lambda_image, timeout=90, logs=[]
        )

    with ThreadPoolExecutor(2) as pool:
        results = dict(pool.map(one, API_EVENTS))
    for name, answer in sorted(results.items()):
        status, code = EXPECTED[name]
        assert answer["statusCode"] == status, (name, answer)
        body = json.loads(answer["body"])
        if code is None:
            assert "error" not in body, (name, body)
        else:
            assert body["error"]["code"] == code, (name, body)
            assert body["error"]["message"]
    hello = json.loads(results["apiGatewayChatPost.json"]["body"])
    assert hello["source"] in ("lex", "llm") and hello["messages"], hello
