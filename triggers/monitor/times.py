"""Times in the monitor's JSON: UTC ISO 8601 out, ISO 8601 in, and an instance's duration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from triggers.monitor.common import ACTIVE
from triggers.shared.errors import BadRequestError


def iso(moment: datetime | None) -> str | None:
    """`moment` in UTC to the second, as `YYYY-MM-DDTHH:MM:SSZ`; None stays None."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def parse_time(text: str | None, field: str) -> datetime | None:
    """An ISO 8601 time in UTC (a naive one is taken as UTC); 400 names `field`."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequestError.about(field, f"'{text}' is not an ISO 8601 time") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def duration_seconds(status: dict[str, Any]) -> float | None:
    """Created to last update for a finished instance, created to now for one still active."""
    created = parse_time(status.get("createdTime"), "createdTime")
    if created is None:
        return None
    end = parse_time(status.get("lastUpdatedTime"), "lastUpdatedTime")
    if status.get("runtimeStatus") in ACTIVE or end is None:
        end = datetime.now(UTC)
    return max(0.0, (end - created).total_seconds())
