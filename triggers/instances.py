"""Reading orchestration instances through the Durable client."""

from __future__ import annotations

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

Status = df.OrchestrationRuntimeStatus
MAX_INSTANCE_ID = 256

ACTIVE = (Status.Pending, Status.Running, Status.Suspended)
"""Instances that may still do work."""

FINISHED = (Status.Completed, Status.Failed, Status.Terminated, Status.Canceled)
"""Instances whose history may be purged."""


def is_valid_instance_id(instance_id: str) -> bool:
    """True for an id an instance can have: Durable Task ids are 1-256 characters without
    '/', '\\', '#', '?' or control characters (the SDK's client puts ids into URLs as they are)."""
    return 0 < len(instance_id) <= MAX_INSTANCE_ID and not any(
        ch in "/\\#?" or ord(ch) < 32 or 127 <= ord(ch) <= 159 for ch in instance_id
    )


async def find_instance(
    client: df.DurableOrchestrationClient, instance_id: str
) -> DurableOrchestrationStatus | None:
    """The instance's status, or None when no instance has that id."""
    if not is_valid_instance_id(instance_id):
        return None
    status = await client.get_status(instance_id)
    # The SDK's status is falsy when the extension answered 404 (no created time).
    return status if status else None


def runtime_name(status: DurableOrchestrationStatus) -> str:
    """The runtime status as the Durable HTTP API spells it (`Running`, `Completed`, ...)."""
    return status.runtime_status.value if status.runtime_status else "Unknown"


def is_finished(status: DurableOrchestrationStatus) -> bool:
    """True once the instance can no longer change."""
    return status.runtime_status in FINISHED
