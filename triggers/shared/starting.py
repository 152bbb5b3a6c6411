"""Starting orchestrations from the app's triggers: the instance id is chosen here (or given,
and then checked against the instance-id pattern) and percent-encoded into the SDK's URL."""

from __future__ import annotations

import uuid
from typing import Any

import azure.durable_functions as df

from triggers.shared.instance_ids import checked_instance_id, url_segment


async def start_orchestration(
    client: df.DurableOrchestrationClient,
    name: str,
    payload: dict[str, Any],
    instance_id: str | None = None,
) -> str:
    """Start the orchestrator `name` on `payload` as `instance_id` (a new uuid when None);
    returns the instance id."""
    chosen = checked_instance_id(instance_id) if instance_id else uuid.uuid4().hex
    await client.start_new(name, url_segment(chosen), payload)
    return chosen
