"""Coordinator runs seen as A2A tasks: state mapping from runtime and custom status, the
answer artifact, context and history from the run's input; what a client's message asks for;
the A2A-Version rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.models import CoordinatorResult, Plan, PlannedTask, QueryType
from triggers.a2a.errors import (
    ContentTypeNotSupportedError,
    InvalidParamsError,
    VersionNotSupportedError,
)
from triggers.a2a.messages import decision_of, request_of
from triggers.a2a.model import Message, Part, TaskState
from triggers.a2a.runs import ANNOTATIONS_KEY
from triggers.a2a.tasks import task_of, timestamp
from triggers.a2a.versions import V03, V1, requested_version, require

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
        ("Pending", None, None, TaskState.SUBMITTED),
        ("Running", {"phase": "planning"}, None, TaskState.WORKING),
        (
            "Running",
            {"phase": "running_agents", "agents_done": 1, "agents_total": 2},
            None,
            TaskState.WORKING,
        ),
        ("Suspended", {"phase": "running_agents"}, None, TaskState.WORKING),
        ("Completed", {"phase": "completed"}, result(), TaskState.COMPLETED),
        ("Completed", {"phase": "completed"}, result("denied"), TaskState.REJECTED),
        ("Failed", None, "boom", TaskState.FAILED),
        ("Terminated", None, "stop", TaskState.CANCELED),
    ],
)
def test_runtime_and_custom_status_map_to_task_states(
    runtime: str, custom: Any, output: Any, state: TaskState
) -> None:
    assert task_of(run(runtime, custom, output)).status.state is state


def test_awaiting_approval_is_input_required_with_the_plan_as_data() -> None:
    custom = {
        "phase": "awaiting_approval",
        "plan": PLAN.model_dump(mode="json"),
        "plan_digest": PLAN.digest(),
    }
    task = task_of(run("Running", custom))
    assert task.status.state is TaskState.INPUT_REQUIRED
    assert task.status.message is not None
    text, data = task.status.message.parts
    assert "approve or deny" in text.text
    assert data.data == {"plan": PLAN.model_dump(mode="json"), "planDigest": PLAN.digest()}


def test_a_finished_run_carries_its_answer_as_an_artifact() -> None:
    task = task_of(run("Completed", {"phase": "completed"}, result(failed=["enterprise"])))
    assert task.artifacts is not None
    (answer,) = task.artifacts
    assert answer.name == "answer"
    assert answer.parts[0].text == "The answer."
    assert answer.parts[1].data["status"] == "completed"
    assert "enterprise failed" in task.status.message.parts[0].text
    assert task_of(run("Completed", None, result()), include_artifacts=False).artifacts is None
    assert task_of(run("Running", {"phase": "planning"})).artifacts == []


def test_context_and_first_message_come_from_the_runs_input() -> None:
    stored = Message(
        message_id="m1", role="user", parts=[Part(text="hi")], context_id="ctx", task_id="wf-1"
    )
    run_input = {
        **REQUEST,
        ANNOTATIONS_KEY: {"contextId": "ctx", "message": stored.model_dump(mode="json")},
    }
    # The Durable client shows the input as the JSON string the SDK sent.
    task = task_of(run("Running", {"phase": "planning"}, run_input=json.dumps(run_input)))
    assert task.context_id == "ctx"
    assert task.history == [stored]
    assert task_of(run("Running", run_input=run_input), history_length=0).history is None


def test_a_run_started_elsewhere_is_its_own_context_with_its_query_as_history() -> None:
    task = task_of(run("Pending", run_input=REQUEST))
    assert task.context_id == "wf-1"
    assert task.history[0].parts[0].text == "Resolve ticket TCK-1"
    assert task_of(run("Pending")).history is None


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert timestamp(run("Pending").last_updated_time) == "2026-01-31T12:00:01.000Z"


def user(*parts: Part) -> Message:
    """A client's message."""
    return Message(message_id="m", role="user", parts=list(parts))


def test_a_request_is_the_text_plus_request_fields_from_data() -> None:
    message = user(
        Part(text="Check order"), Part(text="ORD-1"), Part(data={"query_type": "customer_support"})
    )
    assert request_of(message) == {"query": "Check order\nORD-1", "query_type": "customer_support"}
    assert request_of(user(Part(data={"query": "from data"})))["query"] == "from data"
    with pytest.raises(InvalidParamsError, match="text part"):
        request_of(user(Part(text="   ")))
    with pytest.raises(ContentTypeNotSupportedError):
        request_of(user(Part(text="q"), Part(url="https://example.com/a.pdf")))


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
            decision_of(user(Part(text=text)))
        return
    decision = decision_of(user(Part(text=text)))
    assert decision.approved is approved
    assert decision.comment == text


def test_a_decision_in_data_is_checked() -> None:
    decision = decision_of(user(Part(data={"approved": True, "approver": "alice", "digest": "d"})))
    assert (decision.approved, decision.approver, decision.digest) == (True, "alice", "d")
    with pytest.raises(InvalidParamsError) as caught:
        decision_of(user(Part(data={"approved": "maybe"})))
    assert caught.value.field == "message.parts.data.approved"


@pytest.mark.parametrize(
    ("given", "version"),
    [(None, V03), ("", V03), ("0.3", V03), ("0.3.1", V03), ("1.0", V1), ("1", V1), ("1.0.2", V1)],
)
def test_a2a_version_header_and_its_default(given: str | None, version: str) -> None:
    headers = {} if given is None else {"a2a-version": given}
    assert requested_version(headers, {}) == version


def test_unsupported_versions_and_mismatched_methods_are_refused() -> None:
    assert requested_version({}, {"A2A-Version": "1.0"}) == V1
    for given in ("0.2", "2.0", "latest"):
        with pytest.raises(VersionNotSupportedError):
            requested_version({"A2A-Version": given}, {})
    with pytest.raises(VersionNotSupportedError, match=r"A2A-Version: 1\.0"):
        require(V03, V1, "SendMessage")
