"""A remote A2A agent's part of `agent_run`: its sub-task goes out as one message (after the
approval gate, when sending it needs an approval), then durable timers space out looks at the
remote task until it ends, waits for input or runs past its deadline (then it is cancelled).

The task id comes back from the `a2a_send` activity and so is in the history: a restarted
host replays the send and goes on following the same task, never sending again. The custom
status names the task while it runs, so terminating the run cancels it
(`core.remote_agents.cancellation`).
"""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from core.models import (
    NOT_CARRIED_OUT,
    AgentAnswer,
    AgentStatus,
    AgentTask,
    ToolCallInput,
    ToolCallRecord,
    change_not_made,
    with_changes_not_made,
)
from core.remote_agents import SEND_MESSAGE, RemoteStart, RemoteTask, RemoteTaskRef
from core.remote_agents.cancellation import remote_task_status
from core.remote_agents.models import INTERRUPTED
from orchestrations import names
from orchestrations.policies import TOOL_RETRY
from orchestrations.tool_gate import gate


def remote_part(
    context: df.DurableOrchestrationContext, task: AgentTask, text: str
) -> Generator[Any, Any, AgentAnswer]:
    """The remote agent's answer to `text`: its result when its task completes, its question
    when it asks for input, or what went wrong."""
    call = ToolCallInput(
        workflow_id=task.workflow_id,
        agent=task.agent,
        query_type=task.query_type,
        tool=SEND_MESSAGE,
        arguments={"text": text},
        idempotency_key=f"{context.instance_id}:{SEND_MESSAGE}",
    )

    def ended(status: AgentStatus, answer: str, record: ToolCallRecord) -> AgentAnswer:
        line = change_not_made(task.agent, SEND_MESSAGE, call.arguments, record.error)
        not_done = [] if line is None else [line]
        return AgentAnswer(
            agent=task.agent,
            status=status,
            answer=with_changes_not_made(answer, not_done),
            tool_calls=[record],
            error=record.error if status == AgentStatus.FAILED else None,
            not_done=not_done,
        )

    def refused(reason: str) -> AgentAnswer:
        record = ToolCallRecord(tool=SEND_MESSAGE, arguments=call.arguments, error=reason)
        return ended(AgentStatus.OK, f"The {task.agent} agent was not asked.", record)

    try:
        if task.remote is not None and task.remote.needs_approval:
            (gated,) = yield from gate(context, task, 0, [call], [True])
            if isinstance(gated, str):
                return refused(gated)
            call = gated
        start = RemoteStart.model_validate(
            (
                yield context.call_activity_with_retry(
                    names.A2A_SEND, TOOL_RETRY, call.model_dump(mode="json")
                )
            )
        )
        if start.refused is not None or start.task is None or start.work is None:
            return refused(start.refused or f"{NOT_CARRIED_OUT}: nothing was sent")
        seen: RemoteTask = start.task
        work = start.work
        timed_out = False
        if seen.task_id:
            context.set_custom_status(remote_task_status(task.agent, seen.task_id))
        ref = RemoteTaskRef(workflow_id=task.workflow_id, agent=task.agent, task_id=seen.task_id)
        deadline = context.current_utc_datetime + timedelta(seconds=work.timeout_seconds)
        wait = work.poll_seconds
        while seen.waiting and seen.task_id:
            now = context.current_utc_datetime
            if now >= deadline:
                timed_out = True
                seen = RemoteTask.model_validate(
                    (yield context.call_activity(names.A2A_CANCEL_TASK, ref.model_dump()))
                )
                break
            yield context.create_timer(min(now + timedelta(seconds=wait), deadline))
            seen = RemoteTask.model_validate(
                (
                    yield context.call_activity_with_retry(
                        names.A2A_GET_TASK, TOOL_RETRY, ref.model_dump()
                    )
                )
            )
            wait = min(wait * 2, work.max_poll_seconds)
        context.set_custom_status({"phase": "running"})
    except Exception as exc:
        record = ToolCallRecord(tool=SEND_MESSAGE, arguments=call.arguments, error=str(exc))
        return ended(AgentStatus.FAILED, f"The {task.agent} agent failed: {exc}", record)
    result = seen.model_dump(mode="json")
    if seen.state == "completed":
        record = ToolCallRecord(tool=SEND_MESSAGE, arguments=call.arguments, result=result)
        answer = seen.text or f"The {task.agent} agent finished without an answer."
        return ended(AgentStatus.OK, answer, record)
    if seen.state in INTERRUPTED:
        record = ToolCallRecord(tool=SEND_MESSAGE, arguments=call.arguments, result=result)
        what = "input" if seen.state == "input-required" else "authentication"
        asked = seen.text or "(no question given)"
        answer = f"The {task.agent} agent needs more {what} before it can answer. It asked: {asked}"
        return ended(AgentStatus.INPUT_REQUIRED, answer, record)
    reason = (
        f"its task did not end within {work.timeout_seconds} s and was cancelled"
        if timed_out
        else f"its task ended {seen.state}"
    )
    if seen.text:
        reason += f": {seen.text}"
    record = ToolCallRecord(
        tool=SEND_MESSAGE, arguments=call.arguments, result=result, error=reason
    )
    return ended(AgentStatus.FAILED, f"The {task.agent} agent failed: {reason}", record)
