"""The A2A operations on a task hub held in memory: idempotent sends, decisions only while a
plan waits, cancel, and ListTasks filters and cursor pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.models import Plan, PlannedTask
from tests.unit.triggers.conftest import Configure
from triggers.a2a.errors import (
    InvalidParamsError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from triggers.a2a.listing import decode_cursor, encode_cursor
from triggers.a2a.model import ListParams, Message, Part, SendParams, TaskState
from triggers.a2a.runs import ANNOTATIONS_KEY
from triggers.a2a.service import TaskService, task_id_for

PLAN = Plan(
    tasks=[PlannedTask(agent="customer-support", task="Resolve TCK-1")], needs_approval=True
)


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
        found = dict(self.instances.get(instance_id) or {})
        if found and not show_input:
            found.pop("input")
        return DurableOrchestrationStatus.from_json(found or "not found")

    async def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return [await self.get_status(i) for i in self.instances]

    async def start_new(self, name: str, instance_id: str | None, client_input: Any) -> str:
        assert instance_id
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
        self.terminated.append(instance_id)
        self.instances[instance_id].update(runtimeStatus="Terminated", output=reason)

    async def raise_event(self, instance_id: str, event_name: str, event_data: Any) -> None:
        self.raised.append((instance_id, event_name, event_data))


@pytest.fixture
def hub(settings_env: Configure) -> HubClient:
    """An empty hub, with offline settings (no authentication)."""
    return HubClient()


def send(
    text: str, *, task_id: str | None = None, message_id: str = "m1", **data: Any
) -> SendParams:
    """A non-blocking send of a user message."""
    parts = [Part(text=text)] + ([Part(data=data)] if data else [])
    message = Message(message_id=message_id, role="user", parts=parts, task_id=task_id)
    return SendParams(message=message, return_immediately=True)


async def test_a_send_starts_one_run_per_caller_and_message_id(hub: HubClient) -> None:
    service = TaskService(hub, {})
    task = await service.send(send("Check order ORD-1"))
    again = await service.send(send("Check order ORD-1"))
    other = await service.send(send("Check order ORD-1", message_id="m2"))
    assert task.id == again.id == task_id_for("local-development", "m1")
    assert other.id != task.id
    assert len(hub.instances) == 2
    assert task.status.state is TaskState.SUBMITTED
    assert task.history[0].message_id == "m1"
    assert task.history[0].context_id == task.context_id


async def test_invalid_requests_start_nothing(hub: HubClient) -> None:
    service = TaskService(hub, {})
    with pytest.raises(InvalidParamsError) as caught:
        await service.send(send("hi", budget_tokens=1))
    assert caught.value.field == "budget_tokens"
    agent = send("hi").model_copy(deep=True)
    agent.message.role = "agent"
    with pytest.raises(InvalidParamsError, match="user role"):
        await service.send(agent)
    assert hub.instances == {}


async def test_a_decision_goes_only_to_a_plan_that_waits(hub: HubClient) -> None:
    service = TaskService(hub, {})
    hub.add("busy", "Running", {"phase": "planning"}, updated="2026-01-31T12:00:01Z")
    with pytest.raises(UnsupportedOperationError, match="working"):
        await service.send(send("approve", task_id="busy", approver="alice"))
    with pytest.raises(TaskNotFoundError):
        await service.send(send("approve", task_id="missing"))
    custom = {
        "phase": "awaiting_approval",
        "plan": PLAN.model_dump(mode="json"),
        "plan_digest": PLAN.digest(),
    }
    hub.add("waits", "Running", custom, updated="2026-01-31T12:00:01Z")
    hub.add("waits:approval", "Running", updated="2026-01-31T12:00:01Z")
    await service.send(send("deny", task_id="waits", approved=False, approver="alice"))
    ((target, event, decision),) = hub.raised
    assert (target, event) == ("waits:approval", "approval")
    assert (decision["approved"], decision["approver"], decision["digest"]) == (
        False,
        "alice",
        PLAN.digest(),
    )


async def test_cancel_terminates_the_run_and_its_active_children(hub: HubClient) -> None:
    service = TaskService(hub, {})
    hub.add("wf", "Running", {"phase": "running_agents"}, updated="2026-01-31T12:00:01Z")
    hub.add("wf:enterprise", "Running", updated="2026-01-31T12:00:01Z")
    hub.add("wf:customer-support", "Completed", updated="2026-01-31T12:00:01Z")
    task = await service.cancel("wf")
    assert task.status.state is TaskState.CANCELED
    assert hub.terminated == ["wf", "wf:enterprise"]
    with pytest.raises(TaskNotCancelableError):
        await service.cancel("wf")


async def test_list_pages_newest_first_with_filters(hub: HubClient) -> None:
    service = TaskService(hub, {})
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
    first = await service.list(ListParams(page_size=2))
    assert [t.id for t in first.tasks] == ["done", "t4"]
    assert first.total_size == 6
    second = await service.list(ListParams(page_size=2, page_token=first.next_page_token))
    assert [t.id for t in second.tasks] == ["t3", "t2"]
    in_context = await service.list(ListParams(context_id="c"))
    assert [t.id for t in in_context.tasks] == ["t3", "t1"]
    assert in_context.next_page_token == ""
    working = await service.list(ListParams(state=TaskState.WORKING, include_artifacts=True))
    assert working.total_size == 5
    assert all(t.artifacts == [] for t in working.tasks)


def test_cursors_round_trip_and_foreign_ones_are_refused() -> None:
    assert decode_cursor(encode_cursor(("2026-01-31T12:00:00.000Z", "t1"))) == (
        "2026-01-31T12:00:00.000Z",
        "t1",
    )
    with pytest.raises(InvalidParamsError, match="pageToken"):
        decode_cursor("not-a-token")
