"""The SDK's request-handler interface over a task hub held in memory: idempotent sends,
decisions only while a plan waits, cancel, and ListTasks filters and cursor pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from a2a.helpers.proto_helpers import new_data_part, new_text_part
from a2a.server.context import ServerCallContext
from a2a.types import (
    CancelTaskRequest,
    GetTaskRequest,
    ListTasksRequest,
    Message,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    TaskState,
)
from a2a.utils.errors import (
    InvalidParamsError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.approvals import signed_decision
from core.models import PendingApproval, Plan, PlannedTask
from tests.unit.triggers.conftest import Configure
from triggers.a2a.handler import CoordinatorRequestHandler, task_id_for
from triggers.a2a.invocation import Invocation, answering
from triggers.shared.runs import ANNOTATIONS_KEY

PLAN = Plan(
    tasks=[PlannedTask(agent="customer-support", task="Resolve TCK-1")], needs_approval=True
)
HANDLER = CoordinatorRequestHandler()
CONTEXT = ServerCallContext()


class HubClient:
    """A Durable client over instances kept in a dict (status JSON by id)."""

    def __init__(self) -> None:
        self.instances: dict[str, dict[str, Any]] = {}
        self.terminated: list[str] = []
        self.raised: list[tuple[str, str, Any]] = []

    def add(
        self,
        instance_id: str,
        runtime: str,
        custom: Any = None,
        *,
        updated: str,
        context: str | None = None,
    ) -> None:
        """Put a coordinator run in the hub."""
        run_input: dict[str, Any] = {"request": {"query": "q"}}
        if context:
            run_input[ANNOTATIONS_KEY] = {"contextId": context}
        self.instances[instance_id] = {
            "name": "coordinator",
            "instanceId": instance_id,
            "runtimeStatus": runtime,
            "customStatus": custom,
            "input": json.dumps(run_input),
            "createdTime": "2026-01-31T12:00:00Z",
            "lastUpdatedTime": updated,
        }

    async def get_status(
        self, instance_id: str, show_input: bool = False
    ) -> DurableOrchestrationStatus:
        found = dict(self.instances.get(unquote(instance_id)) or {})
        if found and not show_input:
            found.pop("input")
        return DurableOrchestrationStatus.from_json(found or "not found")

    async def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return [await self.get_status(i) for i in self.instances]

    async def start_new(self, name: str, instance_id: str | None, client_input: Any) -> str:
        assert instance_id
        instance_id = unquote(instance_id)
        self.instances[instance_id] = {
            "name": name,
            "instanceId": instance_id,
            "runtimeStatus": "Pending",
            "input": json.dumps(client_input),
            "createdTime": "2026-01-31T12:00:00Z",
            "lastUpdatedTime": "2026-01-31T12:00:00Z",
        }
        return instance_id

    async def terminate(self, instance_id: str, reason: str) -> None:
        instance_id = unquote(instance_id)
        self.terminated.append(instance_id)
        self.instances[instance_id].update(runtimeStatus="Terminated", output=reason)

    async def raise_event(self, instance_id: str, event_name: str, event_data: Any) -> None:
        self.raised.append((unquote(instance_id), event_name, event_data))

    async def scan(self, query: dict[str, str]) -> tuple[list[dict[str, Any]], bool]:
        """The hub's instances the extension's list `query` selects (prefix and status)."""
        prefix = query.get("instanceIdPrefix", "")
        wanted = query.get("runtimeStatus")
        return [
            s
            for i, s in self.instances.items()
            if i.startswith(prefix) and (wanted is None or s["runtimeStatus"] == wanted)
        ], False


@pytest.fixture
def hub(settings_env: Configure, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubClient]:
    """An empty hub, with offline settings (no authentication), as the current request's;
    its instance listing stands in for the extension's list endpoint."""
    found = HubClient()

    async def scan(client: Any, query: dict[str, str], limit: int = 0) -> Any:
        return await found.scan(query)

    monkeypatch.setattr("triggers.shared.pending.scan_instances", scan)
    with answering(Invocation(found, {})):
        yield found


def send(
    text: str, *, task_id: str = "", message_id: str = "m1", **data: Any
) -> SendMessageRequest:
    """A non-blocking send of a user message."""
    parts = [new_text_part(text)] + ([new_data_part(data)] if data else [])
    message = Message(message_id=message_id, role=Role.ROLE_USER, parts=parts, task_id=task_id)
    return SendMessageRequest(
        message=message, configuration=SendMessageConfiguration(return_immediately=True)
    )


async def test_a_send_starts_one_run_per_caller_and_message_id(hub: HubClient) -> None:
    task = await HANDLER.on_message_send(send("Check order ORD-1"), CONTEXT)
    again = await HANDLER.on_message_send(send("Check order ORD-1"), CONTEXT)
    other = await HANDLER.on_message_send(send("Check order ORD-1", message_id="m2"), CONTEXT)
    assert task.id == again.id == task_id_for("local-development", "m1")
    assert other.id != task.id
    assert len(hub.instances) == 2
    assert task.status.state == TaskState.TASK_STATE_SUBMITTED
    assert task.history[0].message_id == "m1"
    assert task.history[0].context_id == task.context_id


