"""`GET /api/agents`: the agent catalogue, each agent with its tool source, its tools and
their risk, and whether its tool server answers now."""

from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, OPERATOR
from core.catalogue import AgentSpec, get_catalogue
from core.mcp_client import list_tools
from core.mcp_transports import target_of
from core.tool_risk import needs_approval
from triggers.api.health_checks import CHECK_TIMEOUT_SECONDS
from triggers.shared import routes
from triggers.shared.api_models import AgentListing, AgentsListing, AgentSource, ToolListing
from triggers.shared.endpoint import api_endpoint, json_response
from triggers.shared.identity import authorize

bp = df.Blueprint()


async def agent_listing(agent: AgentSpec) -> AgentListing:
    """The agent as the catalogue declares it, with its tools as its server lists them."""
    listing = AgentListing(
        id=agent.id,
        name=agent.display_name,
        description=agent.description,
        model=agent.model,
        source=AgentSource(transport=agent.transport, target=target_of(agent)),
        status="ready",
    )
    try:
        specs = await asyncio.wait_for(list_tools(agent.id, fresh=True), CHECK_TIMEOUT_SECONDS)
    # However the tool server fails, the other agents are still listed and this one says why.
    except Exception as exc:
        listing.status = "degraded"
        listing.problems.append(f"tools of {agent.id}: {type(exc).__name__}: {exc}")
        return listing
    for spec in specs:
        listing.tools.append(
            ToolListing(
                name=spec.name,
                description=spec.description,
                read_only=spec.read_only,
                needs_approval=needs_approval(agent.id, spec),
            )
        )
    return listing


@bp.route(route=routes.AGENTS, methods=["GET"])
@api_endpoint
async def list_agents(req: func.HttpRequest) -> func.HttpResponse:
    """200 with every catalogue agent, ready or degraded."""
    await authorize(req, OPERATOR, ADMIN)
    agents = await asyncio.gather(*(agent_listing(agent) for agent in get_catalogue()))
    return json_response(AgentsListing(agents=list(agents)))
