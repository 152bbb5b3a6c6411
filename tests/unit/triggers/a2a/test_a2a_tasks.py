"""Coordinator runs seen as A2A tasks (the SDK's types): state mapping from runtime and custom
status, the answer artifact, context and history from the run's input; what a client's message
asks for."""

from __future__ import annotations

import json
from typing import Any

import pytest
from a2a.helpers.proto_helpers import get_data_parts, get_text_parts, new_data_part, new_text_part
from a2a.types import Message, Part, Role, TaskState
from a2a.utils.errors import ContentTypeNotSupportedError, InvalidParamsError
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from google.protobuf.json_format import MessageToDict

from core.models import CoordinatorResult, PendingApproval, Plan, PlannedTask, QueryType
from triggers.a2a.messages import decision_of, request_of
from triggers.a2a.tasks import task_of
from triggers.shared.runs import ANNOTATIONS_KEY

PLAN = Plan(
    tasks=[PlannedTask(agent="customer-support", task="Resolve TCK-1")], needs_approval=True
)
REQUEST = {"request": {"query": "Resolve ticket TCK-1"}}


def run(
    runtime: str, custom: Any = None, output: Any = None, run_input: Any = None
) -> DurableOrchestrationStatus:
    """A coordinator run's status as the Durable client returns it."""
    return DurableOrchestrationStatus.from_json(
        {
            "name": "coordinator",
            "instanceId": "wf-1",
            "runtimeStatus": runtime,
            "customStatus": custom,
            "output": output,
            "input": run_input,
            "createdTime": "2026-01-31T12:00:00Z",
            "lastUpdatedTime": "2026-01-31T12:00:01Z",
        }
    )


def result(status: str = "completed", failed: list[str] | None = None) -> dict[str, Any]:
    """A coordinator result's JSON."""
    return CoordinatorResult(
        workflow_id="wf-1",
        query="Resolve ticket TCK-1",
        query_type=QueryType.GENERAL,
        status=status,
        answer="The answer.",
        failed_agents=failed or [],
    ).model_dump(mode="json")


@pytest.mark.parametrize(
    ("runtime", "custom", "output", "state"),
    [
        ("Pending", None, None, TaskState.TASK_STATE_SUBMITTED),
        ("Running", {"phase": "planning"}, None, TaskState.TASK_STATE_WORKING),
        (
            "Running",
            {"phase": "running_agents", "agents_done": 1, "agents_total": 2},
            None,
            TaskState.TASK_STATE_WORKING,
        ),
        ("Suspended", {"phase": "running_agents"}, None, TaskState.TASK_STATE_WORKING),
        ("Completed", {"phase": "completed"}, result(), TaskState.TASK_STATE_COMPLETED),
        ("Completed", {"phase": "completed"}, result("denied"), TaskState.TASK_STATE_REJECTED),
        ("Failed", None, "boom", TaskState.TASK_STATE_FAILED),
        ("Terminated", None, "stop", TaskState.TASK_STATE_CANCELED),
    ],
)
def test_runtime_and_custom_status_map_to_task_states(
    runtime: str, custom: Any, output: Any, state: TaskState
) -> None:
    assert task_of(run(runtime, custom, output)).status.state == state


def test_awaiting_approval_is_input_required_with_the_plan_as_data() -> None:
    custom = {
        "phase": "awaiting_approval",
        "plan": PLAN.model_dump(mode="json"),
        "plan_digest": PLAN.digest(),
    }
    task = task_of(run("Running", custom))
    assert task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    (text,) = get_text_parts(task.status.message.parts)
    assert "approve or deny" in text
    (data,) = get_data_parts(task.status.message.parts)
    assert data == json.loads(
        json.dumps({"plan": PLAN.model_dump(mode="json"), "planDigest": PLAN.digest()}),
        parse_int=float,
    )


def test_a_waiting_tool_call_is_input_required_saying_what_waits() -> None:
    waiting = PendingApproval(
        approval_id="wf-1:agent:customer-support:gate:1",
        workflow_id="wf-1",
        kind="tool_call",
        digest="d" * 64,
        expires_at="2026-01-31T13:00:00+00:00",
        agent="customer-support",
        tool="update_ticket",
        arguments={"ticket_id": "TCK-1", "status": "resolved"},
    )
    custom = {"phase": "awaiting_approval", "pending_approvals": [waiting.model_dump(mode="json")]}
    task = task_of(run("Running", custom))
    assert task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    (text,) = get_text_parts(task.status.message.parts)
    assert (
        "wf-1:agent:customer-support:gate:1: customer-support: "
        "update_ticket(ticket_id='TCK-1', status='resolved')"
    ) in text
    assert "approval_id" in text
    (data,) = get_data_parts(task.status.message.parts)
    (shown,) = data["pendingApprovals"]
    assert (shown["approval_id"], shown["tool"], shown["arguments"]) == (
        waiting.approval_id,
        "update_ticket",
        {"ticket_id": "TCK-1", "status": "resolved"},
    )


