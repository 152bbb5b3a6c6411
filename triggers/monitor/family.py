"""An instance's family: its sub-orchestrations (and theirs), and the approval one of them,
or the instance itself, may be waiting for."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from triggers.monitor.status import read_status
from triggers.shared.errors import NotFoundError
from triggers.shared.instance_scan import scan_instances
from triggers.shared.pending import pending_of

MAX_DESCENDANTS = 60


async def descendants(
    client: df.DurableOrchestrationClient, root: dict[str, Any]
) -> tuple[list[dict[str, Any]], bool]:
    """The instance's sub-orchestrations (and theirs), each with its history and `parentId`:
    those its history names, and those whose id starts with `{id}:` (which also finds the
    ones still running, whose completion is not in the history yet)."""
    root_id = str(root["instanceId"])
    listed, truncated = await scan_instances(
        client, {"instanceIdPrefix": f"{root_id}:"}, MAX_DESCENDANTS
    )
    ids = [str(s["instanceId"]) for s in listed]
    named = [str(e["InstanceId"]) for e in root["history"] if e.get("InstanceId")]
    ids += [i for i in named if i not in ids and i != root_id]
    gate = asyncio.Semaphore(8)

    async def load(instance_id: str) -> dict[str, Any] | None:
        async with gate:
            try:
                return await read_status(client, instance_id, history=True)
            except NotFoundError:
                return None

    found = [s for s in await asyncio.gather(*(load(i) for i in ids)) if s is not None]
    known = {root_id, *(str(s["instanceId"]) for s in found)}
    for status in found:
        own = str(status["instanceId"])
        parents = [p for p in known if p != own and own.startswith(p + ":")]
        status["parentId"] = max(parents, key=len) if parents else root_id
    return found, truncated


def approval_of(status: dict[str, Any], family: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The approval waiting on this instance or in its family, the oldest first: its
    instance, what it decides (a plan, or an agent's tool call with its arguments), why, the
    digest a decision binds to and its deadline."""
    waiting = [p for p in map(pending_of, [status, *family]) if p is not None]
    if not waiting:
        return None
    pending = min(waiting, key=lambda p: (p.created_time or "", p.approval_id))
    return {
        "instanceId": pending.approval_id,
        "workflowId": pending.workflow_id,
        "kind": pending.kind,
        "plan": pending.plan.model_dump(mode="json") if pending.plan else None,
        "agent": pending.agent,
        "tool": pending.tool,
        "arguments": pending.arguments,
        "reason": pending.reason,
        "digest": pending.digest,
        "expiresAt": pending.expires_at,
        "createdTime": pending.created_time,
    }
