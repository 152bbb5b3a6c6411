"""`SqliteAgentLogStore`: the embedded agent-log store, one SQLite file in WAL mode.

All SQL runs on one dedicated thread that owns the only connection, so any number of
async tasks may share the store: their calls queue up on that thread and never block
the event loop. Writes queued together are committed together (`sqlite_writes`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from core.agent_logs.errors import AgentLogStoreUnavailableError
from core.agent_logs.models import (
    AgentLogRecord,
    AgentStats,
    AuditRecord,
    ThreadTurn,
    TokenUsage,
    utc_iso,
)
from core.agent_logs.percentile import p95_top_count
from core.agent_logs.sqlite_schema import PRAGMAS, SCHEMA
from core.agent_logs.sqlite_writes import GroupedWrites
from core.agent_logs.store import check_agent_id, check_limit

T = TypeVar("T")
_Params = Sequence[Any] | Mapping[str, Any]
# requests, errors, average latency, prompt, completion and total tokens
_Totals = tuple[int, int, float | None, int, int, int]

# Primary result codes that mean "the file cannot be used right now", not a bug in our SQL.
_UNAVAILABLE_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PROTOCOL,
}

_APPEND_COLUMNS = (
    "agent_id", "id", "workflow_id", "step", "outcome", "latency_ms", "prompt_tokens",
    "completion_tokens", "total_tokens", "timestamp", "doc",
)  # fmt: skip
_APPEND_SQL = (
    f"INSERT OR REPLACE INTO agent_logs ({', '.join(_APPEND_COLUMNS)}) "
    f"VALUES (:{', :'.join(_APPEND_COLUMNS)})"
)

_STATS_SQL = """
SELECT COUNT(*), COALESCE(SUM(outcome = 'error'), 0), AVG(latency_ms),
       COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
       COALESCE(SUM(total_tokens), 0)
FROM agent_logs WHERE agent_id = :agent_id AND timestamp >= :since
  AND (:step IS NULL OR step = :step)
"""

_RECENT_SQL = """
SELECT doc FROM agent_logs WHERE agent_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?
"""

_TOP_LATENCIES_SQL = """
SELECT latency_ms FROM agent_logs WHERE agent_id = :agent_id AND timestamp >= :since
  AND (:step IS NULL OR step = :step)
