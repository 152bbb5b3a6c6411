"""The approval gate of data-changing tool calls, end to end on the engine: change requests
the planner does not flag stop at the gate (English and Japanese), run once approved and not
at all when denied or expired; events raised around the app's endpoints, tampered approvals
and `agent_run` started directly run no write; the batch sweep changes nothing unattended."""

import asyncio
import json

from activities.tools import mcp_tool
from core.auth.input_proofs import seal
from core.models import (
    AgentAnswer,
    AgentTask,
    ApprovalGrant,
    ApprovalOutcome,
    CoordinatorInput,
    CoordinatorRequest,
    CoordinatorResult,
    CoveredCall,
    ProposedCall,
    SweepInput,
    ToolCallInput,
    ToolCallRecord,
    WorkflowLimits,
)
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from tests.unit.orchestrations.approvals import (
    audit_of,
    count_unapproved_writes,
    decide,
    wait_for_approvals,
    waiting,
)
from tests.unit.orchestrations.histories import tool_results

ENGLISH = "Mark support ticket TCK-10004 as resolved, the customer confirmed the fix"
JAPANESE = "サポートチケット TCK-10004 を解決済みにしてください。お客様が修正を確認しました"


async def start(engine: Engine, query: str, limits: WorkflowLimits | None = None) -> str:
    payload = CoordinatorInput(
        request=CoordinatorRequest(query=query), limits=limits or WorkflowLimits()
    )
    return await engine.start_new(
        "coordinator", None, client_input(payload.model_dump(mode="json"))
    )


async def result_of(engine: Engine, workflow_id: str, timeout: float = 30) -> CoordinatorResult:
    state = await engine.wait_for_completion(workflow_id, timeout)
    assert state.runtime_status == RuntimeStatus.COMPLETED, state.output
    return CoordinatorResult.model_validate_json(state.output)


def update_calls(result: CoordinatorResult) -> list:
    return [c for a in result.agents for c in a.tool_calls if c.tool == "update_ticket"]


async def test_unflagged_english_change_waits_at_the_gate_and_runs_once_approved(engine: Engine):
    workflow_id = await start(engine, ENGLISH)
    (pending,) = await wait_for_approvals(engine, workflow_id)
    assert pending.kind == "tool_call"
    assert (pending.agent, pending.tool) == ("customer-support", "update_ticket")
    assert pending.arguments == {"ticket_id": "TCK-10004", "status": "resolved"}
    assert (
        pending.digest
        == ProposedCall(
            agent="customer-support", tool="update_ticket", arguments=pending.arguments
        ).digest()
    )
    await asyncio.sleep(0.3)
    assert not [r for r in await audit_of(workflow_id) if r.action == "write_executed"]
    assert (await engine.get_status(workflow_id)).runtime_status == RuntimeStatus.RUNNING

    await decide(engine, pending, "alice", True, "confirmed with the customer")
    result = await result_of(engine, workflow_id)
    (update,) = update_calls(result)
    assert update.error is None
    (ran,) = [
        c
        for c in await tool_results(engine, workflow_id, "customer-support")
        if c.tool == "update_ticket"
    ]
    assert ran.result["ticket"]["status"] == "resolved"
    audit = await audit_of(workflow_id)
    (executed,) = [r for r in audit if r.action == "write_executed"]
    assert executed.actor == "alice"
    assert executed.digest == pending.digest
    assert executed.detail["approval_id"] == pending.approval_id
    assert ("alice", "approved") in [(r.actor, r.action) for r in audit]
    assert await count_unapproved_writes("english change approved", workflow_id) == 0


async def test_unflagged_japanese_change_waits_and_a_denial_leaves_the_data_unchanged(
    engine: Engine,
):
    workflow_id = await start(engine, JAPANESE)
    (pending,) = await wait_for_approvals(engine, workflow_id)
    assert pending.tool == "update_ticket"
    assert pending.arguments == {"ticket_id": "TCK-10004", "status": "resolved"}
    await decide(engine, pending, "bob", False, "wait for the customer")
    result = await result_of(engine, workflow_id)
    (update,) = update_calls(result)
    assert update.summary is None
    assert update.error.startswith("Not carried out: Denied by bob: wait for the customer")
    assert "Changes not made" in result.answer
    assert "update_ticket(ticket_id='TCK-10004', status='resolved')" in result.answer
    ran = await tool_results(engine, workflow_id, "customer-support")
    ticket = next(c for c in ran if c.tool == "get_ticket")
    assert ticket.result["status"] == "open"
    assert not [r for r in await audit_of(workflow_id) if r.action == "write_executed"]
    assert await count_unapproved_writes("japanese change denied", workflow_id) == 0


async def test_a_change_nobody_decides_is_denied_when_its_timer_fires(engine: Engine):
    workflow_id = await start(engine, ENGLISH, WorkflowLimits(approval_timeout_seconds=1))
    result = await result_of(engine, workflow_id)
    (update,) = update_calls(result)
    assert "timed out" in update.error
    assert "Changes not made" in result.answer
    actions = [(r.actor, r.action) for r in await audit_of(workflow_id)]
    assert ("system", "auto_denied") in actions
    assert await count_unapproved_writes("change expired", workflow_id) == 0


