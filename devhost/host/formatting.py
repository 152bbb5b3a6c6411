"""JSON shapes and time formats of the Durable extension's HTTP API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from devhost.engine.types import InstanceState

MIN_FOUR_DIGIT_YEAR = 1000


def format_time(moment: datetime) -> str:
    """A UTC time as the extension writes status times: `2024-05-01T12:30:45Z` (whole seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    if utc.year < MIN_FOUR_DIGIT_YEAR:
        # strftime writes such a year without leading zeros.
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{utc.year}-{utc.month:02}-{utc.day:02}T{utc.hour:02}:{utc.minute:02}:{utc.second:02}Z"


def parse_time(text: str | None) -> datetime | None:
    """A query-string time (ISO 8601, `Z` or offset, or naive meaning UTC); None when absent
    or unparseable, which the extension treats as not given."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def json_value(text: str | None) -> Any:
    """The value a serialised JSON text holds; text that is not JSON is returned as a string."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def status_payload(state: InstanceState, *, show_input: bool = True) -> dict[str, Any]:
    """An instance as the status endpoint returns it (the extension's StatusResponsePayload);
    `historyEvents` appears only when history was asked for."""
    payload: dict[str, Any] = {
        "name": state.name,
        "instanceId": state.instance_id,
        "runtimeStatus": state.runtime_status.value,
        "input": json_value(state.input) if show_input else None,
        "customStatus": json_value(state.custom_status),
        "output": json_value(state.output),
        "createdTime": format_time(state.created_time),
        "lastUpdatedTime": format_time(state.last_updated_time),
    }
    if state.history is not None:
        payload["historyEvents"] = state.history
    return payload


def error_body(message: str, exception: BaseException | None = None) -> dict[str, str]:
    """An error in the extension's shape: `Message`, plus `ExceptionMessage` and
    `ExceptionType` when an exception caused it (never a stack trace)."""
    body = {"Message": message}
    if exception is not None:
        body["ExceptionMessage"] = str(exception)
        body["ExceptionType"] = type(exception).__name__
    return body
