"""`self_test`, `self_test_agents` and `find_sweep_targets`: tool calls that run without the
model, as the catalogue declares them."""

import time
from typing import Any

import azure.durable_functions as df

from activities.tools import to_record
from core.catalogue import AgentSpec, SweepSource, get_catalogue
from core.mcp_client import ToolClientError, call_tool, list_tools
from core.models import (
    AgentAnswer,
    AgentStatus,
    SelfTestAgents,
    SelfTestInput,
    SweepInput,
    SweepTarget,
    SweepTargets,
)
from orchestrations import names

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload", activity=names.SELF_TEST_AGENTS)
def self_test_agents(payload: dict[str, Any]) -> dict[str, Any]:
    """The ids of the catalogue's agents, whose tools the self-test exercises."""
    return SelfTestAgents(agents=get_catalogue().ids).model_dump(mode="json")


@bp.activity_trigger(input_name="payload", activity=names.SELF_TEST_AGENT)
async def self_test(payload: dict[str, Any]) -> dict[str, Any]:
    """Make the agent's self-test call (or list its tools when it declares none); a failure
    is reported in the answer, never raised."""
    work = SelfTestInput.model_validate(payload)
    agent = get_catalogue().get(work.agent)
    began = time.perf_counter()
    if agent.self_test is None:
        return await _list_tools_check(agent, began)
    check = agent.self_test
    description = check.description or f"Calls {check.tool}."
    try:
        result = await call_tool(work.agent, check.tool, dict(check.arguments))
    except ToolClientError as exc:
        return _failed(agent.id, description, str(exc))
    record = to_record(check.tool, dict(check.arguments), result)
    if record.error:
        return _failed(agent.id, description, record.error, record)
    took = (time.perf_counter() - began) * 1000
    return AgentAnswer(
        agent=agent.id,
        status=AgentStatus.OK,
        answer=f"{description} OK in {took:.0f} ms.",
        tool_calls=[record],
    ).model_dump(mode="json")


async def _list_tools_check(agent: AgentSpec, began: float) -> dict[str, Any]:
    description = "Lists the agent's tools."
    try:
        specs = await list_tools(agent.id, fresh=True)
    except ToolClientError as exc:
        return _failed(agent.id, description, str(exc))
    took = (time.perf_counter() - began) * 1000
    return AgentAnswer(
        agent=agent.id,
        status=AgentStatus.OK,
        answer=f"{description} {len(specs)} tools, OK in {took:.0f} ms.",
    ).model_dump(mode="json")


def _failed(agent_id: str, description: str, error: str, *records: Any) -> dict[str, Any]:
    return AgentAnswer(
        agent=agent_id,
        status=AgentStatus.FAILED,
        error=error,
        answer=f"{description} Failed: {error}",
        tool_calls=list(records),
    ).model_dump(mode="json")


@bp.activity_trigger(input_name="payload", activity=names.FIND_SWEEP_TARGETS)
async def find_sweep_targets(payload: dict[str, Any]) -> dict[str, Any]:
    """Each catalogue agent's sweep items (say open high-priority tickets, critical sensor
    anomalies), at most `limit` per agent, as coordinator queries for that agent."""
    sweep = SweepInput.model_validate(payload)
    targets: list[SweepTarget] = []
    for agent in get_catalogue():
        if agent.sweep is not None:
            targets.extend(await _agent_targets(agent.id, agent.sweep, sweep.limit))
    return SweepTargets(targets=targets).model_dump(mode="json")


async def _agent_targets(agent_id: str, source: SweepSource, limit: int) -> list[SweepTarget]:
    result = await call_tool(agent_id, source.tool, dict(source.arguments))
    items = (result.structured or {}).get(source.items, [])
    return [
        SweepTarget(
            key=str(item[source.key]),
            query_type=agent_id,
            query=source.query.format_map(item),
        )
        for item in items[:limit]
        if isinstance(item, dict) and source.key in item
    ]
