"""`self_test` and `find_sweep_targets`: tool calls that run without the model."""

import time
from typing import Any

import azure.durable_functions as df

from activities.tools import to_record
from agents.registry import AGENTS
from core.mcp_client import ToolClientError, call_tool
from core.models import (
    AgentAnswer,
    AgentStatus,
    QueryType,
    SelfTestInput,
    SweepInput,
    SweepTarget,
    SweepTargets,
)
from orchestrations import names

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload", activity=names.SELF_TEST_AGENT)
async def self_test(payload: dict[str, Any]) -> dict[str, Any]:
    """Call the agent's self-test tool; a failure is reported in the answer, never raised."""
    work = SelfTestInput.model_validate(payload)
    check = AGENTS[work.agent].self_test
    began = time.perf_counter()
    try:
        result = await call_tool(work.agent, check.tool, dict(check.arguments))
    except ToolClientError as exc:
        return AgentAnswer(
            agent=work.agent,
            status=AgentStatus.FAILED,
            error=str(exc),
            answer=f"{check.description} Failed: {exc}",
        ).model_dump(mode="json")
    record = to_record(check.tool, dict(check.arguments), result)
    took = (time.perf_counter() - began) * 1000
    status = AgentStatus.FAILED if record.error else AgentStatus.OK
    answer = f"{check.description} {'Failed: ' + record.error if record.error else f'OK in {took:.0f} ms.'}"
    return AgentAnswer(
        agent=work.agent,
        status=status,
        answer=answer,
        tool_calls=[record],
        error=record.error,
        steps=0,
    ).model_dump(mode="json")


@bp.activity_trigger(input_name="payload", activity=names.FIND_SWEEP_TARGETS)
async def find_sweep_targets(payload: dict[str, Any]) -> dict[str, Any]:
    """The open high-priority tickets and critical city anomalies, as coordinator queries."""
    sweep = SweepInput.model_validate(payload)
    tickets = await call_tool(
        "customer-support",
        "search_tickets",
        {"status": ["open"], "min_priority": "high", "limit": sweep.limit},
    )
    anomalies = await call_tool(
        "smart-city", "list_sensor_anomalies", {"min_level": "critical", "include_offline": False}
    )
    targets: list[SweepTarget] = []
    for ticket in (tickets.structured or {}).get("tickets", []):
        targets.append(
            SweepTarget(
                key=ticket["ticket_id"],
                query_type=QueryType.CUSTOMER_SUPPORT,
                query=f"Review open {ticket['priority']} ticket {ticket['ticket_id']} ({ticket['subject']}) and propose the next step.",
            )
        )
    for anomaly in (anomalies.structured or {}).get("anomalies", [])[: sweep.limit]:
        targets.append(
            SweepTarget(
                key=anomaly["sensor_id"],
                query_type=QueryType.SMART_CITY,
                query=f"Assess the {anomaly['level']} anomaly of sensor {anomaly['sensor_id']} in {anomaly['district']} and its open incidents.",
            )
        )
    return SweepTargets(targets=targets).model_dump(mode="json")
