"""The approval gate of an agent's tool calls, inside `agent_run` before any `mcp_tool` is
scheduled: a call of a tool that changes data runs only under an approval of that exact call
(agent, tool, arguments digest, idempotency key), either listed in the approved plan or
decided on its own in an `approval` sub-orchestration that denies it when its deadline passes.
"""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from core.models import (
    NOT_CARRIED_OUT,
    AgentTask,
    ApprovalInput,
    ApprovalOutcome,
    CoveredCall,
    ProposedCall,
    SealedStart,
    ToolCallInput,
)
from orchestrations import names
from orchestrations.admission import start_children

Gated = ToolCallInput | str
"""A call to run (read-only, or carrying its approval), or the reason it does not run."""


def approval_instance_id(agent_run_id: str, step: int, index: int) -> str:
    """The id of the approval of call `index` of model step `step` of an agent run."""
    return f"{agent_run_id}:approval:{step}:{index}"


def _planned_key(task: AgentTask, call: ProposedCall) -> str | None:
    """The key the approved plan lists this exact call under, if it does."""
    approval = task.plan_approval
    if approval is None or not approval.approved or approval.grant is None:
        return None
    digest = call.digest()
    return next((c.key for c in approval.grant.covers if c.digest == digest), None)


def gate(
    context: df.DurableOrchestrationContext,
    task: AgentTask,
    step: int,
    calls: list[ToolCallInput],
    needs_approval: list[bool],
) -> Generator[Any, Any, list[Gated]]:
    """Each call as it may run, or why it may not; waits for the approvals it needs."""
    expires = context.current_utc_datetime + timedelta(seconds=task.approval_timeout_seconds)
    gated: list[Gated] = list(calls)
    indexes: list[int] = []
    starts: list[SealedStart] = []
    waiting: list[str] = []
    for index, call in enumerate(calls):
        if index >= len(needs_approval) or not needs_approval[index]:
            continue
        proposed = call.proposed()
        planned = _planned_key(task, proposed)
        if planned is not None:
            gated[index] = call.model_copy(
                update={"idempotency_key": planned, "approval": task.plan_approval}
            )
            continue
        request = ApprovalInput(
            workflow_id=task.workflow_id,
            call=proposed,
            reason=f"The {task.agent} agent asks to run {call.tool}, which changes data.",
            covers=[CoveredCall(digest=proposed.digest(), key=call.idempotency_key)],
            timeout_seconds=task.approval_timeout_seconds,
            expires_at=expires.isoformat(),
        )
        indexes.append(index)
        starts.append(
            SealedStart(
                orchestration=names.APPROVAL,
                instance_id=approval_instance_id(context.instance_id, step, index),
                input=request.model_dump(mode="json"),
            )
        )
        waiting.append(proposed.describe())
    if not starts:
        return gated
    waits = yield from start_children(context, task.workflow_id, starts)
    context.set_custom_status({"phase": "awaiting_approval", "waiting": waiting})
    outcomes = yield context.task_all(waits)
    context.set_custom_status({"phase": "running"})
    for index, raw in zip(indexes, outcomes, strict=True):
        outcome = ApprovalOutcome.model_validate(raw)
        gated[index] = (
            calls[index].model_copy(update={"approval": outcome})
            if outcome.approved
            else f"{NOT_CARRIED_OUT}: {outcome.reason}"
        )
    return gated
