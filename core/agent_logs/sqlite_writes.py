"""Writes of the SQLite agent-log store committed in groups on the store's thread.

Each write is one statement. Writes queued while the store's thread is busy go to it as one
job and one transaction: under many concurrent steps, a step record costs a share of one
thread hand-over and one commit instead of one each. A group that fails is rolled back and
its writes run again one by one, so each write succeeds or fails exactly as it would alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

Params = Sequence[Any] | Mapping[str, Any]
ErrorOf = Callable[[str, Exception], Exception]
"""Maps a failed write's operation name and exception to what its caller sees."""


@dataclass
class _Write:
    operation: str
    sql: str
    params: Params
    done: asyncio.Future[None]


@dataclass
class _Group:
    """Writes of one event loop queued for the next job on the store's thread."""

    loop: asyncio.AbstractEventLoop
    writes: list[_Write] = field(default_factory=list)
    open: bool = True


class GroupedWrites:
    """Queues writes and commits them in groups on `executor`'s one thread, which owns the
    connection `connect` returns; `error_of` words a write's failure."""

    def __init__(
        self,
        executor: Executor,
        connect: Callable[[], sqlite3.Connection],
        error_of: ErrorOf,
    ):
        self._executor = executor
        self._connect = connect
        self._error_of = error_of
        self._lock = threading.Lock()
        self._group: _Group | None = None

    async def write(self, operation: str, sql: str, params: Params) -> None:
        """Run `sql` with `params`; return once it is committed, or raise what it raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        with self._lock:
            group = self._group
            if group is None or not group.open or group.loop is not loop:
                group = _Group(loop)
                self._executor.submit(self._commit, group)
                self._group = group
            group.writes.append(_Write(operation, sql, params, done))
        await done

    def _commit(self, group: _Group) -> None:
        """On the store's thread: close the group, commit its writes, settle their futures."""
        with self._lock:
            group.open = False
        errors = self._run(group.writes)
        # A closed loop raises RuntimeError: no one waits for these writes any more.
        with contextlib.suppress(RuntimeError):
            group.loop.call_soon_threadsafe(_settle, group.writes, errors)

    def _run(self, writes: list[_Write]) -> list[Exception | None]:
        if len(writes) > 1:
            try:
                self._in_one_transaction(writes)
                return [None] * len(writes)
            except Exception:
                pass  # each write is tried alone below and reports its own error
        errors: list[Exception | None] = []
        for write in writes:
            try:
                self._connect().execute(write.sql, write.params)
                errors.append(None)
            except Exception as exc:
                errors.append(self._error_of(write.operation, exc))
        return errors

    def _in_one_transaction(self, writes: list[_Write]) -> None:
        db = self._connect()
        # IMMEDIATE takes the write lock first (waiting as long as the busy timeout allows),
        # as a single write does, rather than upgrading a read part-way through the group.
        db.execute("BEGIN IMMEDIATE")
        try:
            for write in writes:
                db.execute(write.sql, write.params)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _settle(writes: list[_Write], errors: list[Exception | None]) -> None:
    for write, error in zip(writes, errors, strict=True):
        if write.done.cancelled():
            continue
        if error is None:
            write.done.set_result(None)
        else:
            write.done.set_exception(error)
