"""The SQLite task hub: instances, their history, inbound messages, activity work items, entities.

One `Batch` is written in one transaction, so an orchestration episode's history, the work it
schedules and the instance row change together or not at all. The file runs in WAL mode; one
process owns a hub at a time (an advisory lock held for the owner's lifetime is the lease on
every work item in it, and ends when the process dies).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from devhost.engine.history import Event, event_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT,
    status TEXT NOT NULL,
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    parent_instance_id TEXT,
    parent_task_id INTEGER,
    failure TEXT
);
CREATE INDEX IF NOT EXISTS instances_by_created ON instances (created_at, instance_id);
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (instance_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    event TEXT NOT NULL,
    visible_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_instance ON messages (instance_id, id);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    input TEXT,
    dequeue_count INTEGER NOT NULL DEFAULT 0,
    fail_immediately TEXT
);
CREATE INDEX IF NOT EXISTS activities_by_instance ON activities (instance_id);
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    state TEXT,
    updated_at REAL NOT NULL
);
"""


CACHE_KIB = 8192
"""SQLite's page cache. A cycle's transaction dirties pages all over the history and the
indexes keyed by instance id; in SQLite's default 2 MB it spills them to the WAL before the
commit and writes them again at it, and reads evicted pages back. 8 MB holds a cycle of 256
episodes: a quarter fewer page writes and a third of the reads."""
CHECKPOINT_PAGES = 10000
"""WAL pages written before a commit copies them into the database file (SQLite's default is
1,000, about one cycle of 256 episodes). A page changed in several cycles is copied once per
checkpoint, and each checkpoint syncs both files: at 10,000 (40 MB of WAL at most) a cycle's
commit costs a tenth less CPU and syncs a quarter as often."""

# An instance's row is updated where it is (REPLACE would delete it and insert it again at the
# end of the table, rewriting its index entries: a page more to write per episode).
UPSERT_INSTANCE = (
    "INSERT INTO instances VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (instance_id) DO UPDATE "
    "SET execution_id = excluded.execution_id, name = excluded.name, "
    "version = excluded.version, status = excluded.status, input = excluded.input, "
    "output = excluded.output, custom_status = excluded.custom_status, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "parent_instance_id = excluded.parent_instance_id, "
    "parent_task_id = excluded.parent_task_id, failure = excluded.failure"
)


class HubLockedError(Exception):
    """Raised when another live process owns the task hub."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"The task hub {path} is in use by another devhost process.")


@dataclass
class InstanceRow:
    """An instance row as stored."""

    instance_id: str
    execution_id: str
    name: str
    version: str | None
    status: str
    input: str | None
    output: str | None
    custom_status: str | None
    created_at: float
    updated_at: float
    parent_instance_id: str | None
    parent_task_id: int | None
    failure: str | None


@dataclass
class MessageRow:
    """A message waiting in an instance's inbox."""

    id: int
    instance_id: str
    event: Event
    visible_at: float
    # The event's JSON text (`event_json(event)`), made once: the hub saves it and the episode
    # that delivers the message hands the same text to the orchestrator.
    saved_text: str | None = field(default=None, repr=False, compare=False)

    def text(self) -> str:
        """The event as JSON text, serialised on first use."""
        if self.saved_text is None:
            self.saved_text = event_json(self.event)
        return self.saved_text


@dataclass
class ActivityRow:
    """An activity work item waiting to run (or to run again after a crash)."""

    id: int
    instance_id: str
    execution_id: str
    task_id: int
    name: str
    input: str | None
    dequeue_count: int
    fail_immediately: str | None


