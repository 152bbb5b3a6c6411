"""Durable replay safety. An orchestrator function runs again from the top at every episode,
so anything it emits would be emitted once per replay; the helpers here emit only when
`context.is_replaying` is false, which is true exactly once for each step of a workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class ReplayAware(Protocol):
    """What the telemetry helpers read from a `DurableOrchestrationContext`."""

    @property
    def is_replaying(self) -> bool: ...

    @property
    def instance_id(self) -> str: ...

    @property
    def current_utc_datetime(self) -> datetime: ...


def is_replay(context: ReplayAware | None) -> bool:
    """Whether an emission from code running under `context` would repeat an earlier one.
    No context means activity or client code, which never replays."""
    return context is not None and context.is_replaying
