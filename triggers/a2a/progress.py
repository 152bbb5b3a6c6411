"""A workflow event (`triggers/shared/workflow_events.py`) as an A2A status update: a line of
text saying what happened and the event itself as data, under the task's current state."""

from __future__ import annotations

from typing import Any

from a2a.helpers.proto_helpers import new_data_part, new_text_part
from a2a.types import Message, Role, Task, TaskState, TaskStatus, TaskStatusUpdateEvent

from triggers.a2a.tasks import TERMINAL
from triggers.shared.workflow_events import StreamEvent


def _names(items: list[Any]) -> str:
    return ", ".join(str(item) for item in items if item) or "none"


def describe(event: StreamEvent) -> str:
    """One line about the event, for a person following the task."""
    data = event.data
    agent = data.get("agent") or data.get("instance") or ""
    match event.event:
        case "plan":
            return "Plan: " + _names([t.get("agent") for t in data.get("tasks") or []])
        case "approval_requested":
            return "The plan waits for approval: " + _names(data.get("agents") or [])
        case "approval_decided":
            return "The plan was " + ("approved" if data.get("approved") else "denied")
        case "agent_started":
            return f"{agent} started: {data.get('task') or ''}".rstrip(": ")
        case "model_step":
            asked = data.get("tool_calls") or []
            return f"{agent}: model step" + (f", asks for {_names(asked)}" if asked else "")
        case "tool_call":
            return f"{agent} called {data.get('tool')}: {data.get('outcome')}"
        case "agent_finished":
            return f"{agent} finished: {data.get('status')}"
        case "answer":
            return "The answer is ready"
        case "workflow_ended":
            return f"The workflow ended: {data.get('outcome') or data.get('runtime_status')}"
    return f"{event.event}: {agent or data.get('name') or ''}".rstrip(": ")


def progress_update(task: Task, event: StreamEvent) -> TaskStatusUpdateEvent:
    """The status update of `event` for `task`, in the task's current state (working when
    the task has already ended: the last status update says that); the message carries the
    event's name, id (its stream position) and data."""
    message = Message(
        message_id=f"{task.id}:{event.id}",
        role=Role.ROLE_AGENT,
        parts=[
            new_text_part(describe(event)),
            new_data_part(
                {"event": event.event, "id": event.id, "data": event.data}, "application/json"
            ),
        ],
        context_id=task.context_id,
        task_id=task.id,
    )
    state = TaskState.TASK_STATE_WORKING if task.status.state in TERMINAL else task.status.state
    status = TaskStatus(state=state, message=message)
    return TaskStatusUpdateEvent(task_id=task.id, context_id=task.context_id, status=status)
