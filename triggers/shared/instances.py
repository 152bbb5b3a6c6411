"""Reading orchestration instances through the Durable client."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from triggers.shared.instance_ids import is_valid_instance_id, url_segment

Status = df.OrchestrationRuntimeStatus

ACTIVE = (Status.Pending, Status.Running, Status.Suspended)
"""Instances that may still do work."""

FINISHED = (Status.Completed, Status.Failed, Status.Terminated, Status.Canceled)
"""Instances whose history may be purged."""


async def find_instance(
    client: df.DurableOrchestrationClient, instance_id: str, *, show_input: bool = False
) -> DurableOrchestrationStatus | None:
    """The instance's status, or None when no instance has that id (or it is no valid id)."""
    if not is_valid_instance_id(instance_id):
        return None
    status = await client.get_status(url_segment(instance_id), show_input=show_input)
    # The SDK's status is falsy when the extension answered 404 (no created time).
    return status if status else None


async def raise_event(
    client: df.DurableOrchestrationClient, instance_id: str, event: str, data: Any
) -> None:
    """Raise `event` with `data` on the instance (its id percent-encoded into the URL)."""
    await client.raise_event(url_segment(instance_id), event, data)


def runtime_name(status: DurableOrchestrationStatus) -> str:
    """The runtime status as the Durable HTTP API spells it (`Running`, `Completed`, ...)."""
    return status.runtime_status.value if status.runtime_status else "Unknown"


def is_finished(status: DurableOrchestrationStatus) -> bool:
    """True once the instance can no longer change."""
    return status.runtime_status in FINISHED
