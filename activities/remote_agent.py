"""`a2a_send`, `a2a_get_task` and `a2a_cancel_task`: a remote A2A agent's part of a run, one
request per activity, so the remote task's id is checkpointed once the message is sent and a
restarted host follows that task instead of sending the message again.

Sending the message is gated like a data-changing tool call: unless the catalogue says it never
needs approval, it is sent only under an approval whose proof covers exactly this call, and it
is audited. An unreachable agent raises so the retry policy applies.
"""

from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from activities.tools import audit_write, refused_write
from core.agent_logs import Outcome
from core.models import ToolCallInput
from core.remote_agents import (
    RemoteAgentError,
    RemoteStart,
    RemoteTaskRef,
    RemoteWork,
    cancel_task,
    get_task,
    send_task,
)
from core.settings import get_settings
from core.tool_risk import remote_needs_approval
from orchestrations import names

bp = df.Blueprint()

MAX_POLL_SECONDS = 60.0


def _work() -> RemoteWork:
    settings = get_settings()
    return RemoteWork(
        poll_seconds=settings.A2A_POLL_SECONDS,
        max_poll_seconds=max(settings.A2A_POLL_SECONDS, MAX_POLL_SECONDS),
        timeout_seconds=settings.A2A_TASK_TIMEOUT_SECONDS,
    )


@bp.activity_trigger(input_name="payload", activity=names.A2A_SEND)
async def a2a_send(payload: dict[str, Any]) -> dict[str, Any]:
    """Send the agent its sub-task (`arguments.text`, message id the idempotency key) under
    its approval when it needs one; returns the remote task, or why nothing was sent."""
    call = ToolCallInput.model_validate(payload)
    step_log = StepLog(
        f"{call.workflow_id}:{call.agent}:a2a_send",
        call.workflow_id,
        call.agent,
        call.query_type,
        names.A2A_SEND,
        tool=call.tool,
    )
    gated = remote_needs_approval(call.agent)
    digest = call.proposed().digest()
    if gated:
        error = await refused_write(call, digest, f"sending {call.agent} its task")
        if error is not None:
            await step_log.write(Outcome.ERROR, error=error)
            return RemoteStart(refused=error).model_dump(mode="json")
    try:
        task = await send_task(call.agent, str(call.arguments["text"]), call.idempotency_key)
    except RemoteAgentError as exc:
        await step_log.write(Outcome.ERROR, error=str(exc))
        raise
    if gated:
        await audit_write(call, "write_executed", digest, "sent under its approval")
    await step_log.write(Outcome.OK)
    return RemoteStart(task=task, work=_work()).model_dump(mode="json")


@bp.activity_trigger(input_name="payload", activity=names.A2A_GET_TASK)
async def a2a_get_task(payload: dict[str, Any]) -> dict[str, Any]:
    """The remote task as it is now."""
    ref = RemoteTaskRef.model_validate(payload)
    return (await get_task(ref.agent, ref.task_id)).model_dump(mode="json")


@bp.activity_trigger(input_name="payload", activity=names.A2A_CANCEL_TASK)
async def a2a_cancel_task(payload: dict[str, Any]) -> dict[str, Any]:
    """Cancel the remote task; the task as the agent then reports it."""
    ref = RemoteTaskRef.model_validate(payload)
    return (await cancel_task(ref.agent, ref.task_id)).model_dump(mode="json")
