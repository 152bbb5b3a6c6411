"""What waits for a decision: each running `approval` workflow's custom status, and a
coordinator's status with the approvals that wait in it (its agents' tool calls included)."""

from __future__ import annotations

import json
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from pydantic import ValidationError

from core.models import PendingApproval
from orchestrations import names
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import Status

AWAITING_APPROVAL = "awaiting_approval"


def pending_of(listed: dict[str, Any]) -> PendingApproval | None:
    """The approval an instance's status JSON shows waiting (an `approval` workflow's custom
    status), or None for any other instance or one that no longer waits."""
    custom = listed.get("customStatus")
    if isinstance(custom, str):
        try:
            custom = json.loads(custom)
        except ValueError:
            return None
    shown = custom.get("approval") if isinstance(custom, dict) else None
    if listed.get("name") != names.APPROVAL or not isinstance(shown, dict):
        return None
    if listed.get("runtimeStatus") != Status.Running.value:
        return None
    try:
        return PendingApproval.model_validate({**shown, "created_time": listed.get("createdTime")})
    except ValidationError:
        return None


async def pending_approvals(
    client: df.DurableOrchestrationClient, workflow_id: str | None = None
) -> list[PendingApproval]:
    """The approvals waiting for a decision, of one workflow or of all, oldest first."""
    query = {"runtimeStatus": "Running"}
    if workflow_id is not None:
        query["instanceIdPrefix"] = f"{workflow_id}:"
    listed, _ = await scan_instances(client, query)
    found = [p for p in map(pending_of, listed) if p is not None]
    if workflow_id is not None:
        found = [p for p in found if p.workflow_id == workflow_id]
    return sorted(found, key=lambda p: (p.created_time or "", p.approval_id))


async def with_pending_approvals(
    client: df.DurableOrchestrationClient, status: DurableOrchestrationStatus
) -> DurableOrchestrationStatus:
    """`status` of a running coordinator with the approvals waiting in it added to its
    custom status (`pending_approvals`, and phase `awaiting_approval` while any waits)."""
    if status.runtime_status != Status.Running or not status.instance_id:
        return status
    waiting = await pending_approvals(client, status.instance_id)
    if not waiting:
        return status
    custom = status.custom_status if isinstance(status.custom_status, dict) else {}
    plan = next((p for p in waiting if p.kind == "plan" and p.plan is not None), None)
    if plan is not None and plan.plan is not None and not custom.get("plan_digest"):
        # The plan's approval may be listed before the coordinator's own status shows it.
        custom = {**custom, "plan": plan.plan.model_dump(mode="json"), "plan_digest": plan.digest}
    shown = {
        **custom,
        "phase": AWAITING_APPROVAL,
        "pending_approvals": [p.model_dump(mode="json") for p in waiting],
    }
    return DurableOrchestrationStatus.from_json({**status.to_json(), "customStatus": shown})
