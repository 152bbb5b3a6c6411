"""Ending a run with everything it started: the extension terminates and purges one instance,
so the sub-orchestrations a run started (every instance whose id starts with `{run id}:`,
whatever kinds of children the run has) are found by id prefix and ended too, and the
remote A2A tasks they were following are cancelled."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from core.remote_agents.cancellation import cancel_remote_tasks
from triggers.shared.instance_ids import url_segment
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import ACTIVE, find_instance

SETTLE_SECONDS = 5.0
"""How long a termination waits for the run itself to stop before it ends the children: a
run still in an episode may start another child until it does."""
POLL_SECONDS = 0.1
ACTIVE_NAMES = ",".join(s.value for s in ACTIVE)


async def children(
    client: df.DurableOrchestrationClient, instance_id: str, *, active_only: bool
) -> list[dict[str, Any]]:
    """The status of every instance whose id starts with `{instance_id}:`."""
    query: dict[str, Any] = {"instanceIdPrefix": f"{instance_id}:"}
    if active_only:
        query["runtimeStatus"] = ACTIVE_NAMES
    found, _ = await scan_instances(client, query)
    return found


def deepest_first(statuses: list[dict[str, Any]]) -> list[str]:
    """The instance ids of `statuses`, deepest first."""
    ids = {str(s["instanceId"]) for s in statuses if str(s.get("instanceId", "")).strip()}
    return sorted(ids, key=lambda i: (-i.count(":"), i))


async def child_ids(
    client: df.DurableOrchestrationClient, instance_id: str, *, active_only: bool
) -> list[str]:
    """The ids of every instance whose id starts with `{instance_id}:`, deepest first."""
    return deepest_first(await children(client, instance_id, active_only=active_only))


async def _wait_until_stopped(client: df.DurableOrchestrationClient, instance_id: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while loop.time() < deadline:
        status = await find_instance(client, instance_id)
        if status is None or status.runtime_status not in ACTIVE:
            return
        await asyncio.sleep(POLL_SECONDS)


async def terminate_run(
    client: df.DurableOrchestrationClient, instance_id: str, reason: str
) -> list[str]:
    """Terminate the run and then every one of its sub-orchestrations still active, and
    cancel the remote A2A tasks those were following; returns the ids terminated, the run
    first. The run goes first so that it never handles a child's termination as a failure."""
    await client.terminate(url_segment(instance_id), reason)
    await _wait_until_stopped(client, instance_id)
    active = await children(client, instance_id, active_only=True)
    ids = deepest_first(active)
    for child in ids:
        await client.terminate(url_segment(child), reason)
    await cancel_remote_tasks(status.get("customStatus") for status in active)
    return [instance_id, *ids]


async def purge_run(client: df.DurableOrchestrationClient, instance_id: str) -> int:
    """Purge the history of the run and of its sub-orchestrations; the instances deleted."""
    deleted = 0
    for target in [*await child_ids(client, instance_id, active_only=False), instance_id]:
        result = await client.purge_instance_history(url_segment(target))
        deleted += result.instances_deleted
    return deleted
