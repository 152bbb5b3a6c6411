"""The coordinator driven by the official A2A Python client (`a2a-sdk`) over real HTTP,
against devhost serving the repository's app with keys enforced: the card resolver, the
client factory picking the JSON-RPC 1.0 interface from the card, send, get, list, approval
through input-required, cancel and streaming."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from a2a.client import A2ACardResolver, Client, ClientConfig, ClientFactory
from a2a.helpers.proto_helpers import get_data_parts, get_text_parts, new_data_part, new_text_part
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    GetTaskRequest,
    ListTasksRequest,
    Message,
    Part,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    Task,
    TaskState,
)
from a2a.utils.errors import (
    InvalidParamsError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)

from tests.apphost import KEYS, AppHost, running_app
from tests.integration.test_a2a import APPROVAL_QUERY, TWO_AGENT_QUERY


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The repository's app under devhost with keys enforced."""
    with running_app(tmp_path_factory.mktemp("a2a-sdk")) as host:
        yield host


@pytest.fixture
async def http(app_host: AppHost) -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP client the A2A client uses: it sends the function key."""
    headers = {"x-functions-key": KEYS["function"]}
    async with httpx.AsyncClient(headers=headers, timeout=120) as client:
        yield client


async def card_of(app_host: AppHost, http: httpx.AsyncClient) -> AgentCard:
    """The coordinator's agent card, through the SDK's resolver."""
    return await A2ACardResolver(http, app_host.url + "/api").get_agent_card()


@pytest.fixture
async def client(app_host: AppHost, http: httpx.AsyncClient) -> AsyncIterator[Client]:
    """A blocking (non-streaming) A2A client built by the SDK's factory from the card."""
    factory = ClientFactory(ClientConfig(streaming=False, httpx_client=http))
    async with factory.create(await card_of(app_host, http)) as found:
        yield found


def user_message(*parts: Part, task_id: str = "", context_id: str = "") -> Message:
    return Message(
        role=Role.ROLE_USER,
        message_id=uuid.uuid4().hex,
        parts=list(parts),
        task_id=task_id,
        context_id=context_id,
    )


async def send(client: Client, sent: Message) -> Task:
    """The task a blocking send ends with."""
    responses = [r async for r in client.send_message(SendMessageRequest(message=sent))]
    assert len(responses) == 1
    assert responses[0].HasField("task"), responses
    return responses[0].task


async def awaiting_approval(client: Client, context_id: str = "") -> Task:
    """A new task whose plan waits for a decision."""
    sent = user_message(
        new_text_part(APPROVAL_QUERY),
        new_data_part({"require_approval": True}),
        context_id=context_id,
    )
    task = await send(client, sent)
    assert task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    return task


def decision(task: Task, approved: bool, approver: str) -> Message:
    return user_message(
        new_data_part({"approved": approved, "approver": approver}), task_id=task.id
    )


async def test_the_resolver_reads_the_card_and_the_factory_picks_json_rpc_1_0(
    app_host: AppHost, http: httpx.AsyncClient
) -> None:
    card = await card_of(app_host, http)
    assert card.capabilities.streaming is True
    assert {s.id for s in card.skills} == {
        "coordinator",
        "customer-support",
        "smart-city",
        "enterprise",
    }
    interfaces = {(i.protocol_binding, i.protocol_version) for i in card.supported_interfaces}
    assert ("JSONRPC", "1.0") in interfaces
    assert "functionKey" in card.security_schemes
    factory = ClientFactory(ClientConfig(streaming=False, httpx_client=http))
    async with factory.create(card) as client:
        assert isinstance(client, Client)
    # The SDK marks its requests as protocol 1.0.
    assert http.headers["A2A-Version"] == "1.0"


async def test_send_completes_with_an_answer_artifact_and_get_finds_the_task(
    client: Client,
) -> None:
    task = await send(client, user_message(new_text_part(TWO_AGENT_QUERY)))
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    answer = task.artifacts[0]
    assert answer.name == "answer"
    (text,) = get_text_parts(answer.parts)
    (data,) = get_data_parts(answer.parts)
    assert text
    assert text == data["answer"]
    assert {a["agent"] for a in data["agents"]} == {"customer-support", "enterprise"}
    assert get_text_parts(task.history[0].parts) == [TWO_AGENT_QUERY]
    got = await client.get_task(GetTaskRequest(id=task.id))
    assert (got.id, got.context_id) == (task.id, task.context_id)
    assert got.status.state == TaskState.TASK_STATE_COMPLETED
    assert get_text_parts(got.artifacts[0].parts) == [text]


async def test_list_tasks_filters_by_context_and_state(client: Client) -> None:
    context = uuid.uuid4().hex
    waiting = [await awaiting_approval(client, context) for _ in range(2)]
    listed = await client.list_tasks(ListTasksRequest(context_id=context, page_size=10))
    assert {t.id for t in listed.tasks} == {t.id for t in waiting}
    assert all(t.context_id == context for t in listed.tasks)
    by_state = await client.list_tasks(
        ListTasksRequest(
            context_id=context, status=TaskState.TASK_STATE_INPUT_REQUIRED, page_size=10
        )
    )
    assert len(by_state.tasks) == 2
    for task in waiting:
        await client.cancel_task(CancelTaskRequest(id=task.id))
    none_waiting = await client.list_tasks(
        ListTasksRequest(context_id=context, status=TaskState.TASK_STATE_INPUT_REQUIRED)
    )
    assert list(none_waiting.tasks) == []


