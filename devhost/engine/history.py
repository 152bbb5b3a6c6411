"""History events in the shape the Durable extension sends to out-of-process SDKs.

Each event is a plain dict with the Durable Task Framework's field names (`EventType`,
`EventId`, `IsPlayed`, `Timestamp`, ...), so it can be stored as JSON and handed to the SDK's
`DurableOrchestrationContext` unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from enum import IntEnum
from functools import lru_cache
from json import encoder as json_encoder
from typing import Any

Event = dict[str, Any]


def _event_writer() -> Callable[[Event], str]:
    """`json.dumps` for events, with its C encoder built once instead of once per call. Events
    hold only JSON values devhost put there and never a cycle, so the encoder skips json's
    cycle check (the only state an encoder keeps during a call)."""
    try:
        from _json import make_encoder
    except ImportError:  # json's C accelerator is missing
        return json.dumps
    encode = make_encoder(
        None,
        json.JSONEncoder().default,
        json_encoder.encode_basestring_ascii,
        None,
        ": ",
        ", ",
        False,
        False,
        True,
    )
    return lambda event: "".join(encode(event, 0))


event_json = _event_writer()
"""An event's JSON text, exactly as `json.dumps(event)` writes it (every event is written once)."""


class EventType(IntEnum):
    """The Durable Task Framework's history event types (same numbers as the SDK's enum)."""

    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_FAILED = 2
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_INSTANCE_CREATED = 7
    SUB_ORCHESTRATION_INSTANCE_COMPLETED = 8
    SUB_ORCHESTRATION_INSTANCE_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_SENT = 14
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    GENERIC_EVENT = 17
    HISTORY_STATE = 18
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


_last_formatted: tuple[datetime | None, str] = (None, "")


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z` suffix and seven fractional digits, as .NET writes it."""
    # An episode stamps most of its events with one moment: the last one's text is kept.
    global _last_formatted
    last = _last_formatted
    if last[0] is value:
        return last[1]
    text = _format(value)
    _last_formatted = (value, text)
    return text


def _format(value: datetime) -> str:
    utc = value.astimezone(UTC)
    if utc.year < 1000:
        # strftime writes these years without leading zeros.
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    # The same text as strftime, formatted directly (every event's timestamp goes through here).
    return (
        f"{utc.year}-{utc.month:02}-{utc.day:02}T{utc.hour:02}:{utc.minute:02}:{utc.second:02}"
        f".{utc.microsecond:06}0Z"
    )


def engine_time(text: str) -> datetime | None:
    """A timestamp in exactly the engine's format (`format_time`), read directly (every
    replay reads many of them); None for any other text."""
    if not (
        len(text) == 28
        and text[4] == "-"
        and text[10] == "T"
        and text[19] == "."
        and text[27] == "Z"
        and text[20:27].isdigit()
    ):
        return None
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        int(text[20:26]),
        tzinfo=UTC,
    )


@lru_cache(maxsize=16384)
def parse_time(text: str) -> datetime:
    """Parse a timestamp written by `format_time` (or any ISO 8601 text) into UTC (each replay
    reads the same episode stamps again: the datetimes read are kept by text)."""
    fast = engine_time(text)
    if fast is not None:
        return fast
    # Python 3.11 reads `Z` and any number of fractional digits (.NET writes seven).
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def new_event(event_type: EventType, at: datetime, event_id: int = -1, **fields: Any) -> Event:
    """Build one history event with the common fields and the type-specific ones given."""
    event: Event = {
        "EventType": int(event_type),
        "EventId": event_id,
        "IsPlayed": False,
        "Timestamp": format_time(at),
    }
    event.update(fields)
    return event


def execution_started(
    at: datetime,
    name: str,
    input_json: str | None,
    instance_id: str,
    execution_id: str,
    version: str | None,
    parent: dict[str, Any] | None = None,
) -> Event:
    """The ExecutionStarted event that opens every execution."""
    return new_event(
        EventType.EXECUTION_STARTED,
        at,
        OrchestrationInstance={"InstanceId": instance_id, "ExecutionId": execution_id},
        ParentInstance=parent,
        Name=name,
        Version=version or "",
        Input=input_json,
        Tags=None,
    )


def orchestrator_started(at: datetime) -> Event:
    """The marker that opens an episode; its timestamp is the orchestrator's current time."""
    return new_event(EventType.ORCHESTRATOR_STARTED, at)


def orchestrator_completed(at: datetime) -> Event:
    """The marker that closes an episode."""
    return new_event(EventType.ORCHESTRATOR_COMPLETED, at)


def task_completed(at: datetime, task_id: int, result_json: str | None) -> Event:
    """An activity's successful result."""
    return new_event(EventType.TASK_COMPLETED, at, TaskScheduledId=task_id, Result=result_json)


def task_failed(at: datetime, task_id: int, reason: str, details: str | None) -> Event:
    """An activity's failure, with the text the orchestrator will see."""
    return new_event(
        EventType.TASK_FAILED, at, TaskScheduledId=task_id, Reason=reason, Details=details
    )


def timer_fired(at: datetime, timer_id: int, fire_at: datetime) -> Event:
    """A durable timer reaching its due time."""
    return new_event(EventType.TIMER_FIRED, at, TimerId=timer_id, FireAt=format_time(fire_at))


def event_raised(at: datetime, name: str, input_json: str | None) -> Event:
    """An external event delivered to the instance."""
    return new_event(EventType.EVENT_RAISED, at, Name=name, Input=input_json)


def sub_orchestration_completed(at: datetime, task_id: int, result_json: str | None) -> Event:
    """A sub-orchestration's successful result, addressed to the parent's task."""
    return new_event(
        EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
        at,
        TaskScheduledId=task_id,
        Result=result_json,
    )


def sub_orchestration_failed(at: datetime, task_id: int, reason: str, details: str | None) -> Event:
    """A sub-orchestration's failure, addressed to the parent's task."""
    return new_event(
        EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
        at,
        TaskScheduledId=task_id,
        Reason=reason,
        Details=details,
    )


def execution_terminated(at: datetime, reason: str | None) -> Event:
    """A termination request."""
    return new_event(EventType.EXECUTION_TERMINATED, at, Input=reason)


def execution_suspended(at: datetime, reason: str | None) -> Event:
    """A suspension request."""
    return new_event(EventType.EXECUTION_SUSPENDED, at, Reason=reason)


def execution_resumed(at: datetime, reason: str | None) -> Event:
    """A resumption request."""
    return new_event(EventType.EXECUTION_RESUMED, at, Reason=reason)


def execution_completed(
    at: datetime, status: str, result_json: str | None, failure: dict[str, Any] | None = None
) -> Event:
    """The event that closes an execution with its final status and result."""
    return new_event(
        EventType.EXECUTION_COMPLETED,
        at,
        OrchestrationStatus=status,
        Result=result_json,
        FailureDetails=failure,
    )


def generic_event(at: datetime, data: str) -> Event:
    """A note in the history, used for rewinds."""
    return new_event(EventType.GENERIC_EVENT, at, Data=data)
