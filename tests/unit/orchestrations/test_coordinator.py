"""The coordinator workflow end to end on the engine with the offline model and in-process
tools: fan-out, partial answers, budgets, approvals, the self-test and the batch sweep."""

import asyncio
import json
from datetime import UTC, datetime

from core.agent_logs import get_agent_log_store
from core.models import (
    CoordinatorInput,
    CoordinatorRequest,
    CoordinatorResult,
    Plan,
    SweepInput,
    WorkflowLimits,
)
from core.settings import get_settings
from devhost.engine.engine import Engine
from devhost.engine.history import EventType
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from tests.unit.orchestrations.approvals import decide, wait_for_approvals
from tests.unit.orchestrations.histories import tool_results

TWO_AGENT_QUERY = (
    "Order ORD-2025-00012 is late: check the order and whether traffic in Shibuya is congested"
)


async def run(
    engine: Engine, request: dict, limits: WorkflowLimits | None = None, timeout: float = 30.0
):
    payload = CoordinatorInput(
        request=CoordinatorRequest.model_validate(request), limits=limits or WorkflowLimits()
    )
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    state = await engine.wait_for_completion(iid, timeout)
    return state


async def wait_for_phase(
    engine: Engine, instance_id: str, phase: str, timeout: float = 10.0
) -> dict:
    for _ in range(int(timeout / 0.02)):
        state = await engine.get_status(instance_id)
        if state.custom_status and json.loads(state.custom_status).get("phase") == phase:
            return json.loads(state.custom_status)
        await asyncio.sleep(0.02)
    raise AssertionError(f"{instance_id} never reached phase {phase}")


