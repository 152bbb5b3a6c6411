"""A remote A2A agent's part of a coordinator run on the engine, against a forecaster built
with a2a-sdk's server: a task that ends failed, a task past its deadline (cancelled), and a
send that is denied at the approval gate (never sent)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalogue import get_catalogue
from core.models import CoordinatorInput, CoordinatorRequest, CoordinatorResult
from core.settings import get_settings
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from tests.remote_a2a_agent import FAILURE, RemoteAgent, remote_a2a_agent
from tests.unit.orchestrations.approvals import decide, wait_for_approvals
from tests.unit.orchestrations.test_coordinator import run

CATALOGUE = """\
agents:
  - id: forecaster
    description: Weather forecasts, from a remote A2A agent.
    instructions: Not sent.
    keywords: [forecast]
    a2a: {{url: "{url}"}}
    approval: {{never: [send_message]}}
  - id: weather-desk
    description: The same remote agent, whose tasks wait for an approval.
    instructions: Not sent.
    keywords: [outlook]
    a2a: {{url: "{url}"}}
"""


@pytest.fixture(scope="module")
def remote() -> Iterator[RemoteAgent]:
    with remote_a2a_agent() as agent:
        yield agent


@pytest.fixture
def catalogue(app_settings: pytest.MonkeyPatch, tmp_path: Path, remote: RemoteAgent) -> Iterator[None]:
    path = tmp_path / "agents.yaml"
    path.write_text(CATALOGUE.format(url=remote.url), encoding="utf-8")
    with pytest.MonkeyPatch.context() as settings:
        settings.setenv("AGENTS_FILE", str(path))
        settings.setenv("A2A_POLL_SECONDS", "0.2")
        settings.setenv("A2A_TASK_TIMEOUT_SECONDS", "2")
        get_settings.cache_clear()
        get_catalogue.cache_clear()
        yield
    get_settings.cache_clear()
    get_catalogue.cache_clear()


def sent(remote: RemoteAgent, words: str) -> int:
    return sum(words in message for message in remote.executor.messages)


async def test_a_remote_task_that_fails_gives_a_partial_answer_naming_the_agent(
    engine: Engine, catalogue: None
):
    state = await run(engine, {"query": "Typhoon forecast for Naha"}, timeout=60)

    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "partial"
    assert result.failed_agents == ["forecaster"]
    [call] = result.agents[0].tool_calls
    assert call.result is not None
    assert call.result["state"] == "failed"
    assert call.error == f"its task ended failed: {FAILURE}"
    assert FAILURE in result.answer


async def test_a_remote_task_past_its_deadline_is_cancelled_and_the_agent_fails(
    engine: Engine, catalogue: None, remote: RemoteAgent
):
    state = await run(engine, {"query": "The weekly forecast for Sendai"}, timeout=60)

    result = CoordinatorResult.model_validate_json(state.output)
    assert result.failed_agents == ["forecaster"]
    [call] = result.agents[0].tool_calls
    assert call.error == "its task did not end within 2 s and was cancelled"
    assert call.result is not None
    assert call.result["task_id"] in remote.executor.cancelled


async def test_a_denied_send_is_never_sent_and_the_answer_says_so(
    engine: Engine, catalogue: None, remote: RemoteAgent
):
    payload = CoordinatorInput(request=CoordinatorRequest(query="Sapporo outlook, denied"))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    (pending,) = await wait_for_approvals(engine, iid)
    assert (pending.agent, pending.tool) == ("weather-desk", "send_message")
    await decide(engine, pending, "alice", approved=False)
    state = await engine.wait_for_completion(iid, 60)

    assert state.runtime_status == RuntimeStatus.COMPLETED
    result = CoordinatorResult.model_validate_json(state.output)
    [answer] = result.agents
    assert answer.answer.startswith("The weather-desk agent was not asked.")
    assert answer.not_done
    assert "send_message" in answer.not_done[0]
    assert "Changes not made" in result.answer
    assert sent(remote, "Sapporo outlook, denied") == 0
