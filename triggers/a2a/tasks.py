"""A2A tasks are coordinator orchestrations (task id = workflow id): the task view of a
durable instance, from its runtime status, custom status, input and output.

| durable | task state |
| --- | --- |
| Pending | submitted |
| Running (planning, asking agents, synthesising), Suspended | working |
| Running, phase `awaiting_approval` | input-required (the plan and its digest as data) |
| Completed | completed; rejected when the plan was denied |
| Failed | failed |
| Terminated | canceled |

A finished run's answer is the artifact `answer`: the synthesis as text and the whole
`CoordinatorResult` as JSON data. The task's context id and the client's first message are
kept in the run's input (see `runs.ANNOTATIONS_KEY`), so they outlive any process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from pydantic import ValidationError

from core.models import CoordinatorInput, CoordinatorResult
from triggers.a2a.model import Artifact, Message, Part, Task, TaskState, TaskStatus
from triggers.a2a.runs import annotations_of, awaiting_approval, run_input
from triggers.api_models import WorkflowProgress
from triggers.instances import Status, runtime_name
from triggers.workflows import progress_of

ANSWER_ARTIFACT = "answer"
APPROVAL_PROMPT = (
    "The plan in the data part changes data and needs a human decision. Reply to this task "
    'with a data part {"approved": true or false, "comment": "..."} or with a text that starts '
    "with approve or deny."
)


def timestamp(moment: datetime | None) -> str | None:
    """An A2A timestamp: UTC, millisecond precision, `Z`."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _working(progress: WorkflowProgress) -> str:
    if progress.phase == "planning":
        return "Planning which agents to ask."
    if progress.phase == "running_agents":
        return (
            f"Asking {progress.agents_total} agent(s): {progress.agents_done} answered, "
            f"{progress.tokens_used} of {progress.budget_tokens} tokens used."
        )
    if progress.phase == "synthesizing":
        return "Synthesizing the agents' answers."
    if progress.phase == "completed":
        return "Recording the result."
    return "Starting."


def _result(status: DurableOrchestrationStatus) -> CoordinatorResult | None:
    try:
        return CoordinatorResult.model_validate(status.output)
    except ValidationError:
        return None


def _finished(result: CoordinatorResult | None, output: Any) -> tuple[TaskState, str]:
    if result is None:
        return TaskState.COMPLETED, str(output)
    if result.status == "denied":
        return TaskState.REJECTED, result.answer
    if result.failed_agents:
        return (
            TaskState.COMPLETED,
            f"Done, with a partial answer: {', '.join(result.failed_agents)} failed.",
        )
    return TaskState.COMPLETED, "Done."


def state_of(status: DurableOrchestrationStatus) -> tuple[TaskState, str, dict[str, Any] | None]:
    """The task state of a run, what the agent says about it, and data to go with it."""
    runtime = status.runtime_status
    progress = progress_of(status)
    if runtime == Status.Pending:
        return TaskState.SUBMITTED, "Accepted; the coordinator starts shortly.", None
    if runtime == Status.Running and awaiting_approval(status):
        plan = progress.plan.model_dump(mode="json") if progress.plan else None
        return (
            TaskState.INPUT_REQUIRED,
            APPROVAL_PROMPT,
            {"plan": plan, "planDigest": progress.plan_digest},
        )
    if runtime == Status.Suspended:
        return TaskState.WORKING, "Suspended by an operator; it goes on when resumed.", None
    if runtime == Status.Completed:
        state, text = _finished(_result(status), status.output)
        return state, text, None
    if runtime == Status.Failed:
        return TaskState.FAILED, f"The coordinator failed: {status.output}", None
    if runtime in (Status.Terminated, Status.Canceled):
        return TaskState.CANCELED, f"Canceled: {status.output or 'terminated'}", None
    return TaskState.WORKING, _working(progress), None


def _request_message(status: DurableOrchestrationStatus, context_id: str) -> Message | None:
    """The client's first message: as stored, or made from the request of a run that was
    started some other way (the HTTP API, the batch sweep)."""
    workflow_id = status.instance_id or ""
    stored = annotations_of(status).get("message")
    if isinstance(stored, dict):
        return Message.model_validate(stored)
    try:
        request = CoordinatorInput.from_payload(run_input(status)).request
    except ValidationError:
        return None
    return Message(
        message_id=f"{workflow_id}:request",
        role="user",
        parts=[Part(text=request.query)],
        context_id=context_id,
        task_id=workflow_id,
    )


def _answer(workflow_id: str, result: CoordinatorResult) -> Artifact:
    return Artifact(
        artifact_id=f"{workflow_id}:{ANSWER_ARTIFACT}",
        name=ANSWER_ARTIFACT,
        description="The synthesized answer; the data part is the whole result (each agent's "
        "answer and tool calls, the plan, the approval, tokens used).",
        parts=[
            Part(text=result.answer, media_type="text/plain"),
            Part(data=result.model_dump(mode="json"), media_type="application/json"),
        ],
    )


def task_of(
    status: DurableOrchestrationStatus,
    *,
    history_length: int | None = None,
    include_artifacts: bool = True,
) -> Task:
    """The task view of a coordinator run (read with `show_input` for its context and
    history). `history_length` 0 leaves the history out; artifacts only when included."""
    workflow_id = status.instance_id or ""
    context_id = str(annotations_of(status).get("contextId") or workflow_id)
    state, text, data = state_of(status)
    progress = progress_of(status)
    parts = [Part(text=text)] + ([Part(data=data, media_type="application/json")] if data else [])
    agent_message = Message(
        message_id=":".join(
            (workflow_id, state.value, progress.phase or "", str(progress.agents_done or 0))
        ),
        role="agent",
        parts=parts,
        context_id=context_id,
        task_id=workflow_id,
    )
    result = _result(status) if state in (TaskState.COMPLETED, TaskState.REJECTED) else None
    request = _request_message(status, context_id)
    history = [request] if request else []
    if history_length is not None:
        history = history[len(history) - history_length :] if history_length else []
    return Task(
        id=workflow_id,
        context_id=context_id,
        status=TaskStatus(
            state=state, message=agent_message, timestamp=timestamp(status.last_updated_time)
        ),
        artifacts=([_answer(workflow_id, result)] if result else []) if include_artifacts else None,
        history=history or None,
        metadata={
            "workflowId": workflow_id,
            "runtimeStatus": runtime_name(status),
            "progress": status.custom_status if isinstance(status.custom_status, dict) else None,
        },
    )
