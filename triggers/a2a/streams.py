"""Task updates as a stream of the SDK's events, from polling the run's durable status.

Each change of state or progress is a status update, a finished run's answer an artifact
update before the last status. The stream ends when the task ends or waits for input, or when
the stream window closes (the client subscribes again to go on).

Under the Functions Python worker an HTTP response leaves when the function returns, so the
whole stream arrives at once when it ends; the events are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import azure.durable_functions as df
from a2a.types import Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent

from triggers.a2a.tasks import INTERRUPTED, TERMINAL, task_of
from triggers.shared.runs import read_run

STREAM_WINDOW_SECONDS = 120.0
"""The longest one stream follows a task (the Functions front end ends an HTTP request after
230 seconds)."""

FIRST_POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 1.0

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
) -> AsyncIterator[Update]:
    """The updates of task `seen` after the state it shows, until the stream ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + window
    last = _signature(seen)
    delay = FIRST_POLL_SECONDS
    while True:
        task = task_of(await read_run(client, seen.id, show_input=True))
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
