"""The `AgentLogStore` protocol: what activities, health checks and status endpoints use.

Two implementations keep the same contract: `CosmosAgentLogStore` (Azure) and
`SqliteAgentLogStore` (embedded default). Both are safe for concurrent use by many async
tasks of one event loop, and raise `AgentLogStoreUnavailableError` when the backend
cannot be reached in time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.agent_logs.models import (
    AUDIT_PARTITION,
    AgentLogRecord,
    AgentStats,
    AuditRecord,
    ThreadTurn,
)


class AgentLogStore(Protocol):
    """Append-mostly store of agent step logs and the audit log."""

    async def append(self, record: AgentLogRecord) -> None:
        """Write `record`; writing the same `(agent_id, id)` again replaces it (idempotent)."""
        ...

    async def append_audit(self, record: AuditRecord) -> None:
        """Append `record` to the audit log; an existing `id` is kept, never overwritten."""
        ...

    async def list_for_workflow(self, workflow_id: str) -> list[AgentLogRecord]:
        """All records of one workflow across agents, oldest first."""
        ...

    async def recent(self, agent_id: str, limit: int = 50) -> list[AgentLogRecord]:
        """The latest `limit` records of one agent, newest first."""
        ...

    async def stats(self, agent_id: str, since: datetime, step: str | None = None) -> AgentStats:
        """Aggregates of one agent's records since `since`, optionally of one step only."""
        ...

    async def list_audit(self, since: datetime, limit: int = 100) -> list[AuditRecord]:
        """Up to `limit` audit records from `since` on, oldest first."""
        ...

    async def put_turn(self, turn: ThreadTurn, *, replace: bool = True) -> None:
        """Write `turn` under `(thread_id, workflow_id)`; with `replace` False an existing
        turn of that key is kept as it is."""
        ...

    async def list_turns(self, thread_id: str) -> list[ThreadTurn]:
        """Every turn of one thread, oldest first (empty for an unknown thread)."""
        ...

    async def delete_thread(self, thread_id: str) -> int:
        """Delete every turn of one thread; return how many went."""
        ...

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete agent-log records and thread turns last written before `cutoff`; return
        how many went.

        Audit records are never purged. On Cosmos DB the container's TTL does this and the
        call deletes nothing.
        """
        ...

    async def ping(self) -> None:
        """Return when the backend answers; raise AgentLogStoreUnavailableError otherwise."""
        ...

    async def close(self) -> None:
        """Release connections and threads; the store is unusable afterwards."""
        ...


def check_agent_id(agent_id: str) -> str:
    """Return `agent_id` if it names an agent partition; the audit partition is refused."""
    if not agent_id:
        raise ValueError("agent_id must not be empty")
    if agent_id == AUDIT_PARTITION:
        raise ValueError(f"agent_id '{AUDIT_PARTITION}' is the audit log; use list_audit")
    return agent_id


def check_limit(limit: int) -> int:
    """Return `limit` if it is a positive page size."""
    if limit < 1:
        raise ValueError("limit must be >= 1")
    return limit
