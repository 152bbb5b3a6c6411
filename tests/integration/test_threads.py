"""Two-turn conversations with the offline model over real HTTP against devhost (keys
enforced): the second question ("And the second one?") only makes sense after the first
("Which open support tickets are urgent?", two tickets, TCK-10013 second). Asked in the same
thread over the HTTP API (body or query `thread_id`), A2A (the same `contextId`, whatever its text, with the
official `a2a-sdk` client) and MCP (`ask_agents` with `thread_id`, with the official `mcp`
client), it looks up TCK-10013; asked alone it does not. The thread reads back and deletes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import pytest
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers.proto_helpers import get_data_parts, new_text_part
from a2a.types import Message, Role, SendMessageRequest, TaskState
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from core.thread_ids import thread_id_for
from tests.apphost import KEYS, AppHost, running_app

FIRST = "Which open support tickets are urgent?"
FOLLOW_UP = "And the second one?"
SECOND_ITEM = "TCK-10013"
MCP_KEY = "threads-mcp-key"


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    with running_app(
        tmp_path_factory.mktemp("threads"),
        settings={"DEVHOST_MCP_KEY": MCP_KEY, "ORCHESTRATE_WAIT_SECONDS": "30"},
    ) as host:
        yield host


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    headers = {"x-functions-key": KEYS["function"]}
    with httpx.Client(base_url=app_host.url, headers=headers, timeout=60) as http:
        yield http


def ask(api: httpx.Client, body: dict[str, Any], **params: str) -> dict[str, Any]:
    answer = api.post("/api/coordinator/orchestrate", json=body, params=params)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["result"]
    return result


def looked_up_tickets(result: dict[str, Any]) -> list[str]:
    return [
        call["arguments"]["ticket_id"]
        for agent in result["agents"]
        for call in agent["tool_calls"]
        if call["tool"] == "get_ticket"
    ]


def test_a_follow_up_in_the_same_thread_resolves_to_the_previous_answers_second_item(
    api: httpx.Client,
) -> None:
    thread = f"http-{uuid.uuid4().hex}"
    first = ask(api, {"query": FIRST, "thread_id": thread})
    second = ask(api, {"query": FOLLOW_UP}, thread_id=thread)

    assert looked_up_tickets(second) == [SECOND_ITEM]
    assert SECOND_ITEM in second["answer"]
    view = api.get(f"/api/coordinator/threads/{thread}")
    assert view.status_code == 200, view.text
    turns = view.json()["turns"]
    assert [t["workflow_id"] for t in turns] == [first["workflow_id"], second["workflow_id"]]
    assert [t["query"] for t in turns] == [FIRST, FOLLOW_UP]
    assert [t["answer"] for t in turns] == [first["answer"], second["answer"]]
    assert [t["status"] for t in turns] == ["completed", "completed"]
    assert turns[0]["items"][1].startswith(SECOND_ITEM)
    assert turns[0]["tools"] == ["customer-support: search_tickets"]
    assert turns[0]["started_at"] < turns[0]["finished_at"] <= turns[1]["started_at"]


def test_the_follow_up_alone_resolves_to_nothing(api: httpx.Client) -> None:
    alone = ask(api, {"query": FOLLOW_UP})

    assert looked_up_tickets(alone) == []
    assert SECOND_ITEM not in alone["answer"]


def test_a_deleted_thread_is_gone_and_a_new_question_starts_it_afresh(api: httpx.Client) -> None:
    thread = f"gone-{uuid.uuid4().hex}"
    ask(api, {"query": FIRST, "thread_id": thread})

    deleted = api.delete(f"/api/coordinator/threads/{thread}")

    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"thread_id": thread, "deleted_turns": 1}
    assert api.get(f"/api/coordinator/threads/{thread}").status_code == 404
    assert api.delete(f"/api/coordinator/threads/{thread}").status_code == 404
    assert looked_up_tickets(ask(api, {"query": FOLLOW_UP, "thread_id": thread})) == []


@pytest.mark.parametrize(
    ("body", "params"),
    [
        ({"query": FIRST, "thread_id": "has space"}, {}),
        ({"query": FIRST, "thread_id": "x" * 129}, {}),
        ({"query": FIRST, "thread_id": "one"}, {"thread_id": "other"}),
        ({"query": FIRST}, {"thread_id": "bad/slash"}),
    ],
)
def test_a_bad_thread_id_is_refused_naming_the_field(
    api: httpx.Client, body: dict[str, Any], params: dict[str, str]
) -> None:
    answer = api.post("/api/coordinator/orchestrate", json=body, params=params)

    assert answer.status_code == 400, answer.text
    assert [d["field"] for d in answer.json()["detail"]] == ["thread_id"]


@pytest.mark.parametrize("shape", ["uuid", "any text"])
async def test_the_same_a2a_context_is_one_conversation(app_host: AppHost, shape: str) -> None:
    context = str(uuid.uuid4()) if shape == "uuid" else f"chat:{uuid.uuid4().hex}/about tickets?"
    headers = {"x-functions-key": KEYS["function"]}
    async with httpx.AsyncClient(headers=headers, timeout=120) as http:
        card = await A2ACardResolver(http, app_host.url + "/api").get_agent_card()
        factory = ClientFactory(ClientConfig(streaming=False, httpx_client=http))
        async with factory.create(card) as client:
            tasks = []
            for text in (FIRST, FOLLOW_UP):
                sent = Message(
                    role=Role.ROLE_USER,
                    message_id=uuid.uuid4().hex,
                    parts=[new_text_part(text)],
                    context_id=context,
                )
                [response] = [
                    r async for r in client.send_message(SendMessageRequest(message=sent))
                ]
                tasks.append(response.task)
        thread = await http.get(f"{app_host.url}/api/coordinator/threads/{thread_id_for(context)}")

    assert [t.status.state for t in tasks] == [TaskState.TASK_STATE_COMPLETED] * 2
    assert {t.context_id for t in tasks} == {context}
    (result,) = get_data_parts(tasks[1].artifacts[0].parts)
    assert looked_up_tickets(result) == [SECOND_ITEM]
    assert [t["workflow_id"] for t in thread.json()["turns"]] == [t.id for t in tasks]


async def test_ask_agents_with_a_thread_id_is_one_conversation(app_host: AppHost) -> None:
    thread = f"mcp-{uuid.uuid4().hex}"
    views = []
    timeout = httpx2.Timeout(30, read=120)
    async with (
        httpx2.AsyncClient(headers={"x-functions-key": MCP_KEY}, timeout=timeout) as http,
        Client(
            streamable_http_client(app_host.url + "/runtime/webhooks/mcp", http_client=http)
        ) as client,
    ):
        for query in (FIRST, FOLLOW_UP):
            called = await client.call_tool(
                "ask_agents", {"query": query, "thread_id": thread, "wait_seconds": 60}
            )
            assert not called.is_error, called.content
            views.append(called.structured_content)

    assert [v["runtime_status"] for v in views] == ["Completed", "Completed"]
    assert looked_up_tickets(views[1]["result"]) == [SECOND_ITEM]


def test_a_turn_whose_run_was_terminated_shows_it_ended_without_answer(api: httpx.Client) -> None:
    thread = f"ended-{uuid.uuid4().hex}"
    started = api.post(
        "/api/orchestrators/coordinator",
        params={"thread_id": thread},
        json={"query": FIRST, "require_approval": True},
    )
    assert started.status_code == 202, started.text
    workflow_id = started.json()["id"]
    assert [t["status"] for t in api.get(f"/api/coordinator/threads/{thread}").json()["turns"]] == [
        "running"
    ]

    assert api.post(f"/api/instances/{workflow_id}/terminate").status_code == 202
    deadline = time.monotonic() + 30
    while (
        status := api.get(f"/api/coordinator/threads/{thread}").json()["turns"][0]["status"]
    ) == "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)

    assert status == "ended_without_answer"
