"""One ``ConformanceServers`` for the whole test session: a server per distinct template."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conformance.harness import ConformanceServers


@pytest.fixture(scope="session")
def conformance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConformanceServers]:
    servers = ConformanceServers(tmp_path_factory.mktemp("conformance"))
    try:
        yield servers
    finally:
        servers.close()
