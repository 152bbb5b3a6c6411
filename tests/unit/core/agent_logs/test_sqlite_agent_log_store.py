"""What only the SQLite store does: the file, WAL, retention, append-only audit, errors.
The behaviour both stores share is in tests/integration/cosmos/test_agent_log_store_contract.py."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.agent_logs import (
    AgentLogRecord,
    AgentLogStoreUnavailableError,
    AuditKind,
    AuditRecord,
    SqliteAgentLogStore,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def step(record_id: str, days: int) -> AgentLogRecord:
    """A record of workflow wf-1 stamped `days` days after T0."""
    return AgentLogRecord(
        id=record_id,
        workflow_id="wf-1",
        agent_id="enterprise",
        step="plan",
        timestamp=T0 + timedelta(days=days),
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the store's file goes: a folder that does not exist yet."""
    return tmp_path / "not-yet" / "agent_logs.sqlite3"


@pytest.fixture
async def store(path: Path) -> AsyncIterator[SqliteAgentLogStore]:
    """A store on a fresh file."""
    opened = SqliteAgentLogStore(path)
    yield opened
    await opened.close()


async def test_the_file_and_its_folder_are_created_in_wal_mode(
    store: SqliteAgentLogStore, path: Path
) -> None:
    await store.ping()

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_purge_deletes_logs_before_the_cutoff_and_counts_them(
    store: SqliteAgentLogStore,
) -> None:
    for n, days in enumerate((0, 1, 40, 41)):
        await store.append(step(f"s-{n}", days))
    await store.append_audit(
        AuditRecord(id="a", kind=AuditKind.ADMIN_ACTION, actor="ops", action="reset", timestamp=T0)
    )

    assert await store.purge_older_than(T0 + timedelta(days=30)) == 2
    assert [r.id for r in await store.list_for_workflow("wf-1")] == ["s-2", "s-3"]
    assert [r.id for r in await store.list_audit(since=T0)] == ["a"]


async def test_audit_rows_cannot_be_changed_even_by_hand(
    store: SqliteAgentLogStore, path: Path
) -> None:
    await store.append_audit(
        AuditRecord(id="a", kind=AuditKind.APPROVAL, actor="alice", action="approve")
    )

    with sqlite3.connect(path) as db:
        for sql in ("UPDATE audit_log SET doc = '{}'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)


async def test_a_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    store = SqliteAgentLogStore(tmp_path)  # a directory, not a database file

    with pytest.raises(AgentLogStoreUnavailableError) as raised:
        await store.append(step("s-1", 0))
    await store.close()

    assert (raised.value.store, raised.value.operation) == (str(tmp_path), "append")