@dataclass
class Batch:
    """Writes that commit together. Ids of inserted messages and activities are filled in on
    commit so that the in-memory queues can refer to them."""

    upsert_instances: list[InstanceRow] = field(default_factory=list)
    # (instance id, sequence number, the event's JSON text as the SDK replays it)
    append_history: list[tuple[str, int, str]] = field(default_factory=list)
    replace_history: dict[str, list[Event]] = field(default_factory=dict)
    add_messages: list[MessageRow] = field(default_factory=list)
    delete_messages: list[int] = field(default_factory=list)
    # Temporary (negative) ids of messages added to this batch and consumed before it commits.
    dropped_messages: set[int] = field(default_factory=set)
    add_activities: list[ActivityRow] = field(default_factory=list)
    delete_activities: list[int] = field(default_factory=list)
    purge_instances: list[str] = field(default_factory=list)
    entity_states: dict[str, str | None] = field(default_factory=dict)
    entity_deletes: list[str] = field(default_factory=list)
    updated_at: float = 0.0

    def consume_messages(self, ids: list[int]) -> None:
        """Mark messages consumed: saved ones are deleted from the hub; ones added to this
        batch (temporary negative ids) are never saved."""
        self.delete_messages.extend(i for i in ids if i > 0)
        self.dropped_messages.update(i for i in ids if i < 0)

    def merge(self, other: Batch) -> None:
        """Add `other`'s writes to this batch, to commit in the same transaction."""
        self.upsert_instances.extend(other.upsert_instances)
        self.append_history.extend(other.append_history)
        self.replace_history.update(other.replace_history)
        self.add_messages.extend(other.add_messages)
        self.delete_messages.extend(other.delete_messages)
        self.dropped_messages.update(other.dropped_messages)
        self.add_activities.extend(other.add_activities)
        self.delete_activities.extend(other.delete_activities)
        self.purge_instances.extend(other.purge_instances)
        self.entity_states.update(other.entity_states)
        self.entity_deletes.extend(other.entity_deletes)

    def is_empty(self) -> bool:
        """True when the batch writes nothing."""
        return not (
            self.upsert_instances
            or self.append_history
            or self.replace_history
            or self.add_messages
            or self.delete_messages
            or self.add_activities
            or self.delete_activities
            or self.purge_instances
            or self.entity_states
            or self.entity_deletes
        )


