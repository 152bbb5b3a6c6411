"""Thread turns in the agent-log store, run against every backend (see `agent_log_store`):
a thread reads back oldest first, a turn rewritten keeps one entry, a start written after
the end does not undo it, delete removes one thread only, and retention purges old turns
where the store purges (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.agent_logs import (
    AgentLogRecord,
    AgentLogStore,
    SqliteAgentLogStore,
    ThreadTurn,
    TurnStatus,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def turn(workflow_id: str, minute: int = 0, thread_id: str = "th-1", **fields: Any) -> ThreadTurn:
    """A running turn of alice in `thread_id`, started `minute` minutes after T0."""
    values: dict[str, Any] = {
        "thread_id": thread_id,
        "workflow_id": workflow_id,
        "owner": "oid-alice",
        "query": f"question of {workflow_id}",
        "started_at": T0 + timedelta(minutes=minute),
    }
    return ThreadTurn.model_validate(values | fields)


def finished(running: ThreadTurn, answer: str) -> ThreadTurn:
    """`running` as the workflow writes it when it ends."""
    return running.model_copy(
        update={
            "status": TurnStatus.COMPLETED,
            "answer": answer,
            "agents": ["customer-support"],
            "tools": ["customer-support: search_tickets"],
            "items": ["TCK-10011", "TCK-10013"],
            "finished_at": running.started_at + timedelta(seconds=5),
        }
    )


async def test_a_threads_turns_read_back_oldest_first_with_every_field(
    agent_log_store: AgentLogStore,
) -> None:
    second = finished(turn("wf-2", minute=2), "the second answer")
    first = finished(turn("wf-1", minute=1), "the first answer")
    await agent_log_store.put_turn(second)
    await agent_log_store.put_turn(first)
    await agent_log_store.put_turn(turn("wf-9", thread_id="th-other"))

    assert await agent_log_store.list_turns("th-1") == [first, second]
    assert await agent_log_store.list_turns("th-unknown") == []


async def test_a_finished_turn_replaces_its_start_and_a_late_start_keeps_the_end(
    agent_log_store: AgentLogStore,
) -> None:
    running = turn("wf-1")
    done = finished(running, "answer")
    await agent_log_store.put_turn(running, replace=False)
    await agent_log_store.put_turn(done)
    await agent_log_store.put_turn(running, replace=False)

    assert await agent_log_store.list_turns("th-1") == [done]


async def test_deleting_a_thread_removes_its_turns_only(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.put_turn(turn("wf-1"))
    await agent_log_store.put_turn(turn("wf-2", minute=1))
    await agent_log_store.put_turn(turn("wf-3", thread_id="th-2"))

    assert await agent_log_store.delete_thread("th-1") == 2
    assert await agent_log_store.list_turns("th-1") == []
    assert [t.workflow_id for t in await agent_log_store.list_turns("th-2")] == ["wf-3"]
    assert await agent_log_store.delete_thread("th-1") == 0


async def test_turns_are_not_agent_logs_of_their_workflow(agent_log_store: AgentLogStore) -> None:
    await agent_log_store.put_turn(finished(turn("wf-1"), "answer"))
    log = AgentLogRecord(
        id="wf-1:workflow", workflow_id="wf-1", agent_id="coordinator", step="workflow"
    )
    await agent_log_store.append(log)

    assert [r.id for r in await agent_log_store.list_for_workflow("wf-1")] == ["wf-1:workflow"]


async def test_sqlite_retention_purges_turns_last_written_before_the_cutoff(tmp_path: Any) -> None:
    store = SqliteAgentLogStore(tmp_path / "logs.sqlite3")
    try:
        old = finished(turn("wf-old"), "old")
        recent = turn("wf-new", minute=60 * 24 * 40)
        await store.put_turn(old)
        await store.put_turn(recent)

        assert await store.purge_older_than(T0 + timedelta(days=30)) == 1
        assert [t.workflow_id for t in await store.list_turns("th-1")] == ["wf-new"]
    finally:
        await store.close()
