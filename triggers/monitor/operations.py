"""Carrying out the lifecycle actions (terminate, suspend, resume, rewind, restart, purge) on
an instance, reaching its sub-orchestrations where the extension would not."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import azure.durable_functions as df

from triggers.monitor.common import FINISHED
from triggers.monitor.family import descendants
from triggers.monitor.status import sdk_call
from triggers.shared.instance_ids import url_segment
from triggers.shared.termination import terminate_run


async def cascade(
    client: df.DurableOrchestrationClient, status: dict[str, Any], states: set[str]
) -> list[str]:
    """The ids of the instance's descendants (deepest first) whose state is in `states`."""
    family, _ = await descendants(client, {**status, "history": status.get("history", [])})
    chosen = [s for s in family if s["runtimeStatus"] in states]
    chosen.sort(key=lambda s: str(s["instanceId"]).count(":"), reverse=True)
    return [str(s["instanceId"]) for s in chosen]


async def run_action(
    client: df.DurableOrchestrationClient, action: str, status: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Carry out one action on an instance whose state allows it; terminate and purge also
    reach the sub-orchestrations, which the extension would leave behind."""
    instance_id = str(status["instanceId"])
    reason = str(body.get("reason") or f"{action} from the Durable monitor")[:1000]
    if action == "restart":
        new_id = bool(body.get("newInstanceId", True))
        answer = await sdk_call(client.restart(url_segment(instance_id), new_id))
        started = answer.get("id") if isinstance(answer, dict) else answer
        started = str(started or instance_id)
        return {"newInstanceId": started, "message": f"Restarted as {started}."}
    if action == "purge":
        ids = [*await cascade(client, status, FINISHED), instance_id]
        results = [await sdk_call(client.purge_instance_history(url_segment(i))) for i in ids]
        deleted = sum(r.instances_deleted for r in results)
        return {"instancesDeleted": deleted, "message": f"Purged {deleted} instance(s)."}
    if action == "terminate":
        terminated = await sdk_call(terminate_run(client, instance_id, reason))
        return {"terminated": terminated, "message": f"Terminated {instance_id}."}
    if action == "rewind":
        # The SDK puts the reason into the URL as it is.
        await sdk_call(client.rewind(url_segment(instance_id), quote(reason)))
    else:
        await sdk_call(getattr(client, action)(url_segment(instance_id), reason))
    return {"message": f"{action.capitalize()} requested for {instance_id}."}
