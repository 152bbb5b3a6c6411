"""Writes committed in groups: every write of a group lands, and a failing write fails
alone, as it would have without the others."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.agent_logs import AgentLogRecord, AgentLogStoreUnavailableError, SqliteAgentLogStore
from core.agent_logs.sqlite_writes import GroupedWrites


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteAgentLogStore]:
    """A store on a fresh file."""
    opened = SqliteAgentLogStore(tmp_path / "agent_logs.sqlite3")
    yield opened
    await opened.close()


async def test_steps_written_at_once_are_all_kept(store: SqliteAgentLogStore) -> None:
    records = [
        AgentLogRecord(id=f"s-{n}", workflow_id="wf-1", agent_id="enterprise", step="mcp_tool")
        for n in range(50)
    ]

    await asyncio.gather(*(store.append(record) for record in records))

    kept = await store.list_for_workflow("wf-1")
    assert sorted(r.id for r in kept) == sorted(r.id for r in records)


async def test_a_failing_write_fails_alone_and_the_rest_of_its_group_is_committed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "checked.sqlite3"
    executor = ThreadPoolExecutor(max_workers=1)
    connection: list[sqlite3.Connection] = []

    def connect() -> sqlite3.Connection:
        if not connection:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("CREATE TABLE t (n INTEGER NOT NULL CHECK (n < 10))")
            connection.append(db)
        return connection[0]

    writes = GroupedWrites(executor, connect, lambda operation, exc: exc)
    # Keep the store's thread busy, so that the writes below queue up as one group.
    executor.submit(time.sleep, 0.2)

    outcomes = await asyncio.gather(
        *(writes.write("put", "INSERT INTO t (n) VALUES (?)", (n,)) for n in (1, 2, 99, 3)),
        return_exceptions=True,
    )
    kept = executor.submit(lambda: [n for (n,) in connect().execute("SELECT n FROM t")]).result()
    executor.submit(connect().close).result()
    executor.shutdown()

    assert [type(outcome) for outcome in outcomes] == [
        type(None),
        type(None),
        sqlite3.IntegrityError,
        type(None),
    ]
    assert sorted(kept) == [1, 2, 3]


async def test_each_write_to_a_file_that_cannot_be_opened_is_unavailable(
    tmp_path: Path,
) -> None:
    store = SqliteAgentLogStore(tmp_path)  # a directory, not a database file
    records = [
        AgentLogRecord(id=f"s-{n}", workflow_id="wf-1", agent_id="enterprise", step="plan")
        for n in range(3)
    ]

    outcomes = await asyncio.gather(
        *(store.append(record) for record in records), return_exceptions=True
    )
    await store.close()

    assert [type(outcome) for outcome in outcomes] == [AgentLogStoreUnavailableError] * 3
    assert {getattr(outcome, "operation", None) for outcome in outcomes} == {"append"}
