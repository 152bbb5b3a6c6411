"""`mcp_tool`: one checkpointed, idempotent MCP tool call of an agent."""

from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from core.agent_logs import Outcome
from core.mcp_client import ToolCallResult, ToolClientError, ToolServerUnavailableError, call_tool
from core.models import ToolCallInput, ToolCallRecord
from core.telemetry import mark_failed, mcp_tool_span
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
            result = await call_tool(
                call.agent, call.tool, call.arguments, idempotency_key=call.idempotency_key
            )
            record = to_record(call.tool, call.arguments, result)
            if record.error:
                mark_failed(span, "tool_error", record.error)
    except ToolServerUnavailableError as exc:
        await step_log.write(Outcome.ERROR, error=str(exc))
        raise
    except ToolClientError as exc:
        record = ToolCallRecord(tool=call.tool, arguments=call.arguments, error=str(exc))
    await step_log.write(Outcome.ERROR if record.error else Outcome.OK, error=record.error)
    return record.model_dump(mode="json")
