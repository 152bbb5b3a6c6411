"""Public value types of the engine API: runtime statuses, instance records and queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class RuntimeStatus(StrEnum):
    """The runtime status of an orchestration instance, spelled as the Durable extension does."""

    PENDING = "Pending"
    RUNNING = "Running"
    COMPLETED = "Completed"
    CONTINUED_AS_NEW = "ContinuedAsNew"
    FAILED = "Failed"
    CANCELED = "Canceled"
    TERMINATED = "Terminated"
    SUSPENDED = "Suspended"

    @property
    def is_terminal(self) -> bool:
        """True when the instance will not run again unless rewound or restarted."""
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {
        RuntimeStatus.COMPLETED,
        RuntimeStatus.FAILED,
        RuntimeStatus.TERMINATED,
        RuntimeStatus.CANCELED,
    }
)


@dataclass(frozen=True)
class InstanceState:
    """A snapshot of one orchestration instance.

    `input`, `output` and `custom_status` are JSON texts exactly as the SDK serialised them
    (None when absent). `history` is filled only when asked for: a list of history events in
    the shape the Durable extension's HTTP API returns them.
    """

    instance_id: str
    name: str
    runtime_status: RuntimeStatus
    created_time: datetime
    last_updated_time: datetime
    input: str | None = None
    output: str | None = None
    custom_status: str | None = None
    version: str | None = None
    parent_instance_id: str | None = None
    history: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class InstanceQuery:
    """A filter over instances; every field left as None matches everything."""

    created_from: datetime | None = None
    created_to: datetime | None = None
    runtime_status: frozenset[RuntimeStatus] | None = None
    instance_id_prefix: str | None = None
    top: int | None = None
    continuation_token: str | None = None


@dataclass(frozen=True)
class InstancePage:
    """One page of a query: the instances and the token that fetches the next page, if any."""

    instances: list[InstanceState] = field(default_factory=list)
    continuation_token: str | None = None


@dataclass(frozen=True)
class EntityState:
    """The persisted state of a durable entity, as JSON text (None when it has no state)."""

    entity_id: str
    state: str | None
    last_modified_time: datetime
