"""Waiting approvals on the engine, and decisions on them signed as the app's endpoints sign
them (`core.approvals.signed_decision`), for the orchestration tests."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from core.agent_logs import AuditRecord, Outcome, get_agent_log_store
from core.approvals import signed_decision
from core.catalogue import get_catalogue
from core.mcp_client import list_tools
from core.models import PendingApproval
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import InstanceQuery, RuntimeStatus


async def waiting(engine: Engine, workflow_id: str) -> list[PendingApproval]:
    """The approvals waiting in workflow `workflow_id`, oldest first."""
    page = await engine.query(
        InstanceQuery(
            runtime_status=frozenset({RuntimeStatus.RUNNING}),
            instance_id_prefix=f"{workflow_id}:",
        )
    )
    found = []
    for state in page.instances:
        custom = json.loads(state.custom_status) if state.custom_status else {}
        if state.name == "approval" and isinstance(custom.get("approval"), dict):
            found.append(PendingApproval.model_validate(custom["approval"]))
    return sorted(found, key=lambda p: p.approval_id)


async def wait_for_approvals(
    engine: Engine, workflow_id: str, count: int = 1, timeout: float = 30.0
) -> list[PendingApproval]:
    """Block until at least `count` approvals wait in the workflow."""
    for _ in range(int(timeout / 0.05)):
        found = await waiting(engine, workflow_id)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no approval waits in {workflow_id}")


async def decide(
    engine: Engine, pending: PendingApproval, approver: str, approved: bool, comment: str = ""
) -> None:
    """Send the decision the app's endpoints would send."""
    decision = signed_decision(pending, approver, approved, comment)
    await engine.raise_event(
        pending.approval_id, "approval", client_input(decision.model_dump(mode="json"))
    )


async def audit_of(workflow_id: str) -> list[AuditRecord]:
    """The audit records about a workflow, oldest first."""
    records = await get_agent_log_store().list_audit(since=datetime(2000, 1, 1, tzinfo=UTC))
    return [r for r in records if r.target == workflow_id]


TALLY = Path(__file__).resolve().parents[2] / "artifacts" / "unapproved_writes.jsonl"


async def count_unapproved_writes(scenario: str, workflow_id: str) -> int:
    """How many data-changing calls of the workflow ran without a matching approval; appends
    the scenario's count (and how many writes ran) to `tests/artifacts/unapproved_writes.jsonl`."""
    ran, missing = await _writes(workflow_id)
    TALLY.parent.mkdir(exist_ok=True)
    line = {
        "scenario": scenario,
        "workflow_id": workflow_id,
        "writes_ran": ran,
        "unapproved": missing,
    }
    with TALLY.open("a") as out:
        out.write(json.dumps(line) + "\n")
    return len(missing)


async def _writes(workflow_id: str) -> tuple[int, list[str]]:
    """How many data-changing tool calls of the workflow ran, and the keys of those that ran
    without a matching approval.

    Every `mcp_tool` call leaves a step-log entry (outcome ok when the tool ran); for each one
    of a tool that changes data, the audit log must show it ran under an approval that a
    person approved for the same digest. Returns the idempotency keys that do not.
    """
    writes = {
        (agent, s.name) for agent in get_catalogue().ids for s in await list_tools(agent) if not s.read_only
    }
    logged = await get_agent_log_store().list_for_workflow(workflow_id)
    ran = [
        r
        for r in logged
        if r.step == "mcp_tool" and r.outcome == Outcome.OK and (r.agent_id, r.tool) in writes
    ]
    audit = await audit_of(workflow_id)
    # An approval workflow's audit entries are `{approval id}:{n}`.
    approved = {r.id.rsplit(":", 1)[0]: r.actor for r in audit if r.action == "approved"}
    executed = {
        str(r.detail.get("idempotency_key")): r for r in audit if r.action == "write_executed"
    }
    missing = []
    for record in ran:
        key = record.id.split(":mcp_tool:", 1)[1]
        under = executed.get(key)
        approval_id = str(under.detail.get("approval_id")) if under else ""
        if under is None or approved.get(approval_id) != under.actor:
            missing.append(key)
    return len(ran), missing