class TaskHubStore:
    """The SQLite file behind one task hub."""

    def __init__(self, path: Path, synchronous: str = "NORMAL") -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file: TextIO = open(f"{path}.lock", "w")  # noqa: SIM115 - held for the lifetime
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock_file.close()
            raise HubLockedError(path) from exc
        self._lock_file.write(str(os.getpid()))
        self._lock_file.flush()
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        self.db.executescript(SCHEMA)
        self._last_message_id = self._last_id("messages")
        self._last_activity_id = self._last_id("activities")

    def _last_id(self, table: str) -> int:
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Close the database and release the hub lock."""
        self.db.close()
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_file.close()

    # --- reads ----------------------------------------------------------------------
    def instance(self, instance_id: str) -> InstanceRow | None:
        """The stored row of one instance."""
        row = self.db.execute(
            "SELECT * FROM instances WHERE instance_id = ?", (instance_id,)
        ).fetchone()
        return InstanceRow(*row) if row else None

    def instances_where(
        self, where: str, params: list[Any], limit: int | None
    ) -> list[InstanceRow]:
        """Instances matching an SQL condition, oldest first."""
        sql = f"SELECT * FROM instances WHERE {where} ORDER BY created_at, instance_id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [InstanceRow(*r) for r in self.db.execute(sql, params).fetchall()]

    def history(self, instance_id: str) -> list[Event]:
        """The full history of an instance's current execution, in order."""
        rows = self.db.execute(
            "SELECT event FROM history WHERE instance_id = ? ORDER BY seq", (instance_id,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def messages(self) -> list[MessageRow]:
        """Every undelivered message, oldest first."""
        rows = self.db.execute(
            "SELECT id, instance_id, event, visible_at FROM messages ORDER BY id"
        ).fetchall()
        return [MessageRow(r[0], r[1], json.loads(r[2]), r[3], r[2]) for r in rows]

    def activities(self) -> list[ActivityRow]:
        """Every activity work item not yet completed, oldest first."""
        rows = self.db.execute("SELECT * FROM activities ORDER BY id").fetchall()
        return [ActivityRow(*r) for r in rows]

    def active_instances(self) -> list[InstanceRow]:
        """Instances that have not reached a terminal status."""
        return self.instances_where(
            "status IN ('Pending', 'Running', 'Suspended', 'ContinuedAsNew')", [], None
        )

    def entity_state(self, entity_id: str) -> tuple[str | None, float] | None:
        """The stored state of an entity and its last update time."""
        row = self.db.execute(
            "SELECT state, updated_at FROM entities WHERE entity_id = ?", (entity_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def mark_dequeued(self, activity_ids: list[int]) -> None:
        """Count a (re)delivery of these activity work items."""
        self.db.executemany(
            "UPDATE activities SET dequeue_count = dequeue_count + 1 WHERE id = ?",
            [(i,) for i in activity_ids],
        )

    # --- writes ---------------------------------------------------------------------
    def commit(self, batch: Batch) -> None:
        """Write a batch in one transaction."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for instance_id in batch.purge_instances:
                for table in ("instances", "history", "messages", "activities"):
                    db.execute(f"DELETE FROM {table} WHERE instance_id = ?", (instance_id,))
            for instance_id, events in batch.replace_history.items():
                db.execute("DELETE FROM history WHERE instance_id = ?", (instance_id,))
                db.executemany(
                    "INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)",
                    [(instance_id, i, event_json(e)) for i, e in enumerate(events)],
                )
            if batch.upsert_instances:
                db.executemany(
                    UPSERT_INSTANCE,
                    [
                        (
                            r.instance_id,
                            r.execution_id,
                            r.name,
                            r.version,
                            r.status,
                            r.input,
                            r.output,
                            r.custom_status,
                            r.created_at,
                            r.updated_at,
                            r.parent_instance_id,
                            r.parent_task_id,
                            r.failure,
                        )
                        for r in batch.upsert_instances
                    ],
                )
            if batch.append_history:
                db.executemany(
                    "INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)",
                    batch.append_history,
                )
            if batch.delete_messages:
                db.executemany(
                    "DELETE FROM messages WHERE id = ?", [(i,) for i in batch.delete_messages]
                )
            if batch.dropped_messages:
                batch.add_messages = [
                    m for m in batch.add_messages if m.id not in batch.dropped_messages
                ]
            if batch.add_messages:
                first = self._last_message_id + 1
                db.executemany(
                    "INSERT INTO messages (id, instance_id, event, visible_at) VALUES (?, ?, ?, ?)",
                    [
                        (first + i, m.instance_id, m.text(), m.visible_at)
                        for i, m in enumerate(batch.add_messages)
                    ],
                )
            if batch.delete_activities:
                db.executemany(
                    "DELETE FROM activities WHERE id = ?", [(i,) for i in batch.delete_activities]
                )
            if batch.add_activities:
                first_activity = self._last_activity_id + 1
                db.executemany(
                    "INSERT INTO activities (id, instance_id, execution_id, task_id, name, input, "
                    "dequeue_count, fail_immediately) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                    [
                        (
                            first_activity + i,
                            a.instance_id,
                            a.execution_id,
                            a.task_id,
                            a.name,
                            a.input,
                            a.fail_immediately,
                        )
                        for i, a in enumerate(batch.add_activities)
                    ],
                )
            for entity_id, state in batch.entity_states.items():
                db.execute(
                    "INSERT OR REPLACE INTO entities (entity_id, state, updated_at) VALUES (?, ?, ?)",
                    (entity_id, state, batch.updated_at),
                )
            for entity_id in batch.entity_deletes:
                db.execute("DELETE FROM entities WHERE entity_id = ?", (entity_id,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        # Ids are handed out only once the rows are saved.
        for i, message in enumerate(batch.add_messages):
            message.id = self._last_message_id + 1 + i
        self._last_message_id += len(batch.add_messages)
        for i, activity in enumerate(batch.add_activities):
            activity.id = self._last_activity_id + 1 + i
        self._last_activity_id += len(batch.add_activities)
