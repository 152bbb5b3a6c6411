"""A2A streams driven by the official client (`a2a-sdk`) against devhost, the offline model
slowed down so a run takes seconds: `SendStreamingMessage` and `SubscribeToTask` deliver the
run's progress (plan, each agent's start and end, the answer) as status updates while the
task works, before the final status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from a2a.client import Client, ClientConfig, ClientFactory
from a2a.helpers.proto_helpers import get_data_parts, new_text_part
from a2a.types import (
    GetTaskRequest,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    SubscribeToTaskRequest,
    TaskState,
    TaskStatusUpdateEvent,
)

from tests.apphost import KEYS, AppHost, running_app
from tests.integration.test_a2a import TWO_AGENT_QUERY
from tests.integration.test_a2a_sdk_client import card_of, user_message

AGENTS = {"customer-support", "enterprise"}


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost, each offline model call taking 800 ms."""
    with running_app(
        tmp_path_factory.mktemp("a2a-streams"), settings={"OFFLINE_MODEL_LATENCY_MS": "800"}
    ) as host:
        yield host


@pytest.fixture
async def http(app_host: AppHost) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"x-functions-key": KEYS["function"]}
    async with httpx.AsyncClient(headers=headers, timeout=120) as client:
        yield client


@pytest.fixture
async def clients(
    app_host: AppHost, http: httpx.AsyncClient
) -> AsyncIterator[tuple[Client, Client]]:
    """A streaming and a blocking A2A client, both built by the SDK's factory from the card."""
    card = await card_of(app_host, http)
    made = [
        ClientFactory(ClientConfig(streaming=streaming, httpx_client=http)).create(card)
        for streaming in (True, False)
    ]
    async with made[0], made[1]:
        yield made[0], made[1]


def two_agent_request(configuration: SendMessageConfiguration) -> SendMessageRequest:
    return SendMessageRequest(
        message=user_message(new_text_part(TWO_AGENT_QUERY)), configuration=configuration
    )


def progress(update: TaskStatusUpdateEvent) -> dict | None:
    """The workflow event a progress update carries (None for a change of state)."""
    found = [d for d in get_data_parts(update.status.message.parts) if "event" in d]
    return found[0] if found else None


async def completed_at(client: Client, task_id: str) -> float:
    """When GetTask first reads the task completed."""
    while True:
        task = await client.get_task(GetTaskRequest(id=task_id))
        if task.status.state == TaskState.TASK_STATE_COMPLETED:
            return time.monotonic()
        await asyncio.sleep(0.05)


async def timed(stream: AsyncIterator[StreamResponse]) -> list[tuple[StreamResponse, float]]:
    return [(response, time.monotonic()) async for response in stream]


def check_progress(received: list[tuple[StreamResponse, float]], done_at: float) -> None:
    """At least three progress updates before the final status: the plan, each agent's start
    and end and the answer, in the order they happened, the plan and the agents' starts
    received before GetTask read the task completed."""
    updates = [(r.status_update, at) for r, at in received if r.HasField("status_update")]
    final, _ = updates[-1]
    assert final.status.state == TaskState.TASK_STATE_COMPLETED
    going = {TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING}
    assert [u.status.state for u, _ in updates[:-1] if u.status.state not in going] == []
    before = [(progress(u), at) for u, at in updates[:-1] if progress(u) is not None]
    assert len(before) >= 3
    kinds = [(p["event"], p["data"].get("agent")) for p, _ in before]
    assert len({p["id"] for p, _ in before}) == len(before)
    for agent in AGENTS:
        started = kinds.index(("agent_started", agent))
        assert kinds.index(("plan", None)) < started < kinds.index(("agent_finished", agent))
        assert kinds.index(("agent_finished", agent)) < kinds.index(("answer", None))
    arrived = {kind: at for kind, (_, at) in zip(kinds, before, strict=True)}
    for early in [("plan", None)] + [("agent_started", agent) for agent in AGENTS]:
        assert arrived[early] < done_at, early


async def test_send_streaming_message_delivers_the_progress_as_it_happens(
    clients: tuple[Client, Client],
) -> None:
    streaming, polling = clients
    stream = streaming.send_message(two_agent_request(SendMessageConfiguration(history_length=1)))
    first = await anext(stream)
    assert first.HasField("task")
    done = asyncio.create_task(completed_at(polling, first.task.id))
    received = await timed(stream)
    check_progress(received, await done)
    artifacts = [r.artifact_update for r, _ in received if r.HasField("artifact_update")]
    assert artifacts


async def test_subscribe_to_task_delivers_the_progress_from_then_on(
    clients: tuple[Client, Client],
) -> None:
    streaming, polling = clients
    request = two_agent_request(SendMessageConfiguration(return_immediately=True))
    (started,) = [r async for r in polling.send_message(request)]
    task_id = started.task.id
    stream = streaming.subscribe(SubscribeToTaskRequest(id=task_id))
    first = await anext(stream)
    assert first.task.id == task_id
    done = asyncio.create_task(completed_at(polling, task_id))
    received = await timed(stream)
    check_progress(received, await done)
