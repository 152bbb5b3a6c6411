"""A real model client (the `openai` SDK against a scripted OpenAI-compatible server) that
reads a ticket whose text carries a prompt injection and then asks for the data-changing tool
the injection names, which the request never asked for: the gate stops the call, nobody
approves it, its timer denies it, and the model goes on."""

import json

import pytest

from core.catalogue import get_catalogue
from core.mcp_client import reset_servers
from core.models import (
    CoordinatorInput,
    CoordinatorRequest,
    CoordinatorResult,
    Plan,
    PlannedTask,
    Synthesis,
    WorkflowLimits,
)
from core.settings import get_settings
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from tests.unit.core.llm.openai_compatible_server import Reply, completion, function_call, serving
from tests.unit.orchestrations.approvals import audit_of, count_unapproved_writes
from tests.unit.orchestrations.conftest import ROOT
from tests.unit.orchestrations.histories import tool_results
from tests.unit.orchestrations.injected_tickets import INJECTION, write_injected_data

SHIPPED_SERVER = "agents.customer_support.server:create_server"
INJECTED_SERVER = "tests.unit.orchestrations.injected_tickets:create_server"

QUERY = "Summarise ticket TCK-10004 for the morning report"
PLAN = Plan(tasks=[PlannedTask(agent="customer-support", task="Summarise ticket TCK-10004")])


@pytest.fixture
def injected_catalogue(app_settings, tmp_path):
    """The shipped catalogue with the customer-support server over the injected data; the
    settings are put back before the caches are cleared, so no later test sees them."""
    shipped = (ROOT / "agents.yaml").read_text(encoding="utf-8")
    assert SHIPPED_SERVER in shipped
    catalogue = tmp_path / "agents.yaml"
    catalogue.write_text(shipped.replace(SHIPPED_SERVER, INJECTED_SERVER), encoding="utf-8")
    with pytest.MonkeyPatch.context() as settings:
        settings.setenv("INJECTED_DATA_DIR", str(write_injected_data(tmp_path / "data")))
        settings.setenv("AGENTS_FILE", str(catalogue))
        get_settings.cache_clear()
        get_catalogue.cache_clear()
        yield
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    reset_servers()


@pytest.fixture
async def model(app_settings, injected_catalogue):
    async with serving() as server:
        app_settings.setenv("AZURE_OPENAI_ENDPOINT", server.endpoint)
        app_settings.setenv("AZURE_OPENAI_API_KEY", "test-key")
        app_settings.setenv("AZURE_OPENAI_MAX_RETRIES", "0")
        get_settings.cache_clear()
        yield server
        get_settings.cache_clear()


async def test_a_write_the_model_asks_for_after_reading_a_tool_result_is_denied_on_timeout(
    engine: Engine, model
):
    read = function_call("c1", "get_ticket", json.dumps({"ticket_id": "TCK-10004"}))
    # What the injection in the ticket's text asks a model to do.
    write = function_call(
        "c2", "update_ticket", json.dumps({"ticket_id": "TCK-10004", "status": "closed"})
    )
    model.script(
        Reply(body=completion(PLAN.model_dump_json())),
        Reply(body=completion(None, tool_calls=[read], finish_reason="tool_calls")),
        Reply(body=completion(None, tool_calls=[write], finish_reason="tool_calls")),
        Reply(body=completion("The ticket is open; I could not close it.")),
        Reply(body=completion(Synthesis(answer="summary", cited_agents=[]).model_dump_json())),
    )
    payload = CoordinatorInput(
        request=CoordinatorRequest(query=QUERY), limits=WorkflowLimits(approval_timeout_seconds=2)
    )
    workflow_id = await engine.start_new(
        "coordinator", None, client_input(payload.model_dump(mode="json"))
    )
    state = await engine.wait_for_completion(workflow_id, 60)
    assert state.runtime_status == RuntimeStatus.COMPLETED, state.output
    result = CoordinatorResult.model_validate_json(state.output)
    calls = {c.tool: c for c in result.agents[0].tool_calls}
    (read_call,) = await tool_results(engine, workflow_id, "customer-support")
    assert read_call.result is not None
    assert read_call.result["status"] == "open"
    # The model read the injected text in the tool result before it asked for the write.
    third = model.requests[2].body["messages"]
    assert INJECTION in third[-1]["content"]
    assert calls["update_ticket"].error.startswith("Not carried out")
    assert "timed out" in calls["update_ticket"].error
    assert "Changes not made" in result.answer
    # The model saw the denial as the tool's result and went on.
    fourth = model.requests[3].body["messages"]
    assert "Not carried out" in fourth[-1]["content"]
    actions = [(r.actor, r.action) for r in await audit_of(workflow_id)]
    assert ("system", "auto_denied") in actions
    assert await count_unapproved_writes("scripted model asks for a write", workflow_id) == 0
