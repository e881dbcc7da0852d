"""The ``sam`` tier: the real SAM CLI running the functions in containers (``sam local ...``).

Needs Docker and the locally built Lambda image (``make lambda-image``; built here if missing).
Without Docker these tests skip, except with ``CI=true``, where they fail: CI must run them.

Network: the containers reach this machine only through Docker's bridge. Every server a container
calls (the fake OpenAI server, the Lex emulator) listens on the bridge's gateway address (e.g.
172.17.0.1), which exists only on this host and is reachable from its containers and itself; none
listens on 0.0.0.0. SAM publishes the containers' ports on 127.0.0.1 only.

Cleanup: every SAM container a test starts is removed after it (``ContainerJanitor``), and the
session ends by checking ``docker ps`` for leftovers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sam_local.docker_env import ContainerJanitor, bridge_gateway, docker_problem, sam_containers
from sam_local.image import ensure_fresh_derived
from sam_local.runtimes import RuntimeSpec, template_runtime
from sam_local.sam_cli import BUILT_TEMPLATE, REPO_ROOT
from tests.fakes.fake_openai import FakeOpenAI

SOURCES = ("template.yaml", "fallback_function", "chalice_app")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"sam tests need Docker in CI: {reason}", pytrace=False)
    pytest.skip(f"sam tests need Docker: {reason}")


def _build_is_stale() -> bool:
    if not BUILT_TEMPLATE.is_file():
        return True
    built = BUILT_TEMPLATE.stat().st_mtime
    for name in SOURCES:
        path = REPO_ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        if any(f.stat().st_mtime > built for f in files if "__pycache__" not in f.parts):
            return True
    return False


@pytest.fixture(scope="session")
def lambda_image() -> RuntimeSpec:
    """The template runtime's image, built if needed, and an up-to-date ``sam build``."""
    problem = docker_problem()
    if problem:
        _unavailable(problem)
    spec = template_runtime(REPO_ROOT / "template.yaml")
    ensure_fresh_derived(spec)
    if _build_is_stale():
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        subprocess.run(
            [sys.executable, "-m", "samcli", "build", "--template", "template.yaml"],
            cwd=REPO_ROOT,
            env={**env, "SAM_CLI_TELEMETRY": "0"},
            check=True,
            capture_output=True,
            timeout=600,
        )
    return spec


@pytest.fixture(scope="session")
def gateway(lambda_image: RuntimeSpec) -> str:
    """The host's address on Docker's bridge (where container-facing servers listen)."""
    return bridge_gateway()


@pytest.fixture(scope="session", autouse=True)
def _no_container_left_behind() -> Iterator[None]:
    if docker_problem():
        yield
        return
    before = sam_containers()
    yield
    left = sam_containers() - before
    assert not left, f"SAM containers left running: {sorted(left)}"


@pytest.fixture
def janitor(lambda_image: RuntimeSpec) -> Iterator[ContainerJanitor]:
    """Removes every SAM container started during the test."""
    janitor = ContainerJanitor()
    yield janitor
    janitor.clean()


@pytest.fixture(scope="module")
def bridge_llm(gateway: str) -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on the bridge address, reachable from the containers."""
    with FakeOpenAI(host=gateway) as llm:
        yield llm


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Container tests batch several invocations: bound each at 15 minutes, not the default 2."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.timeout(900))
