"""An instance's family: its sub-orchestrations (and theirs), and the approval one of them,
or the instance itself, may be waiting for."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import azure.durable_functions as df
from pydantic import ValidationError

from core.models import Plan
from orchestrations import names
from triggers.errors import NotFoundError
from triggers.instance_scan import scan_instances
from triggers.monitor.common import ACTIVE
from triggers.monitor.status import read_status

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
    """The approval waiting on this instance, if any: its instance, plan and digest."""
    if status["name"] == names.APPROVAL:
        target: dict[str, Any] | None = status
    else:
        wanted = f"{status['instanceId']}:approval"
        target = next((s for s in family if s["instanceId"] == wanted), None)
    if target is None or target["runtimeStatus"] not in ACTIVE:
        return None
    raw = target.get("input")
    data = json.loads(raw) if isinstance(raw, str) else raw
    try:
        plan = Plan.model_validate((data or {}).get("plan"))
    except (ValidationError, AttributeError):
        return None
    return {
        "instanceId": target["instanceId"],
        "plan": plan.model_dump(mode="json"),
        "digest": plan.digest(),
        "timeoutSeconds": (data or {}).get("timeout_seconds"),
        "createdTime": target["createdTime"],
    }
