"""Task updates as a stream of the SDK's events, from the run's durable state.

Each workflow event (`triggers/shared/workflow_events.py`: the plan, approval, each agent's
start, model steps, tool calls and end, the answer) is a status update as it happens; each
change of the task's state or status text is a status update too, a finished run's answer an
artifact update before the last status. The stream ends when the task ends or waits for
input, or when the stream window closes (the client subscribes again to go on). The answer
is streamed (`triggers/shared/http_streams.py`), so each update reaches the client when it
is read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import azure.durable_functions as df
from a2a.types import Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent

from triggers.a2a.progress import progress_update
from triggers.a2a.tasks import INTERRUPTED, TERMINAL, task_of
from triggers.shared.runs import read_run
from triggers.shared.workflow_events import Cursor, parse_cursor
from triggers.shared.workflow_reads import Reads, new_events_of

STREAM_WINDOW_SECONDS = 120.0
"""The longest one stream follows a task (the Functions front end ends an HTTP request after
230 seconds)."""

FIRST_POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 0.5

Update = TaskStatusUpdateEvent | TaskArtifactUpdateEvent


def ended(task: Task) -> bool:
    """True when a stream about `task` closes: it is finished or waits for the client."""
    return task.status.state in TERMINAL or task.status.state in INTERRUPTED


def closing(task: Task) -> TaskStatusUpdateEvent:
    """The last event of a stream whose first task already ended: its status again."""
    return TaskStatusUpdateEvent(task_id=task.id, context_id=task.context_id, status=task.status)


def _signature(task: Task) -> tuple[int, str]:
    return task.status.state, " ".join(p.text for p in task.status.message.parts)


async def follow(
    client: df.DurableOrchestrationClient,
    seen: Task,
    window: float = STREAM_WINDOW_SECONDS,
    *,
    from_start: bool = True,
) -> AsyncIterator[Update]:
    """The updates of task `seen` after the state it shows, until the stream ends: the run's
    events (all of them, or from now on unless `from_start`), and its changes of state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + window
    last = _signature(seen)
    cursor: Cursor = {}
    reads: Reads = {}
    if not from_start:
        cursor = await _position(client, seen.id, cursor, reads)
    delay = FIRST_POLL_SECONDS
    while True:
        # The status first: the events read after it include every one before its state.
        task = task_of(await read_run(client, seen.id, show_input=True))
        events, _ = await new_events_of(client, seen.id, cursor, reads)
        for event in events:
            cursor = parse_cursor(event.id)
            if event.event != "workflow_ended":
                yield progress_update(task, event)
        if _signature(task) != last:
            last = _signature(task)
            for artifact in task.artifacts:
                yield TaskArtifactUpdateEvent(
                    task_id=task.id, context_id=task.context_id, artifact=artifact, last_chunk=True
                )
            yield TaskStatusUpdateEvent(
                task_id=task.id, context_id=task.context_id, status=task.status
            )
        if ended(task) or loop.time() >= deadline:
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_POLL_SECONDS)


async def _position(
    client: df.DurableOrchestrationClient, task_id: str, cursor: Cursor, reads: Reads
) -> Cursor:
    """The stream position after every event the run has had so far (what it read is kept
    in `reads`)."""
    events, _ = await new_events_of(client, task_id, cursor, reads)
    return parse_cursor(events[-1].id) if events else cursor
