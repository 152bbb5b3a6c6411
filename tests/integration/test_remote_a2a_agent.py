"""Remote A2A agents as specialists, on devhost with a test catalogue: a forecaster built with
a2a-sdk's server runs under uvicorn in this process. A run routes to it and cites its forecast;
a question it asks ends its part; sending it a task waits at the approval gate unless the
catalogue says it needs none; a SIGKILL of devhost while the remote task works resumes
following the same task (the message is never sent twice); terminating the run cancels the
remote task; an unreachable remote agent is degraded and named in a partial answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.apphost import AppHost
from tests.remote_a2a_agent import QUESTION, RemoteAgent, remote_a2a_agent
from tests.services import free_port

CATALOGUE = """\
agents:
  - id: forecaster
    description: Weather forecasts of Japanese cities, from a remote A2A agent.
    instructions: Not sent; the remote agent has its own.
    keywords: [forecast]
    a2a: {{url: "{url}"}}
    approval: {{never: [send_message]}}
  - id: weather-desk
    description: The same remote agent, whose tasks wait for an approval.
    instructions: Not sent; the remote agent has its own.
    keywords: [outlook]
    a2a: {{url: "{url}"}}
  - id: gone
    description: A remote A2A agent nobody runs.
    instructions: Not sent.
    keywords: [almanac]
    a2a: {{url: "http://127.0.0.1:{dead_port}/"}}
    approval: {{never: [send_message]}}
