"""What only the Cosmos DB store does: lay out the container and leave expiry to TTL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient, DatabaseProxy

from core.agent_logs import (
    AgentLogRecord,
    AgentLogStoreConfigError,
    AuditKind,
    AuditRecord,
)
from core.agent_logs.cosmos_config import INDEXING_POLICY
from tests.services import COSMOSDB_SERVER_KEY, LocalServer


@pytest.fixture
async def database(cosmos_server: LocalServer) -> AsyncIterator[DatabaseProxy]:
    """A fresh database on the local server, read and written with a plain SDK client."""
    async with CosmosClient(
        cosmos_server.url, credential=COSMOSDB_SERVER_KEY, enable_endpoint_discovery=False
    ) as client:
        yield await client.create_database(f"test-{uuid.uuid4().hex}")


def step(record_id: str, ttl: int | None = None) -> AgentLogRecord:
    """A minimal record of agent enterprise in workflow wf-1."""
    return AgentLogRecord(
        id=record_id, workflow_id="wf-1", agent_id="enterprise", step="plan", ttl=ttl
    )


async def test_container_is_created_with_the_articles_layout(
    cosmos_server: LocalServer, database: DatabaseProxy, make_cosmos_store
) -> None:
    store = make_cosmos_store(cosmos_server.url, database=database.id)

    await store.ping()

    properties = await database.get_container_client("AgentLogs").read()
    assert properties["partitionKey"]["paths"] == ["/agent_id"]
    assert properties["defaultTtl"] == 30 * 86_400
    assert properties["indexingPolicy"]["includedPaths"] == INDEXING_POLICY["includedPaths"]
    assert {"path": "/timestamp/?"} in properties["indexingPolicy"]["includedPaths"]


async def test_items_carry_a_ttl_only_when_the_record_sets_one(
    cosmos_server: LocalServer, database: DatabaseProxy, make_cosmos_store
) -> None:
    store = make_cosmos_store(cosmos_server.url, database=database.id)
    await store.append(step("default-retention"))
    await store.append(step("short-retention", ttl=3600))
    approval = AuditRecord(id="a-1", kind=AuditKind.APPROVAL, actor="alice", action="approve")
    await store.append_audit(approval)

    container = database.get_container_client("AgentLogs")
    items = [item async for item in container.query_items("SELECT c.id, c.ttl FROM c")]

    assert sorted(items, key=lambda item: item["id"]) == [
        {"id": "a-1", "ttl": -1},
        {"id": "default-retention"},
        {"id": "short-retention", "ttl": 3600},
    ]


async def test_a_container_partitioned_by_another_key_is_refused(
    cosmos_server: LocalServer, database: DatabaseProxy, make_cosmos_store
) -> None:
    await database.create_container("AgentLogs", partition_key=PartitionKey(path="/workflow_id"))
    store = make_cosmos_store(cosmos_server.url, database=database.id)

    with pytest.raises(AgentLogStoreConfigError, match="/workflow_id"):
        await store.ping()


@pytest.mark.skip(reason="cosmosdb-server does not enforce TTL; Azure Cosmos DB expires items")
async def test_items_past_their_ttl_disappear(
    cosmos_server: LocalServer, make_cosmos_store
) -> None:
    store = make_cosmos_store(cosmos_server.url)
    await store.append(step("short-lived", ttl=1))

    deadline = datetime.now(UTC).timestamp() + 60
    while await store.list_for_workflow("wf-1"):
        assert datetime.now(UTC).timestamp() < deadline, "item outlived its TTL by a minute"
        await asyncio.sleep(1)


async def test_purge_leaves_expiry_to_ttl(cosmos_server: LocalServer, make_cosmos_store) -> None:
    store = make_cosmos_store(cosmos_server.url)
    await store.append(step("old"))

    assert await store.purge_older_than(datetime(2100, 1, 1, tzinfo=UTC)) == 0
    assert [r.id for r in await store.list_for_workflow("wf-1")] == ["old"]
