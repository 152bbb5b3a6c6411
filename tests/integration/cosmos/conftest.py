"""Fixtures: a session-wide local Cosmos DB server, and `agent_log_store`, one store per
backend (SQLite on tmp_path, Cosmos DB on that server) so one suite checks both."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from core.agent_logs import AgentLogStore, CosmosAgentLogStore, CosmosConfig, SqliteAgentLogStore
from tests.services import COSMOSDB_SERVER_KEY, LocalServer, start_cosmosdb_server

CosmosStoreFactory = Callable[..., CosmosAgentLogStore]


@pytest.fixture(scope="session")
def cosmos_server() -> Iterator[LocalServer]:
    """@vercel/cosmosdb-server on a free loopback port for the whole session."""
    server = start_cosmosdb_server()
    yield server
    server.stop()


@pytest.fixture
async def make_cosmos_store() -> AsyncIterator[CosmosStoreFactory]:
    """Build Cosmos stores on a given endpoint, by default each in a database of its own
    so tests never see each other's items; all are closed at teardown."""
    stores: list[CosmosAgentLogStore] = []

    def make(
        endpoint: str, database: str | None = None, timeout_seconds: float = 10.0
    ) -> CosmosAgentLogStore:
        config = CosmosConfig(
            endpoint=endpoint,
            database=database or f"test-{uuid.uuid4().hex}",
            endpoint_discovery=False,
            timeout_seconds=timeout_seconds,
        )
        stores.append(CosmosAgentLogStore(config, COSMOSDB_SERVER_KEY))
        return stores[-1]

    yield make
    for store in stores:
        await store.close()


@pytest.fixture(params=["sqlite", "cosmos"])
async def agent_log_store(
    request: pytest.FixtureRequest, tmp_path: Path, make_cosmos_store: CosmosStoreFactory
) -> AsyncIterator[AgentLogStore]:
    """An empty store of each backend in turn; the Cosmos server starts only if needed."""
    if request.param == "cosmos":
        yield make_cosmos_store(request.getfixturevalue("cosmos_server").url)
        return
    store = SqliteAgentLogStore(tmp_path / "agent_logs.sqlite3")
    yield store
    await store.close()
