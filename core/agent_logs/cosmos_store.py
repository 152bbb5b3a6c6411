"""`CosmosAgentLogStore`: agent logs and the audit log in one Azure Cosmos DB container.

Written for the real service: every query of one agent names its partition, lists use
`TOP` with `ORDER BY` (no `OFFSET/LIMIT`), writes are single-item upserts or creates, and
retention is the container's TTL. Transport failures, throttling that outlasts the SDK's
retries, 5xx answers and calls slower than `CosmosConfig.timeout_seconds` become
`AgentLogStoreUnavailableError`; other HTTP errors (bad request, auth) are re-raised.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager, suppress
from datetime import UTC, datetime
from typing import Any

from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.cosmos.exceptions import CosmosResourceExistsError, CosmosResourceNotFoundError

from core.agent_logs.cosmos_config import CosmosConfig
from core.agent_logs.cosmos_container import open_container
from core.agent_logs.cosmos_credential import CosmosCredential
from core.agent_logs.cosmos_errors import unavailable_on_failure
from core.agent_logs.models import (
    AUDIT_PARTITION,
    THREAD_PARTITION_PREFIX,
    AgentLogRecord,
    AgentStats,
    AuditRecord,
    ThreadTurn,
    TokenUsage,
    utc_iso,
)
from core.agent_logs.percentile import p95_top_count
from core.agent_logs.store import check_agent_id, check_limit

_AGENT_WINDOW = "c.agent_id = @agent_id AND c.timestamp >= @since"

_STATS_SQL = (
    "SELECT COUNT(1) AS requests, SUM(c.outcome = 'error' ? 1 : 0) AS errors,"
    " AVG(c.latency_ms) AS avg_latency_ms, SUM(c.tokens.prompt) AS prompt,"
    " SUM(c.tokens.completion) AS completion, SUM(c.tokens.total) AS total"
    " FROM c WHERE " + _AGENT_WINDOW
)

_TOP_LATENCIES_SQL = "SELECT TOP @top VALUE c.latency_ms FROM c WHERE " + _AGENT_WINDOW


class CosmosAgentLogStore:
    """Agent logs in Cosmos DB; implements `AgentLogStore`.

    The container is created on first use when missing (key auth only: Entra ID data-plane
    roles cannot create it, so in Azure the Bicep does). The store owns `credential` and
    closes it in `close()`.
    """

    def __init__(self, config: CosmosConfig, credential: CosmosCredential):
        self._config = config
        self._credential = credential
        self._client = CosmosClient(
            config.endpoint,
            credential=credential,
            enable_endpoint_discovery=config.endpoint_discovery,
            connection_timeout=config.timeout_seconds,
        )
        self._container: ContainerProxy | None = None
        self._opening = asyncio.Lock()

    async def append(self, record: AgentLogRecord) -> None:
        """Upsert `record` by `(agent_id, id)`, so writing it again keeps one item."""
        item = record.model_dump(mode="json")
        if item["ttl"] is None:
            del item["ttl"]  # absent means the container's default TTL; null is invalid
        async with self._calling("append"):
            await (await self._open()).upsert_item(item)

    async def append_audit(self, record: AuditRecord) -> None:
        """Create `record` in the audit partition; an existing `id` is kept as it was."""
        async with self._calling("append_audit"):
            # An earlier attempt of the same activity may have appended it already.
            with suppress(CosmosResourceExistsError):
                await (await self._open()).create_item(record.model_dump(mode="json"))

    async def list_for_workflow(self, workflow_id: str) -> list[AgentLogRecord]:
        """All records of one workflow across agents, oldest first (cross-partition)."""
        sql = "SELECT * FROM c WHERE c.workflow_id = @workflow_id ORDER BY c.timestamp ASC"
        items = await self._query("list_for_workflow", sql, {"@workflow_id": workflow_id})
        return [AgentLogRecord.model_validate(item) for item in items]

    async def recent(self, agent_id: str, limit: int = 50) -> list[AgentLogRecord]:
        """The latest `limit` records of one agent, newest first."""
        sql = "SELECT TOP @limit * FROM c WHERE c.agent_id = @agent_id ORDER BY c.timestamp DESC"
        parameters = {"@agent_id": check_agent_id(agent_id), "@limit": check_limit(limit)}
        items = await self._query("recent", sql, parameters, partition=agent_id)
        return [AgentLogRecord.model_validate(item) for item in items]

    async def stats(self, agent_id: str, since: datetime, step: str | None = None) -> AgentStats:
        """Aggregates of one agent's records since `since`, optionally of one step only."""
        parameters: dict[str, Any] = {
            "@agent_id": check_agent_id(agent_id),
            "@since": utc_iso(since),
        }
        step_filter = ""
        if step is not None:
            step_filter, parameters["@step"] = " AND c.step = @step", step
        [totals] = await self._query("stats", _STATS_SQL + step_filter, parameters, agent_id)
        requests = int(totals.get("requests", 0))
        top: list[Any] = []
        if requests:
            sql = _TOP_LATENCIES_SQL + step_filter + " ORDER BY c.latency_ms DESC"
            top_parameters = {**parameters, "@top": p95_top_count(requests)}
            top = await self._query("stats", sql, top_parameters, agent_id)
        return AgentStats(
            agent_id=agent_id,
            step=step,
            since=since,
            as_of=datetime.now(UTC),
            requests=requests,
            errors=int(totals.get("errors", 0)),
            avg_latency_ms=totals.get("avg_latency_ms") if requests else None,
            p95_latency_ms=top[-1] if top else None,
            tokens=TokenUsage(
                prompt=totals.get("prompt", 0),
                completion=totals.get("completion", 0),
                total=totals.get("total", 0),
            ),
        )

    async def list_audit(self, since: datetime, limit: int = 100) -> list[AuditRecord]:
        """Up to `limit` audit records from `since` on, oldest first."""
        sql = (
            "SELECT TOP @limit * FROM c WHERE c.agent_id = @agent_id AND c.timestamp >= @since"
            " ORDER BY c.timestamp ASC"
        )
        parameters = {
            "@agent_id": AUDIT_PARTITION,
            "@since": utc_iso(since),
            "@limit": check_limit(limit),
        }
        items = await self._query("list_audit", sql, parameters, partition=AUDIT_PARTITION)
        return [AuditRecord.model_validate(item) for item in items]

    async def put_turn(self, turn: ThreadTurn, *, replace: bool = True) -> None:
        """Upsert `turn` (or create it, keeping an existing one, when `replace` is False)
        in its thread's partition; the container's TTL expires it."""
        item = _turn_item(turn)
        async with self._calling("put_turn"):
            container = await self._open()
            if replace:
                await container.upsert_item(item)
                return
            with suppress(CosmosResourceExistsError):
                await container.create_item(item)

    async def list_turns(self, thread_id: str) -> list[ThreadTurn]:
        """Every turn of one thread, oldest first (one partition)."""
        sql = "SELECT VALUE c.turn FROM c WHERE c.agent_id = @partition ORDER BY c.timestamp ASC"
        partition = THREAD_PARTITION_PREFIX + thread_id
        items = await self._query("list_turns", sql, {"@partition": partition}, partition)
        return [ThreadTurn.model_validate(item) for item in items]

    async def delete_thread(self, thread_id: str) -> int:
        """Delete every turn of one thread, item by item within its partition."""
        partition = THREAD_PARTITION_PREFIX + thread_id
        sql = "SELECT VALUE c.id FROM c WHERE c.agent_id = @partition"
        ids = await self._query("delete_thread", sql, {"@partition": partition}, partition)
        async with self._calling("delete_thread"):
            container = await self._open()
            for item_id in ids:
                with suppress(CosmosResourceNotFoundError):
                    await container.delete_item(item_id, partition_key=partition)
        return len(ids)

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete nothing and return 0: the container's TTL (AGENT_LOG_TTL_DAYS) expires
        agent logs and thread turns server-side, counted from each item's last write, at no
        RU cost."""
        return 0

    async def ping(self) -> None:
        """Return when the container answers a metadata read."""
        async with self._calling("ping"):
            await (await self._open()).read()

    async def close(self) -> None:
        """Close the HTTP session and the credential."""
        await self._client.close()
        if not isinstance(self._credential, str):
            await self._credential.close()

    async def _open(self) -> ContainerProxy:
        """The container, read (and created if missing) once per store."""
        if self._container is None:
            async with self._opening:
                if self._container is None:
                    self._container = await open_container(self._client, self._config)
        return self._container

    async def _query(
        self, operation: str, sql: str, parameters: dict[str, Any], partition: str | None = None
    ) -> list[Any]:
        """Run `sql` in one partition, or across all when `partition` is None."""
        named: list[dict[str, object]] = [
            {"name": name, "value": value} for name, value in parameters.items()
        ]
        async with self._calling(operation):
            pages = (await self._open()).query_items(sql, parameters=named, partition_key=partition)
            return [item async for item in pages]

    def _calling(self, operation: str) -> AbstractAsyncContextManager[None]:
        """Bound one store call in time and map its transport failures."""
        config = self._config
        return unavailable_on_failure(config.endpoint, operation, config.timeout_seconds)


def _turn_item(turn: ThreadTurn) -> dict[str, Any]:
    """The Cosmos item of a thread turn: its own partition, ordered by when it started.
    The turn sits under `turn`, so no agent-log query (by `workflow_id`) matches it."""
    return {
        "id": turn.workflow_id,
        "agent_id": THREAD_PARTITION_PREFIX + turn.thread_id,
        "record": "thread_turn",
        "timestamp": utc_iso(turn.started_at),
        "turn": turn.model_dump(mode="json"),
    }