async def test_two_agent_query_fans_out_and_cites_both_agents_tools(engine: Engine):
    state = await run(engine, {"query": TWO_AGENT_QUERY})
    assert state.runtime_status == RuntimeStatus.COMPLETED
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "completed"
    assert {a.agent for a in result.agents} == {"customer-support", "smart-city"}
    order_call = next(c for c in result.agents[0].tool_calls if c.tool == "get_order")
    assert order_call.arguments["order_id"] == "ORD-2025-00012"
    assert order_call.summary is not None
    assert order_call.summary.chars > 0
    ran = await tool_results(engine, state.instance_id, "customer-support")
    assert next(c for c in ran if c.tool == "get_order").result["order_id"] == "ORD-2025-00012"
    assert any(c.tool == "get_traffic" for c in result.agents[1].tool_calls)
    assert "customer-support" in result.answer
    assert "smart-city" in result.answer
    assert result.offline
    created = [
        e
        for e in engine.store.history(state.instance_id)
        if e["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_CREATED
    ]
    assert sorted(e["InstanceId"] for e in created) == sorted(
        f"{state.instance_id}:{a}" for a in ("customer-support", "smart-city")
    )
    status = json.loads(state.custom_status)
    assert status["phase"] == "completed"
    assert status["agents_done"] == status["agents_total"] == 2
    assert status["tokens_used"] == result.tokens_used > 0
    logged = await get_agent_log_store().list_for_workflow(state.instance_id)
    steps = {r.step for r in logged}
    assert {"plan", "llm_step", "mcp_tool", "synthesize", "workflow"} <= steps


async def test_unreachable_tool_server_gives_partial_answer_naming_the_agent(
    engine: Engine, app_settings
):
    app_settings.setenv("MCP_SMART_CITY_URL", "http://127.0.0.1:9/mcp")
    app_settings.setenv("MCP_TOOL_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    state = await run(engine, {"query": TWO_AGENT_QUERY}, timeout=60)
    result = CoordinatorResult.model_validate_json(state.output)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert result.status == "partial"
    assert result.failed_agents == ["smart-city"]
    failed = next(a for a in result.agents if a.agent == "smart-city")
    assert "unavailable" in (failed.error or "")
    assert "smart-city could not answer: " in result.answer
    good = next(a for a in result.agents if a.agent == "customer-support")
    assert good.status == "ok"
    # The agent's own run ends with its failed answer; it does not fail and leave the
    # coordinator to make one up.
    child = await engine.get_status(f"{state.instance_id}:smart-city")
    assert child.runtime_status == RuntimeStatus.COMPLETED
    assert json.loads(child.output) == failed.model_dump(mode="json")


async def test_small_budget_stops_agents_and_says_so(engine: Engine):
    state = await run(engine, {"query": TWO_AGENT_QUERY, "budget_tokens": 400})
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.budget_exhausted
    assert "token budget of 400 was reached" in result.answer


async def test_approval_with_matching_digest_runs_the_plan(engine: Engine):
    payload = CoordinatorInput(
        request=CoordinatorRequest(query=TWO_AGENT_QUERY, require_approval=True)
    )
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    status = await wait_for_phase(engine, iid, "awaiting_approval")
    assert status["plan_digest"] == Plan.model_validate(status["plan"]).digest()
    wrong = {"approved": True, "approver": "mallory", "digest": "0" * 64}
    await engine.raise_event(f"{iid}:approval", "approval", client_input(wrong))
    unsigned = {"approved": True, "approver": "mallory", "digest": status["plan_digest"]}
    await engine.raise_event(f"{iid}:approval", "approval", client_input(unsigned))
    await asyncio.sleep(0.5)
    assert (await engine.get_status(iid)).runtime_status == RuntimeStatus.RUNNING
    (pending,) = await wait_for_approvals(engine, iid)
    assert pending.kind == "plan"
    assert pending.digest == status["plan_digest"]
    await decide(engine, pending, "alice", True, "ok")
    state = await engine.wait_for_completion(iid, 30)
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "completed"
    assert result.approval.approved
    assert result.approval.approver == "alice"
    audit = await get_agent_log_store().list_audit(since=datetime(2000, 1, 1, tzinfo=UTC))
    actions = [(a.actor, a.action) for a in audit if a.target == iid]
    assert ("mallory", "rejected") in actions
    assert ("mallory", "ignored") in actions
    assert ("alice", "approved") in actions


async def test_approval_times_out_into_a_denial(engine: Engine):
    state = await run(
        engine,
        {"query": TWO_AGENT_QUERY, "require_approval": True},
        WorkflowLimits(approval_timeout_seconds=1),
    )
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "denied"
    assert "timed out" in result.answer
    assert result.agents == []


async def test_health_query_runs_every_agents_self_test_without_the_model(engine: Engine):
    state = await run(engine, {"query": "health check", "query_type": "health"})
    result = CoordinatorResult.model_validate_json(state.output)
    assert result.status == "self_test"
    assert [a.agent for a in result.agents] == ["customer-support", "smart-city", "enterprise"]
    assert all(a.status == "ok" for a in result.agents)
    assert all(len(a.tool_calls) == 1 for a in result.agents)


async def test_batch_sweep_runs_the_coordinator_per_target_with_stable_ids(engine: Engine):
    # Runs that ask for a change stop at the gate; nobody decides, so they are auto-denied.
    sweep = SweepInput(
        slot="2026-11-24T04:30",
        max_parallel=2,
        limit=2,
        limits=WorkflowLimits(approval_timeout_seconds=2),
    )
    iid = await engine.start_new(
        "batch_sweep", "batch_sweep:2026-11-24T04:30", client_input(sweep.model_dump(mode="json"))
    )
    state = await engine.wait_for_completion(iid, 120)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    workflows = json.loads(state.output)["workflows"]
    assert len(workflows) >= 2
    for key in workflows:
        child = await engine.get_status(f"{iid}:{key}")
        assert child.runtime_status == RuntimeStatus.COMPLETED


async def test_secrets_in_a_request_do_not_reach_the_custom_status(engine: Engine):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    query = f"Update ticket TCK-10004 to resolved; my password: hunter2 and Authorization: Bearer {token}"
    payload = CoordinatorInput(request=CoordinatorRequest(query=query))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    (pending,) = await wait_for_approvals(engine, iid)
    for instance_id in (iid, pending.approval_id):
        status_text = (await engine.get_status(instance_id)).custom_status
        assert token not in status_text
        assert "hunter2" not in status_text
    await engine.terminate(iid, "done")
