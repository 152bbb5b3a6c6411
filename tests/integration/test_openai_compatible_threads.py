"""A two-turn conversation under devhost with an OpenAI-compatible endpoint (OPENAI_BASE_URL,
the scripted server, the real `openai` SDK): the second question ("And the second one?")
reaches the planner, the agent and the synthesis with the first turn in their prompts (its question, the
agent and tool that answered, the items its results listed, numbered, and its answer), so a
model can resolve it; the first question's prompts carry no such summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.apphost import AppHost, tool_results
from tests.integration.test_openai_compatible_model import model_server
from tests.unit.core.llm.openai_compatible_server import (
    OpenAICompatibleServer,
    ReceivedRequest,
    Reply,
    completion,
    function_call,
)

__all__ = ["model_server"]

FIRST = "Which open support tickets are urgent?"
FOLLOW_UP = "And the second one?"
FIRST_ANSWER = "Two urgent tickets are open: TCK-10011 and TCK-10013."


def turn(task: str, tool: str, arguments: dict[str, Any], answer: str) -> list[Reply]:
    """The four model replies of one customer-support turn: plan, tool call, answer, synthesis."""
    plan = {"tasks": [{"agent": "customer-support", "task": task}], "rationale": "Tickets."}
    call = function_call("c1", tool, json.dumps(arguments))
    synthesis = {"answer": answer, "cited_agents": ["customer-support"]}
    return [
        Reply(body=completion(json.dumps(plan))),
        Reply(body=completion(None, tool_calls=[call], finish_reason="tool_calls")),
        Reply(body=completion(answer)),
        Reply(body=completion(json.dumps(synthesis))),
    ]


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, model_server: OpenAICompatibleServer
) -> Iterator[httpx.Client]:
    host = AppHost(
        tmp_path_factory.mktemp("openai-threads"),
        enforce_keys=False,
        settings={
            "OPENAI_BASE_URL": model_server.endpoint + "/v1",
            "OPENAI_API_KEY": "local-test-key",
            "AZURE_OPENAI_MAX_RETRIES": "0",
            "ORCHESTRATE_WAIT_SECONDS": "60",
        },
    )
    host.wait_ready()
    with httpx.Client(base_url=host.url + "/api", timeout=90) as client:
        yield client
    host.stop()


def system_text(request: ReceivedRequest) -> str:
    return "\n".join(m["content"] for m in request.body["messages"] if m["role"] == "system")


def test_the_follow_ups_plan_agent_and_synthesis_prompts_carry_the_first_turn(
    api: httpx.Client, model_server: OpenAICompatibleServer
) -> None:
    thread = "openai-two-turns"
    model_server.script(
        *turn(
            "List the open urgent tickets",
            "search_tickets",
            {"status": ["open"], "min_priority": "urgent"},
            FIRST_ANSWER,
        ),
        *turn(
            "Show ticket TCK-10013",
            "get_ticket",
            {"ticket_id": "TCK-10013"},
            "TCK-10013: refund not received.",
        ),
    )
    before = len(model_server.requests)

    first = api.post("coordinator/orchestrate", json={"query": FIRST, "thread_id": thread})
    second = api.post("coordinator/orchestrate", json={"query": FOLLOW_UP, "thread_id": thread})

    assert first.status_code == second.status_code == 200, (first.text, second.text)
    requests = model_server.requests[before:]
    assert len(requests) == 8
    first_plan, first_agent, first_synthesis = requests[0], requests[1], requests[3]
    second_plan, second_agent, second_synthesis = requests[4], requests[5], requests[7]
    for request in (first_plan, first_agent, first_synthesis):
        assert "Earlier turns of this conversation" not in system_text(request)
    for prompt in map(system_text, (second_plan, second_agent, second_synthesis)):
        assert f"Turn 1 (workflow {first.json()['workflow_id']}): {FIRST}" in prompt
        assert "Tools: customer-support: search_tickets" in prompt
        assert "2. TCK-10013 (Refund not received)" in prompt
        assert FIRST_ANSWER in prompt
    assert json.loads(second_plan.body["messages"][-1]["content"])["query"] == FOLLOW_UP
    result = second.json()["result"]
    [call] = tool_results(api, result["workflow_id"], "customer-support")
    assert call["result"]["ticket_id"] == "TCK-10013"
    view = api.get(f"coordinator/threads/{thread}").json()
    assert [t["answer"] for t in view["turns"]] == [FIRST_ANSWER, "TCK-10013: refund not received."]
