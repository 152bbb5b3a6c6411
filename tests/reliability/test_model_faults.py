"""Faults of the model endpoint under the coordinator: 429s are retried, persistent 5xx and
timeouts end in a partial answer or a Failed status that says why; nothing hangs."""

import json

import pytest

from core.models import (
    CoordinatorInput,
    CoordinatorRequest,
    CoordinatorResult,
    Plan,
    PlannedTask,
    Synthesis,
)
from core.settings import get_settings
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from tests.unit.core.llm.openai_compatible_server import Reply, completion, error_body, serving
from tests.unit.core.telemetry.conftest import recorded

QUERY = "Check order ORD-2025-00012"
PLAN = Plan(tasks=[PlannedTask(agent="customer-support", task="Look up order ORD-2025-00012")])


def plan_reply() -> Reply:
    return Reply(body=completion(PLAN.model_dump_json()))


def synthesis_reply() -> Reply:
    return Reply(
        body=completion(
            Synthesis(answer="combined", cited_agents=["customer-support"]).model_dump_json()
        )
    )


@pytest.fixture
async def model(app_settings):
    async with serving() as server:
        app_settings.setenv("AZURE_OPENAI_ENDPOINT", server.endpoint)
        app_settings.setenv("AZURE_OPENAI_API_KEY", "test-key")
        app_settings.setenv("AZURE_OPENAI_MAX_RETRIES", "0")
        app_settings.setenv("AZURE_OPENAI_TIMEOUT_SECONDS", "1")
        get_settings.cache_clear()
        yield server
        get_settings.cache_clear()


async def run(engine: Engine, timeout: float = 60.0):
    payload = CoordinatorInput(request=CoordinatorRequest(query=QUERY))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    return await engine.wait_for_completion(iid, timeout)


async def test_rate_limited_plan_is_retried_and_the_workflow_completes(engine: Engine, model):
    model.script(
        Reply(status=429, body=error_body("slow down", "429"), headers={"Retry-After": "0"}),
        plan_reply(),
        Reply(body=completion("The order was delivered.")),
        synthesis_reply(),
    )
    state = await run(engine)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.answer == "combined"
    assert not result.offline
    assert result.agents[0].answer == "The order was delivered."
    assert len(model.requests) == 4


async def test_model_failing_in_an_agent_gives_a_partial_answer_naming_it(engine: Engine, model):
    failing = Reply(status=500, body=error_body("boom", "500"))
    model.script(plan_reply(), failing, failing, failing, synthesis_reply())
    state = await run(engine)
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "partial"
    assert result.failed_agents == ["customer-support"]
    assert "500" in (result.agents[0].error or "")


async def test_model_timing_out_on_the_plan_fails_the_workflow_with_the_reason(
    engine: Engine, model, recorded
):
    slow = Reply(body=completion(PLAN.model_dump_json()), delay_seconds=3)
    model.script(slow, slow, slow)
    state = await run(engine)
    assert state.runtime_status == RuntimeStatus.FAILED
    reason = json.loads(state.output)
    assert "Activity function 'plan' failed" in reason
    assert "ModelTimeoutError" in reason
    # A failed workflow is no longer counted as active.
    assert sum(recorded.values("active_workflows").values()) == 0

__all__ = ["recorded"]