async def test_an_event_raised_around_the_endpoints_is_ignored_and_audited(engine: Engine):
    workflow_id = await start(engine, ENGLISH, WorkflowLimits(approval_timeout_seconds=3))
    (pending,) = await wait_for_approvals(engine, workflow_id)
    forged = {"approved": True, "approver": "mallory", "digest": pending.digest, "proof": "0" * 64}
    await engine.raise_event(pending.approval_id, "approval", client_input(forged))
    result = await result_of(engine, workflow_id)
    assert update_calls(result)[0].error.startswith("Not carried out")
    actions = [(r.actor, r.action) for r in await audit_of(workflow_id)]
    assert ("mallory", "ignored") in actions
    assert ("system", "auto_denied") in actions
    assert await count_unapproved_writes("forged event", workflow_id) == 0


async def test_a_signed_decision_on_other_arguments_is_rejected(engine: Engine):
    workflow_id = await start(engine, ENGLISH, WorkflowLimits(approval_timeout_seconds=3))
    (pending,) = await wait_for_approvals(engine, workflow_id)
    tampered = ProposedCall(
        agent="customer-support",
        tool="update_ticket",
        arguments={"ticket_id": "TCK-10004", "status": "closed"},
    )
    other = pending.model_copy(update={"digest": tampered.digest()})
    await decide(engine, other, "alice", True)
    result = await result_of(engine, workflow_id)
    assert update_calls(result)[0].error.startswith("Not carried out")
    actions = [(r.actor, r.action) for r in await audit_of(workflow_id)]
    assert ("alice", "rejected") in actions
    assert await count_unapproved_writes("tampered digest", workflow_id) == 0


def change_task(workflow_id: str, plan_approval: ApprovalOutcome | None = None) -> dict:
    return AgentTask(
        workflow_id=workflow_id,
        agent="customer-support",
        task=ENGLISH,
        query=ENGLISH,
        query_type="customer_support",
        budget_tokens=20_000,
        max_steps=3,
        approval_timeout_seconds=2,
        plan_approval=plan_approval,
    ).model_dump(mode="json")


async def test_agent_run_started_directly_runs_no_write(engine: Engine):
    run_id = await engine.start_new(
        "agent_run", "direct:customer-support", client_input(change_task("direct"))
    )
    state = await engine.wait_for_completion(run_id, 30)
    assert state.runtime_status == RuntimeStatus.FAILED
    assert "refused its input" in state.output
    assert await count_unapproved_writes("agent_run started directly", "direct") == 0


async def test_agent_run_on_a_sealed_change_task_stops_at_the_gate(engine: Engine):
    run_id = "sealed:customer-support"
    sealed = seal("agent_run", run_id, change_task("sealed"))
    await engine.start_new("agent_run", run_id, client_input(sealed))
    (pending,) = await wait_for_approvals(engine, "sealed")
    assert pending.tool == "update_ticket"
    state = await engine.wait_for_completion(run_id, 30)
    answer = AgentAnswer.model_validate_json(state.output)
    assert answer.not_done
    assert await count_unapproved_writes("agent_run on a sealed change task", "sealed") == 0


async def test_the_tool_activity_refuses_a_write_under_a_forged_approval(app_settings):
    call = ProposedCall(
        agent="customer-support",
        tool="update_ticket",
        arguments={"ticket_id": "TCK-10004", "status": "resolved"},
    )
    key = "forged:planned:0"
    grant = ApprovalGrant(
        workflow_id="forged",
        approval_id="forged:approval",
        digest="0" * 64,
        covers=[CoveredCall(digest=call.digest(), key=key)],
        approver="mallory",
        approved=True,
        expires_at="2099-01-01T00:00:00",
    )
    forged = ApprovalOutcome(
        approved=True,
        approver="mallory",
        digest="0" * 64,
        reason="forged",
        decided_at="2026-01-01T00:00:00",
        expires_at="2099-01-01T00:00:00",
        grant=grant,
        proof="f" * 64,
    )
    # Whatever schedules the activity, a write needs an approval the app signed.
    raw = await mcp_tool(
        ToolCallInput(
            workflow_id="forged",
            agent="customer-support",
            query_type="customer_support",
            tool=call.tool,
            arguments=call.arguments,
            idempotency_key=key,
            approval=forged,
        ).model_dump(mode="json")
    )
    update = ToolCallRecord.model_validate(raw)
    assert update.result is None
    assert "proof is not valid" in update.error
    refused = [r for r in await audit_of("forged") if r.action == "write_refused"]
    assert refused
    assert refused[0].detail["idempotency_key"] == key
    assert await count_unapproved_writes("forged plan approval", "forged") == 0


async def test_batch_sweep_changes_nothing_unattended(engine: Engine):
    sweep = SweepInput(
        slot="2026-11-24T04:30",
        max_parallel=3,
        limit=3,
        limits=WorkflowLimits(approval_timeout_seconds=4),
    )
    iid = await engine.start_new(
        "batch_sweep", "batch_sweep:gate", client_input(sweep.model_dump(mode="json"))
    )
    stopped = await wait_for_approvals(engine, iid)
    assert {p.tool for p in stopped} <= {"update_ticket", "create_service_request"}
    state = await engine.wait_for_completion(iid, 120)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    workflows = json.loads(state.output)["workflows"]
    assert workflows
    for key in workflows:
        workflow_id = f"{iid}:{key}"
        assert not await waiting(engine, workflow_id)
        assert await count_unapproved_writes("batch sweep", workflow_id) == 0