async def test_invalid_requests_start_nothing(hub: HubClient) -> None:
    with pytest.raises(InvalidParamsError) as caught:
        await HANDLER.on_message_send(send("hi", budget_tokens=1), CONTEXT)
    assert caught.value.data is not None
    assert [e["field"] for e in caught.value.data["errors"]] == ["budget_tokens"]
    agent = send("hi")
    agent.message.role = Role.ROLE_AGENT
    with pytest.raises(InvalidParamsError, match="user role"):
        await HANDLER.on_message_send(agent, CONTEXT)
    with pytest.raises(InvalidParamsError):  # the SDK's check of required fields
        await HANDLER.on_message_send(SendMessageRequest(), CONTEXT)
    assert hub.instances == {}


async def test_a_decision_goes_only_to_a_plan_that_waits(hub: HubClient) -> None:
    hub.add("busy", "Running", {"phase": "planning"}, updated="2026-01-31T12:00:01Z")
    with pytest.raises(UnsupportedOperationError, match="WORKING"):
        await HANDLER.on_message_send(send("approve", task_id="busy", approver="alice"), CONTEXT)
    with pytest.raises(TaskNotFoundError):
        await HANDLER.on_message_send(send("approve", task_id="missing"), CONTEXT)
    custom = {
        "phase": "awaiting_approval",
        "plan": PLAN.model_dump(mode="json"),
        "plan_digest": PLAN.digest(),
    }
    hub.add("waits", "Running", custom, updated="2026-01-31T12:00:01Z")
    pending = PendingApproval(
        approval_id="waits:approval",
        workflow_id="waits",
        kind="plan",
        digest=PLAN.digest(),
        expires_at="2026-01-31T13:00:00+00:00",
        plan=PLAN,
    )
    hub.instances["waits:approval"] = {
        **hub.instances["waits"],
        "name": "approval",
        "instanceId": "waits:approval",
        "customStatus": {"phase": "awaiting_approval", "approval": pending.model_dump(mode="json")},
    }
    await HANDLER.on_message_send(
        send("deny", task_id="waits", approved=False, approver="alice"), CONTEXT
    )
    ((target, event, decision),) = hub.raised
    assert (target, event) == ("waits:approval", "approval")
    assert (decision["approved"], decision["approver"], decision["digest"]) == (
        False,
        "alice",
        PLAN.digest(),
    )
    assert decision == signed_decision(pending, "alice", False).model_dump(mode="json")


async def test_a_finished_task_is_not_cancelable(hub: HubClient) -> None:
    hub.add("wf", "Completed", {"phase": "completed"}, updated="2026-01-31T12:00:01Z")
    with pytest.raises(TaskNotCancelableError):
        await HANDLER.on_cancel_task(CancelTaskRequest(id="wf"), CONTEXT)
    assert hub.terminated == []


async def test_list_pages_newest_first_with_filters(hub: HubClient) -> None:
    for n in range(5):
        hub.add(
            f"t{n}",
            "Running",
            {"phase": "planning"},
            updated=f"2026-01-31T12:00:0{n}Z",
            context="c" if n % 2 else None,
        )
    hub.add("done", "Completed", updated="2026-01-31T12:00:09Z")
    hub.instances["sweep"] = {**hub.instances["done"], "name": "batch_sweep", "instanceId": "sweep"}
    first = await HANDLER.on_list_tasks(ListTasksRequest(page_size=2), CONTEXT)
    assert [t.id for t in first.tasks] == ["done", "t4"]
    assert first.total_size == 6
    second = await HANDLER.on_list_tasks(
        ListTasksRequest(page_size=2, page_token=first.next_page_token), CONTEXT
    )
    assert [t.id for t in second.tasks] == ["t3", "t2"]
    in_context = await HANDLER.on_list_tasks(ListTasksRequest(context_id="c"), CONTEXT)
    assert [t.id for t in in_context.tasks] == ["t3", "t1"]
    assert in_context.next_page_token == ""
    working = await HANDLER.on_list_tasks(
        ListTasksRequest(status=TaskState.TASK_STATE_WORKING, include_artifacts=True), CONTEXT
    )
    assert working.total_size == 5
    assert all(not t.artifacts for t in working.tasks)


async def test_foreign_page_tokens_and_page_sizes_out_of_range_are_refused(hub: HubClient) -> None:
    with pytest.raises(InvalidParamsError, match="pageToken"):
        await HANDLER.on_list_tasks(ListTasksRequest(page_token="not-a-token"), CONTEXT)
    for size in (0, 101):
        with pytest.raises(InvalidParamsError, match="page size"):
            await HANDLER.on_list_tasks(ListTasksRequest(page_size=size), CONTEXT)


@pytest.mark.parametrize(
    "task_id", ["../../etc/passwd", "a/b", ".", "..", "%2E%2E", "a\tb", "x" * 10_000]
)
async def test_an_id_no_run_can_have_is_not_found_without_asking_the_hub(
    hub: HubClient, task_id: str
) -> None:
    asked: list[str] = []

    async def get_status(instance_id: str, show_input: bool = False) -> None:
        asked.append(instance_id)

    hub.get_status = get_status  # type: ignore[method-assign]
    for call in (
        HANDLER.on_get_task(GetTaskRequest(id=task_id), CONTEXT),
        HANDLER.on_cancel_task(CancelTaskRequest(id=task_id), CONTEXT),
        HANDLER.on_message_send(send("approve", task_id=task_id), CONTEXT),
    ):
        with pytest.raises((TaskNotFoundError, InvalidParamsError)) as caught:
            await call
        assert len(str(caught.value)) < 200
    assert asked == []
