"""A workflow's progress as Server-Sent Events, derived from durable histories only.

The sources are the workflow's own history and those of its sub-orchestrations (ids
`{workflow id}:{part}`). Each history is append-only, so a position in it is stable on every
replica: a stream's position (`Cursor`) is how many history entries of each source were read,
and it is the id of every event sent. Resuming from a `Last-Event-ID` reads each source from
its position on, with no gap and no repeat.

Events are named after what happened, read generically from history event types (a source
started, an activity completed or failed, an event was raised, a source ended); the known
functions (`plan`, `llm_step`, `mcp_tool`, `synthesize`) and orchestrations (`agent_run`,
`approval`, `coordinator`) get a name and the fields a watcher needs, anything else a generic
`activity` / `step_started` / `step_ended` event with its name and outcome.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.auth import redact
from orchestrations import names
from triggers.shared.endpoint import json_text
from triggers.shared.errors import BadRequestError
from triggers.shared.instance_ids import is_valid_instance_id

ROOT = "@"
"""The cursor key of the workflow itself (its children are keyed by their id's suffix)."""
MAX_CURSOR_CHARS = 4000
_ENDS = {"ExecutionCompleted", "ExecutionFailed", "ExecutionTerminated"}
_TASK_ENDS = {"TaskCompleted", "TaskFailed"}

Cursor = dict[str, int]
"""How many history entries of each source (ROOT or a child's id suffix) were read."""


@dataclass(frozen=True)
class Source:
    """One orchestration of the workflow: its cursor key, orchestrator name and history."""

    key: str
    name: str
    history: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class StreamEvent:
    """One event: its type, its data and the stream position after it (its SSE id)."""

    event: str
    data: dict[str, Any]
    id: str


def format_cursor(cursor: Cursor) -> str:
    """The cursor as an event id: `@=12,customer-support=5,...` (keys sorted)."""
    return ",".join(f"{key}={cursor[key]}" for key in sorted(cursor))


def parse_cursor(text: str | None) -> Cursor:
    """The cursor of a `Last-Event-ID` (empty for none); BadRequestError naming the header
    for anything that is not an id this stream sent."""
    if not text or not text.strip():
        return {}
    bad = BadRequestError.about("Last-Event-ID", f"{text[:80]!r} is not an event id of this stream")
    if len(text) > MAX_CURSOR_CHARS:
        raise bad
    cursor: Cursor = {}
    for part in text.strip().split(","):
        key, _, count = part.partition("=")
        if not count.isdigit() or not (key == ROOT or is_valid_instance_id(key)) or key in cursor:
            raise bad
        cursor[key] = int(count)
    return cursor


def _value(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _dict(raw: Any) -> dict[str, Any]:
    value = _value(raw)
    return value if isinstance(value, dict) else {}


def _task_event(entry: Mapping[str, Any], where: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = str(entry.get("FunctionName") or "")
    failed = entry.get("EventType") == "TaskFailed"
    result = _dict(entry.get("Result"))
    if failed:
        return "activity", {
            **where,
            "name": name,
            "outcome": "failed",
            "error": entry.get("Reason"),
        }
    if name == names.PLAN:
        plan = result.get("plan") or {}
        tasks = [
            {"agent": t.get("agent"), "task": t.get("task")}
            for t in plan.get("tasks") or []
            if isinstance(t, dict)
        ]
        return "plan", {"tasks": tasks, "needs_approval": bool(plan.get("needs_approval"))}
    if name == names.LLM_STEP:
        calls = [str(c.get("name")) for c in result.get("tool_calls") or [] if isinstance(c, dict)]
        tokens = (result.get("usage") or {}).get("total_tokens")
        return "model_step", {**where, "tool_calls": calls, "tokens": tokens}
    if name == names.MCP_TOOL:
        error = result.get("error")
        outcome = {"outcome": "error", "error": error} if error else {"outcome": "ok"}
        return "tool_call", {**where, "tool": result.get("tool"), **outcome}
    if name == names.SYNTHESIZE:
        return "answer", {"answer": (result.get("synthesis") or {}).get("answer")}
    return "activity", {**where, "name": name, "outcome": "ok"}


def _started(
    source: Source, entry: Mapping[str, Any], workflow_id: str
) -> tuple[str, dict[str, Any]]:
    given = _dict(entry.get("Input"))
    if source.key == ROOT:
        return "workflow_started", {"workflow_id": workflow_id}
    if source.name == names.AGENT_RUN:
        return "agent_started", {"agent": given.get("agent", source.key), "task": given.get("task")}
    if source.name == names.APPROVAL:
        plan = given.get("plan") or {}
        agents = [t.get("agent") for t in plan.get("tasks") or [] if isinstance(t, dict)]
        return "approval_requested", {
            "agents": agents,
            "timeout_seconds": given.get("timeout_seconds"),
        }
    return "step_started", {"instance": source.key, "name": source.name}


def _ended(source: Source, entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = str(entry.get("EventType"))
    result = _dict(entry.get("Result"))
    status = str(entry.get("OrchestrationStatus") or kind.removeprefix("Execution"))
    if source.key == ROOT:
        return "workflow_ended", {"runtime_status": status, "outcome": result.get("status")}
    if source.name == names.AGENT_RUN:
        return "agent_finished", {
            "agent": result.get("agent", source.key),
            "status": result.get("status") or status,
            "tokens": result.get("tokens"),
        }
    if source.name == names.APPROVAL:
        return "approval_decided", {
            "approved": bool(result.get("approved")),
            "approver": result.get("approver"),
            "reason": result.get("reason"),
        }
    return "step_ended", {"instance": source.key, "name": source.name, "runtime_status": status}


def _describe(
    source: Source, entry: Mapping[str, Any], workflow_id: str
) -> tuple[str, dict[str, Any]] | None:
    kind = str(entry.get("EventType"))
    where: dict[str, Any] = {}
    if source.key != ROOT:
        where = {"agent" if source.name == names.AGENT_RUN else "instance": source.key}
    if kind == "ExecutionStarted":
        return _started(source, entry, workflow_id)
    if kind in _TASK_ENDS:
        return _task_event(entry, where)
    if kind == "EventRaised":
        return "event_raised", {"instance": source.key, "name": entry.get("Name")}
    if kind in _ENDS:
        return _ended(source, entry)
    return None


def new_events(
    sources: Sequence[Source], cursor: Cursor, workflow_id: str
) -> tuple[list[StreamEvent], Cursor]:
    """The events of the history entries past `cursor`, in time order (each source's in its
    own order), each with the stream position after it as its id; and the new position."""

    def entries(source: Source) -> list[tuple[str, int, Source]]:
        start = cursor.get(source.key, 0)
        return [
            (str(source.history[i].get("Timestamp") or ""), i, source)
            for i in range(start, len(source.history))
        ]

    position = dict(cursor)
    events: list[StreamEvent] = []
    # Merged by time; each source's entries stay in their history order.
    for _, index, source in heapq.merge(*map(entries, sources), key=lambda item: item[0]):
        entry = source.history[index]
        position[source.key] = index + 1
        described = _describe(source, entry, workflow_id)
        if described is not None:
            event, data = described
            events.append(StreamEvent(event, redact(data), format_cursor(position)))
    return events, position


def retry_text(retry_ms: int) -> str:
    """The SSE field telling the client how long to wait before it reconnects."""
    return f"retry: {retry_ms}\n\n"


def sse_text(events: Sequence[StreamEvent]) -> str:
    """The events as SSE text: id, event name and JSON data each."""
    return "".join(f"id: {e.id}\nevent: {e.event}\ndata: {json_text(e.data)}\n\n" for e in events)
