"""`record_workflow` and `record_audit`: the workflow's closing log entry (and its turn of a
thread) and audit entries."""

from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df

from activities.threads import record_turn
from core.agent_logs import AgentLogRecord, AuditRecord, Outcome, TokenUsage, get_agent_log_store
from core.models import AuditInput, WorkflowRecord
from orchestrations import names

bp = df.Blueprint()

OUTCOMES = {
    "completed": Outcome.OK,
    "partial": Outcome.PARTIAL,
    "denied": Outcome.DENIED,
    "self_test": Outcome.OK,
}


@bp.activity_trigger(input_name="payload", activity=names.RECORD_WORKFLOW)
async def record_workflow(payload: dict[str, Any]) -> None:
    """Log the finished workflow under the coordinator and, for a run of a thread, write its
    turn (both idempotent by workflow id)."""
    done = WorkflowRecord.model_validate(payload)
    result = done.result
    failed = "; ".join(f"{a.agent}: {a.error}" for a in result.agents if a.error) or None
    record = AgentLogRecord(
        id=f"{done.workflow_id}:workflow",
        workflow_id=done.workflow_id,
        agent_id="coordinator",
        query_type=result.query_type,
        step="workflow",
        tokens=TokenUsage(prompt=0, completion=0, total=result.tokens_used),
        latency_ms=done.duration_ms,
        outcome=OUTCOMES[result.status],
        error=failed,
        timestamp=datetime.now(UTC),
        model=None,
    )
    await get_agent_log_store().append(record)
    if done.turn is not None:
        await record_turn(result, done.turn)


@bp.activity_trigger(input_name="payload", activity=names.RECORD_AUDIT)
async def record_audit(payload: dict[str, Any]) -> None:
    """Append one audit entry (the first write of an id wins; entries are never changed)."""
    entry = AuditInput.model_validate(payload)
    await get_agent_log_store().append_audit(
        AuditRecord(
            id=entry.entry_id,
            kind=entry.kind,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            digest=entry.digest,
            detail={"note": entry.detail} if entry.detail else {},
            timestamp=datetime.now(UTC),
        )
    )
