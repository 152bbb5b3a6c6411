"""`mcp_tool`: one checkpointed, idempotent MCP tool call of an agent.

A tool that changes data runs only under an approval whose proof verifies and covers exactly
this call (its digest and idempotency key), whatever path scheduled the activity; a refused
call comes back as an error the model reads, and is audited. Every executed write is audited
with the approval it ran under.
"""

from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from core import approvals
from core.agent_logs import AuditKind, AuditRecord, Outcome, get_agent_log_store
from core.mcp_client import (
    ToolCallResult,
    ToolClientError,
    ToolServerUnavailableError,
    call_found_tool,
    find_tool,
)
from core.models import NOT_CARRIED_OUT, ToolCallInput, ToolCallRecord
from core.telemetry import mark_failed, mcp_tool_span
from core.tool_risk import needs_approval
from orchestrations import names

bp = df.Blueprint()


def to_record(tool: str, arguments: dict[str, Any], result: ToolCallResult) -> ToolCallRecord:
    """A tool result as the agent's answer cites it."""
    if result.is_error:
        return ToolCallRecord(
            tool=tool, arguments=arguments, error=result.error or result.text or "tool error"
        )
    body = result.structured if result.structured is not None else {"text": result.text}
    return ToolCallRecord(tool=tool, arguments=arguments, result=body)


async def audit_write(call: ToolCallInput, action: str, digest: str, detail: str) -> None:
    """Audit a data-changing call that ran or was refused, with the approval it names."""
    approval = call.approval
    grant = approval.grant if approval else None
    await get_agent_log_store().append_audit(
        AuditRecord(
            id=f"{action}:{call.idempotency_key}",
            kind=AuditKind.TOOL_WRITE,
            actor=grant.approver if grant else "system",
            action=action,
            target=call.workflow_id,
            digest=digest,
            detail={
                "agent": call.agent,
                "tool": call.tool,
                "idempotency_key": call.idempotency_key,
                "approval_id": grant.approval_id if grant else None,
                "note": detail,
            },
            timestamp=datetime.now(UTC),
        )
    )


async def refused_write(call: ToolCallInput, digest: str, what: str) -> str | None:
    """Why the data-changing call (`what`, as the error names it) may not run, audited as
    refused; None when its approval covers it."""
    refused = approvals.refusal(call.approval, call.workflow_id, digest, call.idempotency_key)
    if refused is None:
        return None
    await audit_write(call, "write_refused", digest, refused)
    return f"{NOT_CARRIED_OUT}: {what} changes data and {refused}."


async def _run(call: ToolCallInput) -> ToolCallRecord:
    spec = await find_tool(call.agent, call.tool)
    # Only a gated call is matched against its approval and audited, both by its digest.
    digest = call.proposed().digest() if needs_approval(call.agent, spec) else None
    if digest is not None:
        error = await refused_write(call, digest, call.tool)
        if error is not None:
            return ToolCallRecord(tool=call.tool, arguments=call.arguments, error=error)
    result = await call_found_tool(
        call.agent, spec, call.arguments, idempotency_key=call.idempotency_key
    )
    record = to_record(call.tool, call.arguments, result)
    if digest is not None and record.error is None:
        await audit_write(call, "write_executed", digest, "ran under its approval")
    return record


@bp.activity_trigger(input_name="payload", activity=names.MCP_TOOL)
async def mcp_tool(payload: dict[str, Any]) -> dict[str, Any]:
    """Call one tool; a tool's own error comes back in the record, an unreachable tool server
    raises so the retry policy applies."""
    call = ToolCallInput.model_validate(payload)
    step_log = StepLog(
        f"{call.workflow_id}:{call.agent}:mcp_tool:{call.idempotency_key}",
        call.workflow_id,
        call.agent,
        call.query_type,
        "mcp_tool",
        tool=call.tool,
    )
    try:
        with mcp_tool_span(
            call.workflow_id, call.agent, call.tool, call_id=call.idempotency_key
        ) as span:
            record = await _run(call)
            if record.error:
                mark_failed(span, "tool_error", record.error)
    except ToolServerUnavailableError as exc:
        await step_log.write(Outcome.ERROR, error=str(exc))
        raise
    except ToolClientError as exc:
        record = ToolCallRecord(tool=call.tool, arguments=call.arguments, error=str(exc))
    await step_log.write(Outcome.ERROR if record.error else Outcome.OK, error=record.error)
    return record.model_dump(mode="json")
