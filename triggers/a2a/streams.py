"""Task updates as an event stream, and the Server-Sent Events body that carries them.

The updates come from polling the run's durable status: each change of state or progress is
a status update, a finished run's answer an artifact update before the last status. The
stream ends with a status update when the task ends or waits for input (repeating the first
task's status when it had already), or when the stream window closes (the client subscribes
again to go on).

Under the Functions Python worker an HTTP response leaves when the function returns, so the
whole stream arrives at once when it ends; the events are the same.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import azure.durable_functions as df

from triggers.a2a.model import ArtifactUpdate, StatusUpdate, StreamEvent, Task
from triggers.a2a.runs import read_run
from triggers.a2a.tasks import task_of

STREAM_WINDOW_SECONDS = 120.0
"""The longest one stream follows a task (the Functions front end ends an HTTP request after
230 seconds)."""

FIRST_POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 1.0


def ended(task: Task) -> bool:
    """True when a stream about `task` closes: it is finished or waits for the client."""
    return task.status.state.terminal or task.status.state.interrupted


def closing(task: Task) -> StatusUpdate:
    """The last event of a stream whose first task already ended: its status again, final."""
    return StatusUpdate(task_id=task.id, context_id=task.context_id, status=task.status, final=True)


def _signature(task: Task) -> tuple[str, str]:
    message = task.status.message
    text = " ".join(p.text or "" for p in message.parts) if message else ""
    return task.status.state.value, text


async def follow(
    client: df.DurableOrchestrationClient,
    seen: Task,
    window: float = STREAM_WINDOW_SECONDS,
) -> AsyncIterator[StreamEvent]:
    """The updates of task `seen` after the state it shows, until the stream ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + window
    last = _signature(seen)
    delay = FIRST_POLL_SECONDS
    while True:
        task = task_of(await read_run(client, seen.id, show_input=True), history_length=0)
        if _signature(task) != last:
            last = _signature(task)
            for artifact in task.artifacts or []:
                yield ArtifactUpdate(task_id=task.id, context_id=task.context_id, artifact=artifact)
            yield StatusUpdate(
                task_id=task.id, context_id=task.context_id, status=task.status, final=ended(task)
            )
        if ended(task) or loop.time() >= deadline:
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_POLL_SECONDS)


async def sse_body(
    events: AsyncIterator[StreamEvent],
    render: Callable[[StreamEvent], dict[str, Any]],
    on_error: Callable[[Exception], dict[str, Any]],
) -> bytes:
    """Every event as `data: <json>`; an error partway through becomes the last event."""
    chunks: list[str] = []
    try:
        async for event in events:
            chunks.append(f"data: {json.dumps(render(event), ensure_ascii=False)}\n\n")
    except Exception as exc:
        chunks.append(f"data: {json.dumps(on_error(exc), ensure_ascii=False)}\n\n")
    return "".join(chunks).encode()
