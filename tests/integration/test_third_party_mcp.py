"""The coordinator under devhost with a catalogue of third-party MCP servers: a run routes to
the stdio time server and to the streamable HTTP reference server, and the answers cite what
their tools returned; an unreachable server makes its agent degraded."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from tests.apphost import AppHost, tool_results
from tests.services import LocalServer, free_port, start_everything_server
from tests.third_party_mcp import third_party_catalogue

DEAD_AGENT = """\
  - id: offline-docs
    description: Documentation search.
    instructions: Search the docs.
    mcp: {{transport: streamable-http, url: "http://127.0.0.1:{port}/mcp"}}
"""


@pytest.fixture(scope="module")
def everything() -> Iterator[LocalServer]:
    server = start_everything_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, everything: LocalServer
) -> Iterator[httpx.Client]:
    state = tmp_path_factory.mktemp("third-party")
    catalogue = third_party_catalogue(
        state / "agents.yaml",
        everything.url + "mcp",
        extra=DEAD_AGENT.format(port=free_port()),
    )
    host = AppHost(
        state,
        enforce_keys=False,
        settings={
            "AGENTS_FILE": str(catalogue),
            "EVERYTHING_CLIENT": "coordinator-tests",
            "ORCHESTRATE_WAIT_SECONDS": "60",
            "MCP_TOOL_TIMEOUT_SECONDS": "10",
        },
    )
    host.wait_ready()
    with httpx.Client(base_url=host.url + "/api", timeout=90) as client:
        # The first session starts the stdio server's process, slower than a health check
        # allows on a busy machine; later checks reuse the session.
        deadline = time.monotonic() + 60
        while client.get("agents/time/status").json()["status"] != "ready":
            assert time.monotonic() < deadline, "the time server never answered"
            time.sleep(0.5)
        yield client
    host.stop()


def ask(api: httpx.Client, query: str) -> dict:
    response = api.post("coordinator/orchestrate", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_a_run_asks_the_stdio_time_server_and_cites_its_answer(api: httpx.Client):
    result = ask(api, "What time is it now in Asia/Tokyo?")

    assert [a["agent"] for a in result["agents"]] == ["time"]
    [cited] = result["agents"][0]["tool_calls"]
    assert (cited["tool"], cited["arguments"]) == ("get_current_time", {"timezone": "Asia/Tokyo"})
    [call] = tool_results(api, result["workflow_id"], "time")
    assert cited["summary"]["chars"] == len(json.dumps(call["result"], ensure_ascii=False))
    assert call["result"]["timezone"] == "Asia/Tokyo"
    assert call["result"]["datetime"].startswith(datetime.now(UTC).strftime("%Y-"))
    assert "Asia/Tokyo" in result["answer"]
    assert call["result"]["datetime"][:16] in result["answer"]
    assert result["offline"] is True


def test_a_run_asks_the_http_reference_server_and_cites_its_answer(api: httpx.Client):
    result = ask(api, "Echo this phrase: durable coordinators remember")

    assert [a["agent"] for a in result["agents"]] == ["everything"]
    [cited] = result["agents"][0]["tool_calls"]
    assert cited["tool"] == "echo"
    [call] = tool_results(api, result["workflow_id"], "everything")
    assert call["result"]["text"].startswith("Echo: ")
    assert "durable coordinators remember" in call["result"]["text"]
    assert "durable coordinators remember" in result["answer"]


def test_the_catalogue_narrows_a_servers_tools(api: httpx.Client):
    status = api.get("agents/everything/status").json()
    assert status["status"] == "ready"
    assert sorted(status["tools"]) == ["echo", "get-sum"]


def test_an_unreachable_server_degrades_its_agent_and_health(api: httpx.Client):
    status = api.get("agents/offline-docs/status")
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "degraded"
    assert body["tools_reachable"] is False
    assert any("offline-docs" in problem for problem in body["problems"])

    health = api.get("health")
    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["tools:offline-docs"]["status"] != "ok"
    assert checks["tools:time"]["status"] == "ok"
    assert checks["tools:everything"]["status"] == "ok"


def test_a_run_that_needs_an_unreachable_server_names_it_in_a_partial_answer(api: httpx.Client):
    response = api.post(
        "coordinator/orchestrate",
        json={"query": "Search the docs for retention", "query_type": "offline-docs"},
    )
    result = response.json()["result"]

    assert result["status"] == "partial"
    assert "offline-docs" in result["failed_agents"]
    assert "offline-docs" in result["answer"]


def test_agents_lists_each_source_with_its_tools_and_health(api: httpx.Client):
    agents = {agent["id"]: agent for agent in api.get("agents").json()["agents"]}

    assert list(agents) == ["time", "everything", "offline-docs"]
    assert agents["time"]["source"]["transport"] == "stdio"
    assert {t["name"] for t in agents["time"]["tools"]} == {"get_current_time", "convert_time"}
    assert all(t["read_only"] and not t["needs_approval"] for t in agents["time"]["tools"])
    assert agents["everything"]["source"]["transport"] == "streamable-http"
    assert [t["name"] for t in agents["everything"]["tools"]] == ["echo", "get-sum"]
    assert "coordinator-tests" not in str(agents["everything"])
    assert agents["offline-docs"]["status"] == "degraded"
    assert agents["offline-docs"]["tools"] == []
    assert agents["offline-docs"]["problems"]