ORDER BY latency_ms DESC LIMIT :top
"""


class SqliteAgentLogStore:
    """Agent logs and the audit log in one SQLite file; implements `AgentLogStore`."""

    def __init__(self, path: str | Path, busy_timeout_seconds: float = 5.0):
        self._path = Path(path)
        self._busy_timeout = busy_timeout_seconds
        self._connection: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-log-sqlite")
        self._writes = GroupedWrites(self._executor, self._connect, self._error)

    async def append(self, record: AgentLogRecord) -> None:
        """Write `record`; the same `(agent_id, id)` again replaces it (idempotent)."""
        row = {
            "agent_id": record.agent_id,
            "id": record.id,
            "workflow_id": record.workflow_id,
            "step": record.step,
            "outcome": record.outcome.value,
            "latency_ms": record.latency_ms,
            "prompt_tokens": record.tokens.prompt,
            "completion_tokens": record.tokens.completion,
            "total_tokens": record.tokens.total,
            "timestamp": utc_iso(record.timestamp),
            "doc": record.model_dump_json(),
        }
        await self._writes.write("append", _APPEND_SQL, row)

    async def append_audit(self, record: AuditRecord) -> None:
        """Append `record` to the audit log; an existing `id` is kept, never overwritten."""
        row = (record.id, utc_iso(record.timestamp), record.model_dump_json())
        sql = "INSERT OR IGNORE INTO audit_log (id, timestamp, doc) VALUES (?, ?, ?)"
        await self._writes.write("append_audit", sql, row)

    async def list_for_workflow(self, workflow_id: str) -> list[AgentLogRecord]:
        """All records of one workflow across agents, oldest first."""
        sql = "SELECT doc FROM agent_logs WHERE workflow_id = ? ORDER BY timestamp, id"
        docs = await self._run("list_for_workflow", lambda db: _column(db, sql, (workflow_id,)))
        return [AgentLogRecord.model_validate_json(doc) for doc in docs]

    async def recent(self, agent_id: str, limit: int = 50) -> list[AgentLogRecord]:
        """The latest `limit` records of one agent, newest first."""
        params = (check_agent_id(agent_id), check_limit(limit))
        docs = await self._run("recent", lambda db: _column(db, _RECENT_SQL, params))
        return [AgentLogRecord.model_validate_json(doc) for doc in docs]

    async def stats(self, agent_id: str, since: datetime, step: str | None = None) -> AgentStats:
        """Aggregates of one agent's records since `since`, optionally of one step only."""
        params = {"agent_id": check_agent_id(agent_id), "since": utc_iso(since), "step": step}

        def query(db: sqlite3.Connection) -> tuple[_Totals, list[float]]:
            totals = db.execute(_STATS_SQL, params).fetchone()
            if not totals[0]:
                return totals, []
            top = {**params, "top": p95_top_count(totals[0])}
            return totals, _column(db, _TOP_LATENCIES_SQL, top)

        (requests, errors, avg, prompt, completion, total), top = await self._run("stats", query)
        return AgentStats(
            agent_id=agent_id,
            step=step,
            since=since,
            as_of=datetime.now(UTC),
            requests=requests,
            errors=errors,
            avg_latency_ms=avg,
            p95_latency_ms=top[-1] if top else None,
            tokens=TokenUsage(prompt=prompt, completion=completion, total=total),
        )

    async def list_audit(self, since: datetime, limit: int = 100) -> list[AuditRecord]:
        """Up to `limit` audit records from `since` on, oldest first."""
        params = (utc_iso(since), check_limit(limit))
        sql = "SELECT doc FROM audit_log WHERE timestamp >= ? ORDER BY timestamp, id LIMIT ?"
        docs = await self._run("list_audit", lambda db: _column(db, sql, params))
        return [AuditRecord.model_validate_json(doc) for doc in docs]

    async def put_turn(self, turn: ThreadTurn, *, replace: bool = True) -> None:
        """Write `turn`; with `replace` False an existing turn of its key is kept."""
        row = (
            turn.thread_id,
            turn.workflow_id,
            utc_iso(turn.started_at),
            utc_iso(turn.written_at),
            turn.model_dump_json(),
        )
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        sql = f"{verb} INTO thread_turns (thread_id, workflow_id, started_at, written_at, doc)"
        await self._writes.write("put_turn", sql + " VALUES (?, ?, ?, ?, ?)", row)

    async def list_turns(self, thread_id: str) -> list[ThreadTurn]:
        """Every turn of one thread, oldest first."""
        sql = "SELECT doc FROM thread_turns WHERE thread_id = ? ORDER BY started_at, workflow_id"
        docs = await self._run("list_turns", lambda db: _column(db, sql, (thread_id,)))
        return [ThreadTurn.model_validate_json(doc) for doc in docs]

    async def delete_thread(self, thread_id: str) -> int:
        """Delete every turn of one thread; return how many went."""
        sql = "DELETE FROM thread_turns WHERE thread_id = ?"
        return await self._run("delete_thread", lambda db: db.execute(sql, (thread_id,)).rowcount)

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete agent-log records and thread turns last written before `cutoff`; audit
        records stay."""
        params = (utc_iso(cutoff),)

        def purge(db: sqlite3.Connection) -> int:
            logs = db.execute("DELETE FROM agent_logs WHERE timestamp < ?", params).rowcount
            turns = db.execute("DELETE FROM thread_turns WHERE written_at < ?", params).rowcount
            return int(logs + turns)

        return await self._run("purge_older_than", purge)

    async def ping(self) -> None:
        """Return when the database file answers a query."""
        await self._run("ping", lambda db: db.execute("SELECT 1").fetchone())

    async def close(self) -> None:
        """Close the connection and stop the store's thread."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._disconnect)
        self._executor.shutdown(wait=True)

    async def _run(self, operation: str, work: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, lambda: work(self._connect()))
        except (sqlite3.Error, OSError) as exc:
            error = self._error(operation, exc)
            if error is exc:
                raise
            raise error from exc

    def _error(self, operation: str, exc: Exception) -> Exception:
        """What a caller sees of `exc`: the store unavailable when the file cannot be used
        right now, else `exc` itself (a bug in the SQL)."""
        unavailable = isinstance(exc, OSError) or (
            isinstance(exc, sqlite3.Error)
            and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _UNAVAILABLE_CODES
        )
        if not unavailable:
            return exc
        error = AgentLogStoreUnavailableError(str(self._path), operation, str(exc))
        error.__cause__ = exc
        return error

    def _connect(self) -> sqlite3.Connection:
        # Runs on the store's thread only, which is the one thread that uses the connection.
        if self._connection is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self._path, timeout=self._busy_timeout, isolation_level=None
            )
            try:
                connection.executescript(PRAGMAS + SCHEMA)
            except sqlite3.Error:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _column(db: sqlite3.Connection, sql: str, params: _Params) -> list[Any]:
    """The first column of every row `sql` returns."""
    return [row[0] for row in db.execute(sql, params)]
