"""The agent card at `GET /api/.well-known/agent-card.json` (anonymous).

An HTTP trigger's route is always under the host's route prefix, so the real host serves the
card at `/api/.well-known/agent-card.json`; the root path needs `routePrefix: ""` or a proxy
(see docs/mcp-and-a2a.md). The card is written for both protocol versions, as the A2A SDK
writes it: the 1.0 fields (`supportedInterfaces`, `securityRequirements`, schemes wrapped as
`apiKeySecurityScheme`...) and the 0.3 ones (`url`, `preferredTransport`,
`additionalInterfaces`, `protocolVersion`, `security`, schemes with `type`).
"""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.catalogue import AgentSpec, get_catalogue
from core.settings import get_settings
from triggers import routes
from triggers.a2a.http import answer
from triggers.a2a.jsonrpc import ROUTE as JSONRPC_ROUTE
from triggers.api_models import API_VERSION

bp = df.Blueprint()

ROUTE = ".well-known/agent-card.json"
REST_PATH = "a2a/rest"
MEDIA_TYPES = ["text/plain", "application/json"]
KEY_SCHEME = "functionKey"
BEARER_SCHEME = "entraId"

COORDINATOR_SKILL = {
    "id": "coordinator",
    "name": "Coordinator",
    "description": "Plans which specialist agents to ask, lets each use its tools, and "
    "synthesises one answer, under a token budget. A plan that changes data waits for a human "
    'decision (the task asks for input); put {"require_approval": true} in a data part to '
    "always ask first.",
    "tags": ["multi-agent", "coordination", "approval", "durable"],
    "examples": [
        "Order ORD-2025-00012 of customer CUST-0028 is late: check the order and whether "
        "traffic in Shibuya is congested",
        "Update ticket TCK-0001 to resolved",
    ],
}


def catalogue_skill(agent: AgentSpec) -> dict[str, Any]:
    """The card's skill of one catalogue agent."""
    return {
        "id": agent.id,
        "name": agent.display_name,
        "description": f"{agent.description} Routed by the coordinator; a data part "
        f'{{"query_type": "{agent.id}"}} says the question is for this agent.',
        "tags": [k for k in agent.keywords if k.isascii()][:8],
    }


def _security() -> dict[str, Any]:
    schemes: dict[str, Any] = {
        KEY_SCHEME: {
            "apiKeySecurityScheme": {"location": "header", "name": "x-functions-key"},
            "type": "apiKey",
            "in": "header",
            "name": "x-functions-key",
            "description": "A function key of the app.",
        }
    }
    required = [KEY_SCHEME]
    if get_settings().AUTH_ENABLED:
        schemes[BEARER_SCHEME] = {
            "httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT"},
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An Entra ID token for the app, with the Coordinator roles.",
        }
        required.append(BEARER_SCHEME)
    return {
        "securitySchemes": schemes,
        "securityRequirements": [{"schemes": {name: {"list": []} for name in required}}],
        "security": [{name: [] for name in required}],
    }


def agent_card(api_base: str) -> dict[str, Any]:
    """The card, its URLs under `api_base` (the API root, ending in `/`)."""
    jsonrpc, rest = api_base + JSONRPC_ROUTE, api_base + REST_PATH
    interfaces = [
        {"url": url, "protocolBinding": binding, "protocolVersion": version}
        for version in ("1.0", "0.3")
        for url, binding in ((jsonrpc, "JSONRPC"), (rest, "HTTP+JSON"))
    ]
    return {
        "name": "Durable agent coordinator",
        "description": "A reasoning coordinator for the specialist agents of its catalogue, on "
        "Azure Durable Functions. Every task is a durable orchestration: "
        "it survives restarts and redeploys, and can be followed, cancelled or approved later.",
        "supportedInterfaces": interfaces,
        "version": API_VERSION,
        "documentationUrl": api_base + routes.DOCS,
        "capabilities": {
            "streaming": True,
            "pushNotifications": False,
            "extendedAgentCard": False,
            "stateTransitionHistory": False,
        },
        **_security(),
        "defaultInputModes": MEDIA_TYPES,
        "defaultOutputModes": MEDIA_TYPES,
        "skills": [COORDINATOR_SKILL, *(catalogue_skill(agent) for agent in get_catalogue())],
        "protocolVersion": "0.3.0",
        "url": jsonrpc,
        "preferredTransport": "JSONRPC",
        "additionalInterfaces": [{"url": rest, "transport": "HTTP+JSON"}],
    }


@bp.route(route=ROUTE, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def a2a_agent_card(req: func.HttpRequest) -> func.HttpResponse:
    """The public agent card."""
    return answer(
        agent_card(routes.api_base(req, ROUTE)), headers={"Cache-Control": "public, max-age=300"}
    )
