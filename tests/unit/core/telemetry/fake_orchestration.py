"""A stand-in for the three things the telemetry helpers read from an orchestration context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class FakeOrchestrationContext:
    """`is_replaying`, `instance_id` and `current_utc_datetime`, set by the test."""

    is_replaying: bool
    instance_id: str = "wf-1"
    current_utc_datetime: datetime = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
