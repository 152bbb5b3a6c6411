"""History events in the shape the Durable extension's HTTP API returns them.

Scheduling events and episode markers are folded away: each completion carries the function
name (`FunctionName`) and when it was scheduled (`ScheduledTime`), event types are names, and
results appear only when asked for.
"""

from __future__ import annotations

import json
from typing import Any

from devhost.engine.history import Event, EventType

_HIDDEN = {
    EventType.TASK_SCHEDULED,
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
    EventType.ORCHESTRATOR_STARTED,
    EventType.ORCHESTRATOR_COMPLETED,
}
_PASCAL = {t: "".join(part.capitalize() for part in t.name.split("_")) for t in EventType}


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def to_api_history(
    events: list[Event], show_output: bool, show_input: bool = True
) -> list[dict[str, Any]]:
    """Convert stored history events into the extension's `historyEvents` entries."""
    scheduled: dict[int, Event] = {}
    for event in events:
        if event["EventType"] in (
            EventType.TASK_SCHEDULED,
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
            EventType.TIMER_CREATED,
            EventType.EVENT_SENT,
        ):
            scheduled[int(event["EventId"])] = event
    result: list[dict[str, Any]] = []
    for event in events:
        kind = EventType(event["EventType"])
        if kind in _HIDDEN:
            continue
        entry: dict[str, Any] = {"EventType": _PASCAL[kind]}
        if kind == EventType.EXECUTION_STARTED:
            entry["FunctionName"] = event.get("Name")
            entry["Correlation"] = None
            if show_input:
                entry["Input"] = _json_or_text(event.get("Input"))
        elif kind in (
            EventType.TASK_COMPLETED,
            EventType.TASK_FAILED,
            EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
            EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
        ):
            origin = scheduled.get(int(event.get("TaskScheduledId", -1)))
            if origin is not None:
                entry["FunctionName"] = origin.get("Name")
                entry["ScheduledTime"] = origin.get("Timestamp")
                if origin.get("InstanceId"):
                    entry["InstanceId"] = origin.get("InstanceId")
            if kind in (EventType.TASK_COMPLETED, EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED):
                if show_output:
                    entry["Result"] = _json_or_text(event.get("Result"))
            else:
                entry["Reason"] = event.get("Reason")
                entry["Details"] = event.get("Details")
        elif kind in (EventType.TIMER_CREATED, EventType.TIMER_FIRED):
            entry["FireAt"] = event.get("FireAt")
            if kind == EventType.TIMER_FIRED:
                origin = scheduled.get(int(event.get("TimerId", -1)))
                if origin is not None:
                    entry["ScheduledTime"] = origin.get("Timestamp")
        elif kind in (EventType.EVENT_RAISED, EventType.EVENT_SENT):
            entry["Name"] = event.get("Name")
            if kind == EventType.EVENT_SENT:
                entry["InstanceId"] = event.get("InstanceId")
            if show_input:
                entry["Input"] = _json_or_text(event.get("Input"))
        elif kind == EventType.EXECUTION_COMPLETED:
            entry["OrchestrationStatus"] = event.get("OrchestrationStatus")
            if show_output:
                entry["Result"] = _json_or_text(event.get("Result"))
            if event.get("FailureDetails"):
                entry["FailureDetails"] = event.get("FailureDetails")
        elif kind == EventType.EXECUTION_TERMINATED:
            entry["Input"] = _json_or_text(event.get("Input"))
        elif kind in (EventType.EXECUTION_SUSPENDED, EventType.EXECUTION_RESUMED):
            entry["Reason"] = event.get("Reason")
        elif kind == EventType.GENERIC_EVENT:
            entry["Data"] = event.get("Data")
        elif kind == EventType.CONTINUE_AS_NEW:
            entry["Result"] = _json_or_text(event.get("Result"))
        entry["Timestamp"] = event.get("Timestamp")
        result.append(entry)
    return result