async def test_a_plan_awaiting_approval_asks_for_input_and_a_follow_up_approves_it(
    client: Client,
) -> None:
    task = await awaiting_approval(client)
    asked: list[Any] = get_data_parts(task.status.message.parts)
    assert len(asked[0]["planDigest"]) == 64
    with pytest.raises(InvalidParamsError):  # a decision names its approver
        await send(client, user_message(new_text_part("approve"), task_id=task.id))
    done = await send(client, decision(task, True, "alice@example.com"))
    assert done.id == task.id
    assert done.status.state == TaskState.TASK_STATE_COMPLETED
    assert get_text_parts(done.artifacts[0].parts)[0]
    got = await client.get_task(GetTaskRequest(id=task.id))
    assert got.status.state == TaskState.TASK_STATE_COMPLETED


async def test_a_denied_plan_rejects_the_task(client: Client) -> None:
    task = await awaiting_approval(client)
    rejected = await send(client, decision(task, False, "bob"))
    assert rejected.status.state == TaskState.TASK_STATE_REJECTED


async def test_cancel_cancels_a_task_once(client: Client) -> None:
    task = await awaiting_approval(client)
    canceled = await client.cancel_task(CancelTaskRequest(id=task.id))
    assert canceled.id == task.id
    assert canceled.status.state == TaskState.TASK_STATE_CANCELED
    got = await client.get_task(GetTaskRequest(id=task.id))
    assert got.status.state == TaskState.TASK_STATE_CANCELED
    with pytest.raises(TaskNotCancelableError):
        await client.cancel_task(CancelTaskRequest(id=task.id))


async def test_get_of_an_unknown_task_is_an_error(client: Client) -> None:
    with pytest.raises(TaskNotFoundError):
        await client.get_task(GetTaskRequest(id="no-such-task"))


async def test_a_streaming_client_gets_the_task_then_updates_until_it_completes(
    app_host: AppHost, http: httpx.AsyncClient
) -> None:
    factory = ClientFactory(ClientConfig(streaming=True, httpx_client=http))
    async with factory.create(await card_of(app_host, http)) as client:
        request = SendMessageRequest(
            message=user_message(new_text_part(TWO_AGENT_QUERY)),
            configuration=SendMessageConfiguration(history_length=1),
        )
        events: list[StreamResponse] = [e async for e in client.send_message(request)]
    assert events[0].HasField("task")
    task_id = events[0].task.id
    updates = [e.status_update for e in events if e.HasField("status_update")]
    assert updates
    assert all(u.task_id == task_id for u in updates)
    assert updates[-1].status.state == TaskState.TASK_STATE_COMPLETED


CHANGE_QUERY = "Mark support ticket TCK-10002 as resolved, the customer confirmed the fix"


async def waiting_write(client: Client) -> tuple[Task, dict[str, Any]]:
    """A new task stopped at the gate: its write tool call waits for a decision."""
    task = await send(client, user_message(new_text_part(CHANGE_QUERY)))
    assert task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    (shown,) = get_data_parts(task.status.message.parts)
    (waiting,) = shown["pendingApprovals"]
    assert (waiting["kind"], waiting["agent"], waiting["tool"]) == (
        "tool_call",
        "customer-support",
        "update_ticket",
    )
    assert waiting["arguments"]["ticket_id"] == "TCK-10002"
    (text,) = get_text_parts(task.status.message.parts)
    assert f"{waiting['approval_id']}: customer-support: update_ticket(" in text
    return task, waiting


def tool_calls(task: Task, tool: str) -> list[dict[str, Any]]:
    """The calls of `tool` the finished task's agents made."""
    (result,) = get_data_parts(task.artifacts[0].parts)
    return [c for a in result["agents"] for c in a["tool_calls"] if c["tool"] == tool]


async def test_a_write_waits_as_input_required_and_a_follow_up_approves_that_call(
    client: Client,
) -> None:
    task, waiting = await waiting_write(client)
    approve = user_message(
        new_data_part(
            {
                "approved": True,
                "approver": "alice@example.com",
                "approval_id": waiting["approval_id"],
            }
        ),
        task_id=task.id,
    )
    done = await send(client, approve)
    assert done.status.state == TaskState.TASK_STATE_COMPLETED
    (call,) = tool_calls(done, "update_ticket")
    assert call["arguments"]["ticket_id"] == "TCK-10002"
    assert call["summary"]["chars"] > 0, call
    assert not call.get("error"), call


async def test_a_denied_write_does_not_run_and_the_answer_says_so(client: Client) -> None:
    task, _ = await waiting_write(client)
    done = await send(client, decision(task, False, "bob"))
    assert done.status.state in (TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_REJECTED)
    (call,) = tool_calls(done, "update_ticket")
    assert "denied" in json.dumps(call).lower()


async def test_a_decision_naming_no_waiting_approval_is_refused(client: Client) -> None:
    task, _ = await waiting_write(client)
    wrong = user_message(
        new_data_part({"approved": True, "approver": "alice", "approval_id": "no-such"}),
        task_id=task.id,
    )
    with pytest.raises(UnsupportedOperationError):
        await send(client, wrong)
    got = await client.get_task(GetTaskRequest(id=task.id))
    assert got.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
