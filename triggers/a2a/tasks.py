"""A2A tasks are coordinator orchestrations (task id = workflow id): the task view (the SDK's
`Task`) of a durable instance, from its runtime status, custom status, input and output.

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

from a2a.helpers.proto_helpers import new_data_part, new_text_part
from a2a.types import Artifact, Message, Part, Role, Task, TaskState, TaskStatus
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from google.protobuf.json_format import ParseDict, ParseError
from google.protobuf.struct_pb2 import Struct
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import ValidationError

from core.models import CoordinatorInput, CoordinatorResult
from triggers.shared.api_models import WorkflowProgress
from triggers.shared.decisions import subject_of
from triggers.shared.instances import Status, runtime_name
from triggers.shared.runs import annotations_of, awaiting_approval, run_input
from triggers.shared.workflows import progress_of

ANSWER_ARTIFACT = "answer"
APPROVAL_PROMPT = (
    "Reply to this task with a data part "
    '{"approved": true or false, "approval_id": "...", "comment": "..."} or with a text that '
    "starts with approve or deny; without an approval_id the oldest waiting is decided."
)
TERMINAL = frozenset(
    {
        TaskState.TASK_STATE_COMPLETED,
        TaskState.TASK_STATE_CANCELED,
        TaskState.TASK_STATE_FAILED,
        TaskState.TASK_STATE_REJECTED,
    }
)
"""The states a task never leaves."""

INTERRUPTED = frozenset({TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED})
"""The states in which a task waits for the client."""


def state_name(state: TaskState) -> str:
    """The state's name as the 1.0 wire writes it (`TASK_STATE_INPUT_REQUIRED`)."""
    return TaskState.Name(state)


def utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC time (the Durable client returns naive UTC times)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
        return TaskState.TASK_STATE_COMPLETED, str(output)
    if result.status == "denied":
        return TaskState.TASK_STATE_REJECTED, result.answer
    if result.failed_agents:
        return (
            TaskState.TASK_STATE_COMPLETED,
            f"Done, with a partial answer: {', '.join(result.failed_agents)} failed.",
        )
    return TaskState.TASK_STATE_COMPLETED, "Done."


def _what_waits(progress: WorkflowProgress) -> tuple[str, dict[str, Any]]:
    """What an input-required task says waits for a decision (each approval in a few words),
    and the data part: the plan and its digest, and every waiting approval (plan or tool call:
    agent, tool, arguments, reason, digest, expiry)."""
    waiting = progress.pending_approvals
    lines = [f"- {p.approval_id}: {subject_of(p)}" for p in waiting]
    if not lines and progress.plan is not None:
        lines = ["- the plan: " + "; ".join(f"{t.agent}: {t.task}" for t in progress.plan.tasks)]
    text = "Waiting for a human decision on:\n" + "\n".join(lines) + "\n" + APPROVAL_PROMPT
    data: dict[str, Any] = {
        "plan": progress.plan.model_dump(mode="json") if progress.plan else None,
        "planDigest": progress.plan_digest,
    }
    if waiting:
        data["pendingApprovals"] = [p.model_dump(mode="json") for p in waiting]
    return text, data


def state_of(status: DurableOrchestrationStatus) -> tuple[TaskState, str, dict[str, Any] | None]:
    """The task state of a run, what the agent says about it, and data to go with it."""
    runtime = status.runtime_status
    progress = progress_of(status)
    if runtime == Status.Pending:
        return TaskState.TASK_STATE_SUBMITTED, "Accepted; the coordinator starts shortly.", None
    if runtime == Status.Running and awaiting_approval(status):
        return TaskState.TASK_STATE_INPUT_REQUIRED, *_what_waits(progress)
    if runtime == Status.Suspended:
        return (
            TaskState.TASK_STATE_WORKING,
            "Suspended by an operator; it goes on when resumed.",
            None,
        )
    if runtime == Status.Completed:
        state, text = _finished(_result(status), status.output)
        return state, text, None
    if runtime == Status.Failed:
        return TaskState.TASK_STATE_FAILED, f"The coordinator failed: {status.output}", None
    if runtime in (Status.Terminated, Status.Canceled):
        return TaskState.TASK_STATE_CANCELED, f"Canceled: {status.output or 'terminated'}", None
    return TaskState.TASK_STATE_WORKING, _working(progress), None


def _request_message(status: DurableOrchestrationStatus, context_id: str) -> Message | None:
    """The client's first message: as stored, or made from the request of a run that was
    started some other way (the HTTP API, the batch sweep)."""
    workflow_id = status.instance_id or ""
    stored = annotations_of(status).get("message")
    if isinstance(stored, dict):
        try:
            found = ParseDict(stored, Message(), ignore_unknown_fields=True)
        except ParseError:
            found = None
        if found is not None:
            found.role = Role.ROLE_USER
            return found
    try:
        request = CoordinatorInput.from_payload(run_input(status)).request
    except ValidationError:
        return None
    return Message(
        message_id=f"{workflow_id}:request",
        role=Role.ROLE_USER,
        parts=[new_text_part(request.query)],
        context_id=context_id,
        task_id=workflow_id,
    )


def _answer(workflow_id: str, result: CoordinatorResult) -> Artifact:
    return Artifact(
        artifact_id=f"{workflow_id}:{ANSWER_ARTIFACT}",
        name=ANSWER_ARTIFACT,
        description="The synthesized answer; the data part is the whole result (each agent's "
        "answer and tool calls with a summary of each result, the plan, the approval, tokens "
        "used).",
        parts=[
            new_text_part(result.answer, "text/plain"),
            new_data_part(result.model_dump(mode="json"), "application/json"),
        ],
    )


def _metadata(status: DurableOrchestrationStatus) -> Struct:
    metadata = Struct()
    metadata.update(
        {
            "workflowId": status.instance_id or "",
            "runtimeStatus": runtime_name(status),
            "progress": status.custom_status if isinstance(status.custom_status, dict) else None,
        }
    )
    return metadata


def task_of(status: DurableOrchestrationStatus, *, include_artifacts: bool = True) -> Task:
    """The task view of a coordinator run (read with `show_input` for its context and
    history); its artifacts only when included."""
    workflow_id = status.instance_id or ""
    context_id = str(annotations_of(status).get("contextId") or workflow_id)
    state, text, data = state_of(status)
    progress = progress_of(status)
    parts: list[Part] = [new_text_part(text)]
    if data:
        parts.append(new_data_part(data, "application/json"))
    agent_message = Message(
        message_id=":".join(
            (workflow_id, state_name(state), progress.phase or "", str(progress.agents_done or 0))
        ),
        role=Role.ROLE_AGENT,
        parts=parts,
        context_id=context_id,
        task_id=workflow_id,
    )
    task_status = TaskStatus(state=state, message=agent_message)
    if status.last_updated_time is not None:
        stamp = Timestamp()
        stamp.FromDatetime(utc(status.last_updated_time))
        task_status.timestamp.CopyFrom(stamp)
    result = (
        _result(status)
        if state in (TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_REJECTED)
        else None
    )
    request = _request_message(status, context_id)
    return Task(
        id=workflow_id,
        context_id=context_id,
        status=task_status,
        artifacts=[_answer(workflow_id, result)] if result and include_artifacts else [],
        history=[request] if request else [],
        metadata=_metadata(status),
    )
