"""A coordinator run emits its spans and metrics once, however often its orchestrations
replay: one request per agent, every model call's tokens, gen_ai and MCP attributes."""

from opentelemetry import trace

from core.models import CoordinatorInput, CoordinatorRequest, CoordinatorResult
from core.telemetry import workflow_trace_context
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from tests.unit.core.telemetry.conftest import recorded, spans
from tests.unit.orchestrations.test_coordinator import TWO_AGENT_QUERY

__all__ = ["recorded", "spans"]


async def test_metrics_and_spans_are_emitted_once_per_step_despite_replays(engine: Engine, recorded, spans):
    payload = CoordinatorInput(request=CoordinatorRequest(query=TWO_AGENT_QUERY))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    result = CoordinatorResult.model_validate_json((await engine.wait_for_completion(iid, 30)).output)

    requests = recorded.values("agent_requests_total")
    assert sum(requests.values()) == len(result.agents) == 2
    agent_tokens = sum(a.tokens for a in result.agents)
    assert sum(recorded.values("agent_tokens_total").values()) == agent_tokens
    assert sum(recorded.values("active_workflows").values()) == 0

    finished = spans.get_finished_spans()
    model_calls = [s for s in finished if s.attributes.get("gen_ai.operation.name") == "chat"]
    assert len(model_calls) == sum(a.steps for a in result.agents)
    assert all(s.attributes["workflow.id"] == iid for s in model_calls)
    assert all(s.attributes["gen_ai.usage.input_tokens"] > 0 for s in model_calls)
    tool_spans = [s for s in finished if s.name.startswith("tools/call ")]
    assert len(tool_spans) == sum(len(a.tool_calls) for a in result.agents)


async def test_every_span_of_a_workflow_is_in_its_own_trace(engine: Engine, spans):
    payload = CoordinatorInput(request=CoordinatorRequest(query=TWO_AGENT_QUERY))
    first = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    second = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    for iid in (first, second):
        await engine.wait_for_completion(iid, 30)
    finished = spans.get_finished_spans()
    for iid in (first, second):
        mine = [s for s in finished if s.attributes.get("workflow.id") == iid]
        assert len(mine) > 5
        expected = workflow_trace_context(iid)
        trace_id = trace.get_current_span(expected).get_span_context().trace_id
        assert {s.context.trace_id for s in mine} == {trace_id}
    roots = {s.parent.span_id for s in finished if s.parent is not None and s.parent.is_remote}
    assert len(roots) == 2


async def test_the_span_tree_nests_each_model_call_in_its_llm_step(engine: Engine, spans):
    payload = CoordinatorInput(request=CoordinatorRequest(query=TWO_AGENT_QUERY))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    await engine.wait_for_completion(iid, 30)
    finished = [s for s in spans.get_finished_spans() if s.attributes.get("workflow.id") == iid]
    steps = {s.context.span_id: s for s in finished if s.name == "llm_step"}
    calls = [s for s in finished if s.attributes.get("gen_ai.operation.name") == "chat"]
    assert steps
    assert len(calls) == len(steps)
    for call in calls:
        assert call.parent.span_id in steps
        assert call.attributes["agent.name"] == steps[call.parent.span_id].attributes["agent.name"]
    for step in steps.values():
        assert step.parent.is_remote