def test_a_finished_run_carries_its_answer_as_an_artifact() -> None:
    task = task_of(run("Completed", {"phase": "completed"}, result(failed=["enterprise"])))
    (answer,) = task.artifacts
    assert answer.name == "answer"
    assert get_text_parts(answer.parts) == ["The answer."]
    assert get_data_parts(answer.parts)[0]["status"] == "completed"
    assert "enterprise failed" in task.status.message.parts[0].text
    assert not task_of(run("Completed", None, result()), include_artifacts=False).artifacts
    assert not task_of(run("Running", {"phase": "planning"})).artifacts


def test_context_and_first_message_come_from_the_runs_input() -> None:
    stored = Message(
        message_id="m1",
        role=Role.ROLE_USER,
        parts=[new_text_part("hi")],
        context_id="ctx",
        task_id="wf-1",
    )
    run_input = {**REQUEST, ANNOTATIONS_KEY: {"contextId": "ctx", "message": MessageToDict(stored)}}
    # The Durable client shows the input as the JSON string the SDK sent.
    task = task_of(run("Running", {"phase": "planning"}, run_input=json.dumps(run_input)))
    assert task.context_id == "ctx"
    assert list(task.history) == [stored]


def test_a_message_stored_by_the_earlier_a2a_server_still_reads() -> None:
    earlier = {"message_id": "m1", "role": "user", "parts": [{"text": "hi"}], "context_id": "ctx"}
    run_input = {**REQUEST, ANNOTATIONS_KEY: {"contextId": "ctx", "message": earlier}}
    (message,) = task_of(run("Running", {"phase": "planning"}, run_input=run_input)).history
    assert (message.message_id, message.role, message.context_id) == ("m1", Role.ROLE_USER, "ctx")
    assert get_text_parts(message.parts) == ["hi"]


def test_a_run_started_elsewhere_is_its_own_context_with_its_query_as_history() -> None:
    task = task_of(run("Pending", run_input=REQUEST))
    assert task.context_id == "wf-1"
    assert task.history[0].parts[0].text == "Resolve ticket TCK-1"
    assert not task_of(run("Pending")).history


def test_the_status_time_is_the_runs_last_update_in_utc() -> None:
    assert MessageToDict(task_of(run("Pending")).status)["timestamp"] == "2026-01-31T12:00:01Z"


def user(*parts: Part) -> Message:
    """A client's message."""
    return Message(message_id="m", role=Role.ROLE_USER, parts=list(parts))


def test_a_request_is_the_text_plus_request_fields_from_data() -> None:
    message = user(
        new_text_part("Check order"),
        new_text_part("ORD-1"),
        new_data_part({"query_type": "customer_support"}),
    )
    assert request_of(message) == {"query": "Check order\nORD-1", "query_type": "customer_support"}
    assert request_of(user(new_data_part({"query": "from data"})))["query"] == "from data"
    with pytest.raises(InvalidParamsError, match="text part"):
        request_of(user(new_text_part("   ")))
    with pytest.raises(InvalidParamsError, match=r"parts\[0\]\.data: must be an object"):
        request_of(user(new_data_part([1, 2])))
    with pytest.raises(ContentTypeNotSupportedError):
        request_of(user(new_text_part("q"), Part(url="https://example.com/a.pdf")))


@pytest.mark.parametrize(
    ("text", "approved"),
    [
        ("Approve: looks right", True),
        ("yes", True),
        ("承認します", True),
        ("却下", False),
        ("maybe later", None),
        ("Deny, too risky", False),
        ("no.", False),
    ],
)
def test_a_decision_in_text_starts_with_approve_or_deny(text: str, approved: bool | None) -> None:
    if approved is None:
        with pytest.raises(InvalidParamsError):
            decision_of(user(new_text_part(text)))
        return
    decision = decision_of(user(new_text_part(text)))
    assert decision.approved is approved
    assert decision.comment == text


def test_a_decision_in_data_is_checked() -> None:
    data = {"approved": True, "approver": "alice", "digest": "d"}
    decision = decision_of(user(new_data_part(data)))
    assert (decision.approved, decision.approver, decision.digest) == (True, "alice", "d")
    with pytest.raises(InvalidParamsError) as caught:
        decision_of(user(new_data_part({"approved": "maybe"})))
    assert caught.value.data is not None
    assert [e["field"] for e in caught.value.data["errors"]] == ["message.parts.data.approved"]
