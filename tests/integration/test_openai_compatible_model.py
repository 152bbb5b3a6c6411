"""A coordinator run under devhost with an OpenAI-compatible endpoint (OPENAI_BASE_URL): the
plan, an agent's tool call and its answer, and the synthesis all come from the endpoint
through the real `openai` SDK, and an agent's own `model` from the catalogue is used."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.apphost import AppHost, tool_results
from tests.unit.core.llm.openai_compatible_server import (
    OpenAICompatibleServer,
    Reply,
    completion,
    function_call,
)

REPO = Path(__file__).resolve().parents[2]
PLAN = {
    "tasks": [{"agent": "customer-support", "task": "Look up order ORD-2025-00012"}],
    "needs_approval": False,
    "rationale": "An order question.",
}
SYNTHESIS = {
    "answer": "Order ORD-2025-00012 was found by customer-support.",
    "cited_agents": ["customer-support"],
}


class ThreadedServer:
    """The scripted OpenAI-compatible server on an event loop of its own thread, so that a
    devhost subprocess can call it while the test blocks on HTTP."""

    def __init__(self) -> None:
        self.server = OpenAICompatibleServer()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> OpenAICompatibleServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(10)
        return self.server

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def model_server() -> Iterator[OpenAICompatibleServer]:
    with ThreadedServer() as server:
        yield server


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, model_server: OpenAICompatibleServer
) -> Iterator[httpx.Client]:
    state = tmp_path_factory.mktemp("openai-compatible")
    shipped = (REPO / "agents.yaml").read_text(encoding="utf-8")
    catalogue = state / "agents.yaml"
    catalogue.write_text(
        shipped.replace(
            "  - id: customer-support\n", "  - id: customer-support\n    model: support-model\n"
        ),
        encoding="utf-8",
    )
    host = AppHost(
        state,
        enforce_keys=False,
        settings={
            "AGENTS_FILE": str(catalogue),
            "OPENAI_BASE_URL": model_server.endpoint + "/v1",
            "OPENAI_API_KEY": "local-test-key",
            "OPENAI_MODEL": "coordinator-model",
            "AZURE_OPENAI_MAX_RETRIES": "0",
            "ORCHESTRATE_WAIT_SECONDS": "60",
        },
    )
    host.wait_ready()
    with httpx.Client(base_url=host.url + "/api", timeout=90) as client:
        yield client
    host.stop()


def test_plan_tool_call_and_answer_come_from_the_endpoint(
    api: httpx.Client, model_server: OpenAICompatibleServer
):
    model_server.script(
        Reply(body=completion(json.dumps(PLAN))),
        Reply(
            body=completion(
                None,
                tool_calls=[function_call("c1", "get_order", '{"order_id": "ORD-2025-00012"}')],
                finish_reason="tool_calls",
            )
        ),
        Reply(body=completion("ORD-2025-00012 is on its way.")),
        Reply(body=completion(json.dumps(SYNTHESIS))),
    )

    response = api.post("coordinator/orchestrate", json={"query": "Where is ORD-2025-00012?"})

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["status"] == "completed"
    assert result["offline"] is False
    assert result["answer"] == SYNTHESIS["answer"]
    [agent] = result["agents"]
    assert agent["answer"] == "ORD-2025-00012 is on its way."
    [cited] = agent["tool_calls"]
    assert cited["tool"] == "get_order"
    [call] = tool_results(api, result["workflow_id"], "customer-support")
    assert call["result"]["order_id"] == "ORD-2025-00012"
    requests = model_server.requests[-4:]
    assert [r.deployment for r in requests] == [
        "coordinator-model",
        "support-model",
        "support-model",
        "coordinator-model",
    ]
    assert requests[0].headers["authorization"] == "Bearer local-test-key"
    assert requests[0].body["response_format"]["type"] == "json_schema"
    assert "get_order" in [tool["function"]["name"] for tool in requests[1].body["tools"]]
    tool_message = requests[2].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"])["order_id"] == "ORD-2025-00012"
    assert result["tokens_used"] == 4 * (11 + 7)
