"""README "Add your own agent", run as written: the reference server started by its command,
the entry appended to the shipped catalogue, and the curl calls answered (on a free port
instead of 3001, so the test runs beside anything else)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.apphost import AppHost, tool_results
from tests.services import LocalServer, free_port, start_node_server

REPO = Path(__file__).resolve().parents[2]
README_PORT = "3001"


def section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Add your own agent", 1)[1].split("\n## ", 1)[0]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.DOTALL)


@pytest.fixture(scope="module")
def port() -> str:
    return str(free_port())


@pytest.fixture(scope="module")
def server(port: str) -> Iterator[LocalServer]:
    start = blocks("sh")[0].strip()
    environment, binary, *args = shlex.split(start)
    assert environment == f"PORT={README_PORT}"
    assert binary == "node_modules/.bin/mcp-server-everything"
    running = start_node_server(
        Path(binary).name, args, int(port), "listening on port", env={"PORT": port}
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, server: LocalServer, port: str):
    state = tmp_path_factory.mktemp("own-agent")
    entry = blocks("yaml")[0].replace(f":{README_PORT}/", f":{port}/")
    catalogue = state / "agents.yaml"
    catalogue.write_text((REPO / "agents.yaml").read_text(encoding="utf-8") + entry)
    host = AppHost(
        state,
        enforce_keys=False,
        settings={"AGENTS_FILE": str(catalogue), "ORCHESTRATE_WAIT_SECONDS": "60"},
    )
    host.wait_ready()
    with httpx.Client(base_url=host.url, timeout=90) as client:
        yield client
    host.stop()


def test_the_readme_entry_adds_an_agent_that_answers(api: httpx.Client):
    calls = blocks("sh")[1]
    assert "curl -s localhost:7071/api/agents" in calls
    body = json.loads(re.search(r"-d '(\{.*?\})'", calls).group(1))

    agents = {a["id"]: a for a in api.get("/api/agents").json()["agents"]}
    assert list(agents)[-1] == "everything"
    assert agents["everything"]["status"] == "ready"
    assert [t["name"] for t in agents["everything"]["tools"]] == ["echo", "get-sum"]

    response = api.post("/api/coordinator/orchestrate", json=body)
    result = response.json()["result"]
    assert result["status"] == "completed"
    assert [a["agent"] for a in result["agents"]] == ["everything"]
    [cited] = result["agents"][0]["tool_calls"]
    assert cited["tool"] == "echo"
    [call] = tool_results(api, result["workflow_id"], "everything")
    assert "hello from my own agent" in call["result"]["text"]
    assert "hello from my own agent" in result["answer"]
