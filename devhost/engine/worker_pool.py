"""Activity worker processes: where activities run when FUNCTIONS_WORKER_PROCESS_COUNT > 1.

The Functions host starts that many language worker processes and spreads invocations over
them. devhost keeps HTTP, timer, entity and orchestrator functions in its own process (they
share its event loop and task hub) and sends every activity to one of `count - 1` worker
processes, the one with fewest activities in hand, so activities use other cores. A worker
that dies is started again and its activities run again (at least once, as after a crash).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import sys
from pathlib import Path

from devhost.engine.frames import read_frame, write_frame
from devhost.engine.invoke import ActivityOutcome

log = logging.getLogger("devhost.engine")


class WorkerLostError(Exception):
    """The worker process ended before it answered."""


class WorkerStartError(Exception):
    """A worker process could not load the app."""


class _Worker:
    """One worker process and the activities it has in hand."""

    def __init__(self, app_dir: Path, threads: int | None) -> None:
        self.app_dir = app_dir
        self.threads = threads
        self.pending: dict[int, asyncio.Future[ActivityOutcome]] = {}
        self.ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._process: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        """Whether the process is running (or starting) and has not lost its socket."""
        return self._reading is not None and not self._reading.done()

    async def start(self) -> None:
        """Spawn the process on one end of a socket pair; it says when the app is loaded."""
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "devhost.engine.worker", str(theirs.fileno())]
        command += [str(self.app_dir), str(self.threads or "")]
        self._process = await asyncio.create_subprocess_exec(*command, pass_fds=(theirs.fileno(),))
        theirs.close()
        reader, self._writer = await asyncio.open_connection(sock=ours)
        self._reading = asyncio.create_task(self._read(reader), name="devhost-worker-reader")

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while (frame := await read_frame(reader)) is not None:
                key, value = frame
                if key == "ready":
                    log.info("Activity worker process %s is ready", value)
                    self.ready.set_result(value)
                elif key == "failed":
                    self.ready.set_exception(WorkerStartError(value))
                    self.ready.exception()
                    return
                elif (future := self.pending.pop(key, None)) is not None and not future.done():
                    future.set_result(value)
        finally:
            lost = WorkerLostError("The activity worker process ended.")
            if not self.ready.done():
                self.ready.set_exception(lost)
                self.ready.exception()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(lost)
            self.pending.clear()

    async def run(self, call_id: int, name: str, input_json: str | None) -> ActivityOutcome:
        """Run one activity in this process and return its outcome."""
        await self.ready
        if self._writer is None or not self.alive:
            raise WorkerLostError("The activity worker process ended.")
        future: asyncio.Future[ActivityOutcome] = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        write_frame(self._writer, (call_id, name, input_json))
        await self._writer.drain()
        return await future

    async def stop(self, grace_seconds: float) -> None:
        """Close the socket (the worker exits when it sees that), then wait or kill."""
        if self._writer is not None:
            self._writer.close()
        if self._process is not None and self._process.returncode is None:
            try:
                await asyncio.wait_for(self._process.wait(), grace_seconds)
            except TimeoutError:
                # It may have ended meanwhile: asyncio then refuses to signal it.
                with contextlib.suppress(ProcessLookupError):
                    self._process.kill()
                await self._process.wait()
        if self._reading is not None:
            await asyncio.gather(self._reading, return_exceptions=True)


class WorkerPool:
    """`count` activity worker processes for the app in `app_dir`."""

    def __init__(self, app_dir: Path, count: int, threads: int | None) -> None:
        self.app_dir = app_dir
        self.count = count
        self.threads = threads
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)

    async def start(self) -> None:
        """Spawn the processes and wait until each has loaded the app, as the Functions host
        waits for its workers; raise `WorkerStartError` if one could not."""
        for _ in range(self.count):
            self._workers.append(await self._spawn())
        for worker in self._workers:
            await worker.ready

    async def _spawn(self) -> _Worker:
        worker = _Worker(self.app_dir, self.threads)
        await worker.start()
        return worker

    async def run(self, name: str, input_json: str | None) -> ActivityOutcome:
        """Run one activity in the worker with fewest in hand; if that process dies first,
        start a new one and run the activity there."""
        while True:
            index, worker = min(enumerate(self._workers), key=lambda w: len(w[1].pending))
            if not worker.alive:
                with contextlib.suppress(WorkerLostError):
                    await worker.stop(0)
                worker = self._workers[index] = await self._spawn()
            try:
                return await worker.run(next(self._ids), name, input_json)
            except WorkerLostError:
                log.warning("Activity worker process ended; running '%s' again", name)

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop every worker process."""
        await asyncio.gather(*(w.stop(grace_seconds) for w in self._workers))
        self._workers.clear()
