"""The `AgentLogStore` contract, run against every backend (see `agent_log_store`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.agent_logs import (
    AgentLogRecord,
    AgentLogStore,
    AuditKind,
    AuditRecord,
    Outcome,
    TokenUsage,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def log(record_id: str, minute: int = 0, **fields: Any) -> AgentLogRecord:
    """A customer-support `llm_step` record of workflow wf-1, `minute` minutes after T0."""
    values: dict[str, Any] = {
        "id": record_id,
        "workflow_id": "wf-1",
        "agent_id": "customer_support",
        "query_type": "customer_support",
        "step": "llm_step",
        "timestamp": T0 + timedelta(minutes=minute),
    }
    return AgentLogRecord.model_validate(values | fields)


def audit(record_id: str, minute: int = 0, **fields: Any) -> AuditRecord:
    """An approval by alice of workflow wf-1, `minute` minutes after T0."""
    values: dict[str, Any] = {
        "id": record_id,
        "kind": AuditKind.APPROVAL,
        "actor": "alice@example.com",
        "action": "approve",
        "target": "wf-1",
        "timestamp": T0 + timedelta(minutes=minute),
    }
    return AuditRecord.model_validate(values | fields)


async def test_list_for_workflow_returns_its_records_across_agents_oldest_first(
    agent_log_store: AgentLogStore,
) -> None:
    await agent_log_store.append(log("b", minute=2, agent_id="smart_city"))
    await agent_log_store.append(log("a", minute=1))
    await agent_log_store.append(log("c", minute=3, step="synthesize", agent_id="coordinator"))
    await agent_log_store.append(log("other", minute=0, workflow_id="wf-2"))
    await agent_log_store.append_audit(audit("approval-1"))

    records = await agent_log_store.list_for_workflow("wf-1")

    assert [(r.id, r.agent_id) for r in records] == [
        ("a", "customer_support"),
        ("b", "smart_city"),
        ("c", "coordinator"),
    ]


async def test_record_round_trips_every_field(agent_log_store: AgentLogStore) -> None:
    record = log(
        "full",
        tool="lookup_ticket",
        step="mcp_tool",
        tokens=TokenUsage(prompt=120, completion=30),
        latency_ms=812.5,
        outcome=Outcome.ERROR,
        error="ticket service timed out",
        timestamp=datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=UTC),
        model="gpt-4o",
        ttl=3600,
    )
    await agent_log_store.append(record)

    assert await agent_log_store.list_for_workflow("wf-1") == [record]


async def test_appending_the_same_id_twice_keeps_one_record_with_the_last_write(
    agent_log_store: AgentLogStore,
) -> None:
    await agent_log_store.append(log("step-1", outcome=Outcome.ERROR))
    await agent_log_store.append(log("step-1", outcome=Outcome.OK))

    records = await agent_log_store.list_for_workflow("wf-1")

    assert [(r.id, r.outcome) for r in records] == [("step-1", Outcome.OK)]


async def test_the_same_id_under_two_agents_is_two_records(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.append(log("step-1", minute=0, agent_id="customer_support"))
    await agent_log_store.append(log("step-1", minute=1, agent_id="enterprise"))

    records = await agent_log_store.list_for_workflow("wf-1")

    assert [r.agent_id for r in records] == ["customer_support", "enterprise"]


async def test_concurrent_appends_with_retries_all_land_once(
    agent_log_store: AgentLogStore,
) -> None:
    records = [log(f"step-{n}", minute=n) for n in range(40)]
    retried = records[:10]  # activities run at-least-once

    await asyncio.gather(*(agent_log_store.append(r) for r in records + retried))

    assert await agent_log_store.list_for_workflow("wf-1") == records


async def test_recent_returns_one_agents_newest_records_first(
    agent_log_store: AgentLogStore,
) -> None:
    for minute in range(5):
        await agent_log_store.append(log(f"cs-{minute}", minute=minute))
    await agent_log_store.append(log("city", minute=9, agent_id="smart_city"))

    records = await agent_log_store.recent("customer_support", limit=3)

    assert [r.id for r in records] == ["cs-4", "cs-3", "cs-2"]


async def test_recent_refuses_the_audit_partition_and_empty_pages(
    agent_log_store: AgentLogStore,
) -> None:
    with pytest.raises(ValueError, match="audit"):
        await agent_log_store.recent("audit")
    with pytest.raises(ValueError, match="limit must be >= 1"):
        await agent_log_store.recent("customer_support", limit=0)


async def test_stats_aggregate_one_agents_window(agent_log_store: AgentLogStore) -> None:
    for n in range(1, 21):
        outcome = Outcome.ERROR if n in (3, 7) else Outcome.OK
        tokens = TokenUsage(prompt=10, completion=5)
        await agent_log_store.append(
            log(f"s-{n}", minute=n, latency_ms=float(n), outcome=outcome, tokens=tokens)
        )
    await agent_log_store.append(log("before-window", minute=-5, latency_ms=5000.0))
    await agent_log_store.append(log("other-agent", minute=5, agent_id="enterprise"))

    stats = await agent_log_store.stats("customer_support", since=T0)

    assert (stats.requests, stats.errors) == (20, 2)
    assert stats.avg_latency_ms == pytest.approx(10.5)
    assert stats.p95_latency_ms == 19.0
    assert stats.tokens == TokenUsage(prompt=200, completion=100, total=300)
    assert stats.since == T0
    assert stats.as_of >= T0


async def test_stats_of_one_step_count_only_that_step(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.append(log("llm", minute=1, latency_ms=100.0))
    await agent_log_store.append(log("tool", minute=2, step="mcp_tool", latency_ms=40.0))

    stats = await agent_log_store.stats("customer_support", since=T0, step="mcp_tool")

    assert (stats.step, stats.requests, stats.p95_latency_ms) == ("mcp_tool", 1, 40.0)


async def test_stats_of_an_empty_window_have_no_latency(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.append(log("old", minute=0))

    stats = await agent_log_store.stats("customer_support", since=T0 + timedelta(hours=1))

    assert (stats.requests, stats.errors, stats.tokens.total) == (0, 0, 0)
    assert (stats.avg_latency_ms, stats.p95_latency_ms) == (None, None)


async def test_appending_an_audit_id_again_keeps_the_first_record(
    agent_log_store: AgentLogStore,
) -> None:
    first = audit("approval-1", digest="sha256:aaa", detail={"expires": "2026-03-01T10:00:00Z"})
    await agent_log_store.append_audit(first)
    await agent_log_store.append_audit(audit("approval-1", digest="sha256:bbb"))

    assert await agent_log_store.list_audit(since=T0) == [first]


async def test_list_audit_pages_from_since_oldest_first(agent_log_store: AgentLogStore) -> None:
    for minute in (3, 1, 2, 0):
        await agent_log_store.append_audit(
            audit(f"admin-{minute}", minute=minute, kind=AuditKind.ADMIN_ACTION)
        )

    records = await agent_log_store.list_audit(since=T0 + timedelta(minutes=1), limit=2)

    assert [r.id for r in records] == ["admin-1", "admin-2"]


async def test_purge_keeps_audit_records_and_logs_after_the_cutoff(
    agent_log_store: AgentLogStore,
) -> None:
    await agent_log_store.append(log("old", minute=0))
    await agent_log_store.append(log("new", minute=60))
    await agent_log_store.append_audit(audit("approval-old", minute=0))

    await agent_log_store.purge_older_than(T0 + timedelta(minutes=30))

    assert "new" in [r.id for r in await agent_log_store.list_for_workflow("wf-1")]
    assert [r.id for r in await agent_log_store.list_audit(since=T0)] == ["approval-old"]


async def test_ping_answers_when_the_store_is_up(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.ping()
