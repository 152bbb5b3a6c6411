"""`GET /api/agents/{agent}/status`: whether an agent is ready (its tool server answers and
its log is readable), its tools, and its logged activity over the last hour."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import get_agent_log_store
from core.auth import ADMIN, OPERATOR
from core.catalogue import get_catalogue
from core.mcp_client import list_tools
from triggers.api.health_checks import CHECK_TIMEOUT_SECONDS
from triggers.shared import routes
from triggers.shared.api_models import AgentStatusReport, RecentActivity
from triggers.shared.endpoint import api_endpoint, json_response
from triggers.shared.errors import NotFoundError
from triggers.shared.identity import authorize

bp = df.Blueprint()

COORDINATOR = "coordinator"
RECENT_WINDOW = timedelta(hours=1)
T = TypeVar("T")


class AgentCheckError(Exception):
    """One thing that makes an agent degraded."""


async def tool_names(agent_id: str) -> list[str]:
    """The names of the agent's tools; AgentCheckError when its server does not list them."""
    try:
        specs = await asyncio.wait_for(list_tools(agent_id, fresh=True), CHECK_TIMEOUT_SECONDS)
    # However the tool server fails, the agent is degraded and the report says why.
    except Exception as exc:
        raise AgentCheckError(f"tools of {agent_id}: {type(exc).__name__}: {exc}") from exc
    return [spec.name for spec in specs]


async def recent_activity(agent_id: str) -> RecentActivity:
    """The agent's logged steps in RECENT_WINDOW; AgentCheckError when the log is unreadable."""
    since = datetime.now(UTC) - RECENT_WINDOW
    try:
        stats = await asyncio.wait_for(
            get_agent_log_store().stats(agent_id, since), CHECK_TIMEOUT_SECONDS
        )
    # However the log store fails, the agent is degraded and the report says why.
    except Exception as exc:
        raise AgentCheckError(f"agent_logs: {type(exc).__name__}: {exc}") from exc
    return RecentActivity(
        window_seconds=int(RECENT_WINDOW.total_seconds()),
        requests=stats.requests,
        errors=stats.errors,
        avg_latency_ms=stats.avg_latency_ms,
        p95_latency_ms=stats.p95_latency_ms,
        tokens=stats.tokens.total,
    )


async def attempt(work: Awaitable[T], problems: list[str]) -> T | None:
    """The result of `work`, or None with the problem noted when it raised AgentCheckError."""
    try:
        return await work
    except AgentCheckError as exc:
        problems.append(str(exc))
        return None


async def agent_report(agent_id: str) -> AgentStatusReport:
    """The status of a specialist agent, or of the coordinator (whose tools are every
    agent's tool servers)."""
    problems: list[str] = []
    tool_agents = get_catalogue().ids if agent_id == COORDINATOR else [agent_id]
    recent, tool_lists = await asyncio.gather(
        attempt(recent_activity(agent_id), problems),
        asyncio.gather(*(attempt(tool_names(a), problems) for a in tool_agents)),
    )
    return AgentStatusReport(
        agent=agent_id,
        status="degraded" if problems else "ready",
        tools=None if agent_id == COORDINATOR else tool_lists[0],
        tools_reachable=all(names is not None for names in tool_lists),
        recent=recent,
        problems=problems,
    )


@bp.route(route=routes.AGENT_STATUS, methods=["GET"])
@api_endpoint
async def agent_status(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the agent's status (ready or degraded); 404 naming the known agents."""
    await authorize(req, OPERATOR, ADMIN)
    agent_id = req.route_params.get("agent", "")
    known = [*get_catalogue().ids, COORDINATOR]
    if agent_id not in known:
        raise NotFoundError.about(
            "agent", f"no agent '{agent_id}'; known agents: {', '.join(known)}"
        )
    report = await agent_report(agent_id)
    return json_response(report, exclude={"tools"} if report.tools is None else None)