"""


@pytest.fixture(scope="module")
def remote() -> Iterator[RemoteAgent]:
    with remote_a2a_agent() as agent:
        yield agent


def start_host(state: Path) -> AppHost:
    host = AppHost(
        state,
        enforce_keys=False,
        settings={
            "AGENTS_FILE": str(state / "agents.yaml"),
            "ORCHESTRATE_WAIT_SECONDS": "60",
            "A2A_POLL_SECONDS": "0.5",
            "A2A_REQUEST_TIMEOUT_SECONDS": "5",
            "APPROVAL_TIMEOUT_SECONDS": "600",
            "OFFLINE_MODEL_LATENCY_MS": "0",
        },
    )
    host.wait_ready()
    return host


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory, remote: RemoteAgent) -> Path:
    folder = tmp_path_factory.mktemp("remote-a2a")
    (folder / "agents.yaml").write_text(CATALOGUE.format(url=remote.url, dead_port=free_port()))
    return folder


@pytest.fixture(scope="module")
def host(state: Path) -> Iterator[AppHost]:
    started = start_host(state)
    yield started
    started.stop()


def api(host: AppHost) -> httpx.Client:
    return httpx.Client(base_url=host.url + "/api/", timeout=90)


def ask(host: AppHost, query: str) -> dict[str, Any]:
    with api(host) as client:
        response = client.post("coordinator/orchestrate", json={"query": query})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def start(host: AppHost, query: str) -> str:
    """Start a run without waiting for it (the remote agent may hold it)."""
    with api(host) as client:
        response = client.post("orchestrators/coordinator", json={"query": query})
    assert response.status_code == 202, response.text
    workflow_id: str = response.json()["id"]
    return workflow_id


def wait_for(
    host: AppHost, workflow_id: str, done: Callable[[dict[str, Any]], bool], timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with api(host) as client:
        while True:
            body: dict[str, Any] = client.get(f"coordinator/workflows/{workflow_id}").json()
            if done(body):
                return body
            assert time.monotonic() < deadline, f"workflow never got there: {body}"
            time.sleep(0.2)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def finished(body: dict[str, Any]) -> bool:
    return body["runtime_status"] in ("Completed", "Failed", "Terminated")


def sent(remote: RemoteAgent, words: str) -> int:
    return sum(words in message for message in remote.executor.messages)


def test_a_run_routes_to_the_remote_agent_and_cites_its_forecast(
    host: AppHost, remote: RemoteAgent
):
    result = ask(host, "What is the forecast for Sapporo tomorrow?")

    assert result["status"] == "completed"
    [answer] = result["agents"]
    assert (answer["agent"], answer["status"]) == ("forecaster", "ok")
    [call] = answer["tool_calls"]
    assert call["tool"] == "send_message"
    assert "What is the forecast for Sapporo tomorrow?" in call["arguments"]["text"]
    assert call["result"]["state"] == "completed"
    assert call["result"]["text"] == "Forecast for Sapporo: snow, -3 °C."
    assert "Forecast for Sapporo: snow, -3 °C." in result["answer"]
    assert sent(remote, "Sapporo tomorrow") == 1


def test_a_question_of_the_remote_agent_ends_its_part_with_that_question(host: AppHost):
    result = ask(host, "What will the forecast be?")

    [answer] = result["agents"]
    assert answer["status"] == "input_required"
    assert answer["tool_calls"][0]["result"]["state"] == "input-required"
    assert f"It asked: {QUESTION}" in answer["answer"]
    assert QUESTION in result["answer"]


def test_sending_a_task_waits_for_approval_unless_the_catalogue_says_never(
    host: AppHost, remote: RemoteAgent
):
    workflow_id = start(host, "Sendai outlook for the weekend")
    body = wait_for(host, workflow_id, lambda b: bool(b.get("progress", {}).get("pending_approvals")))
    [waiting] = body["progress"]["pending_approvals"]
    assert (waiting["agent"], waiting["tool"]) == ("weather-desk", "send_message")
    assert sent(remote, "Sendai outlook") == 0

    with api(host) as client:
        decision = client.post(
            f"coordinator/workflows/{workflow_id}/approval",
            json={"approved": True, "approver": "alice", "digest": waiting["digest"]},
        )
    assert decision.status_code == 202, decision.text
    result = wait_for(host, workflow_id, finished)["result"]

    assert "Forecast for Sendai: rain, 6 °C." in result["answer"]
    assert sent(remote, "Sendai outlook") == 1


def test_an_unreachable_remote_agent_is_degraded_and_named_in_a_partial_answer(host: AppHost):
    with api(host) as client:
        status = client.get("agents/gone/status").json()
        health = client.get("health")
        listing = {a["id"]: a for a in client.get("agents").json()["agents"]}
    assert status["status"] == "degraded"
    assert "agent 'gone'" in status["problems"][0]
    assert "is unavailable" in status["problems"][0]
    assert health.status_code == 503
    assert health.json()["checks"]["tools:gone"]["status"] == "error"
    assert listing["gone"]["status"] == "degraded"
    assert listing["forecaster"]["source"]["transport"] == "a2a"
    [tool] = listing["forecaster"]["tools"]
    assert (tool["name"], tool["needs_approval"]) == ("send_message", False)
    assert listing["weather-desk"]["tools"][0]["needs_approval"] is True

    result = ask(host, "Look it up in the almanac")

    assert result["status"] == "partial"
    assert result["failed_agents"] == ["gone"]
    assert "gone" in result["answer"]


def remote_task_held(host: AppHost, remote: RemoteAgent, workflow_id: str, words: str) -> str:
    """The id of the remote task the forecaster holds for `words`, once the run's agent
    names it in its custom status (so the send is in the agent run's history)."""
    wait_until(lambda: sent(remote, words) == 1, "the task was never sent")
    (held,) = (task for task, text in remote.executor.held.items() if words in text)

    def recorded() -> bool:
        with api(host) as client:
            answer = client.get(f"instances/{workflow_id}:forecaster")
        return answer.status_code in (200, 202) and held in str(answer.json().get("customStatus"))

    wait_until(recorded, "the agent run never recorded the remote task")
    return held


def test_terminating_the_run_cancels_the_remote_task(host: AppHost, remote: RemoteAgent):
    workflow_id = start(host, "The weekly forecast for Sendai, please")
    held = remote_task_held(host, remote, workflow_id, "weekly forecast for Sendai")

    with api(host) as client:
        terminated = client.post(f"instances/{workflow_id}/terminate", params={"reason": "stop"})
    assert terminated.status_code == 202, terminated.text

    wait_until(lambda: held in remote.executor.cancelled, "the remote task was not cancelled")


def test_a_sigkill_of_devhost_while_the_remote_task_works_follows_the_same_task(
    tmp_path: Path, remote: RemoteAgent
):
    (tmp_path / "agents.yaml").write_text(CATALOGUE.format(url=remote.url, dead_port=free_port()))
    first = start_host(tmp_path)
    workflow_id = start(first, "The weekly forecast for Naha, please")
    held = remote_task_held(first, remote, workflow_id, "weekly forecast for Naha")
    first.process.kill()
    first.process.wait()

    second = start_host(tmp_path)
    try:
        remote.release(held)
        # A restarted host replays every run it had first, on a machine that may be busy.
        result = wait_for(second, workflow_id, finished, timeout=240)["result"]
    finally:
        second.stop()

    assert "Forecast for Naha: sunny, 24 °C." in result["answer"]
    assert result["agents"][0]["tool_calls"][0]["result"]["task_id"] == held
    assert sent(remote, "weekly forecast for Naha") == 1
