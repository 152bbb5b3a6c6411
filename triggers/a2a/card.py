"""The agent card (the SDK's `AgentCard`), in the shape of the protocol version the client
speaks: the 1.0 card by default, the 0.3 card (`url`, `preferredTransport`,
`additionalInterfaces`, schemes with `type`) when the client asks with `A2A-Version: 0.3`.
Each is valid for its version on its own; neither carries the other's fields.

An HTTP trigger's route is always under the host's route prefix, so the real host serves the
card at `/api/.well-known/agent-card.json`; the root path needs `routePrefix: ""` or a proxy
(see docs/mcp-and-a2a.md).
"""

from __future__ import annotations

from typing import Any

from a2a.compat.v0_3.conversions import to_compat_agent_card
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentSkill,
    APIKeySecurityScheme,
    HTTPAuthSecurityScheme,
    SecurityRequirement,
    SecurityScheme,
    StringList,
)
from a2a.utils.constants import PROTOCOL_VERSION_0_3, PROTOCOL_VERSION_1_0, TransportProtocol
from google.protobuf.json_format import MessageToDict

from core.catalogue import AgentSpec, get_catalogue
from core.settings import get_settings
from triggers.shared import routes
from triggers.shared.api_models import API_VERSION

JSONRPC_ROUTE = "a2a"
REST_ROUTE = "a2a/rest"
MEDIA_TYPES = ["text/plain", "application/json"]
KEY_SCHEME = "functionKey"
BEARER_SCHEME = "entraId"

COORDINATOR_SKILL = AgentSkill(
    id="coordinator",
    name="Coordinator",
    description="Plans which specialist agents to ask, lets each use its tools, and "
    "synthesises one answer, under a token budget. A plan that changes data waits for a human "
    'decision (the task asks for input); put {"require_approval": true} in a data part to '
    "always ask first.",
    tags=["multi-agent", "coordination", "approval", "durable"],
    examples=[
        "Order ORD-2025-00012 of customer CUST-0028 is late: check the order and whether "
        "traffic in 中区 is congested",
        "Update ticket TCK-10002 to resolved",
    ],
)


def catalogue_skill(agent: AgentSpec) -> AgentSkill:
    """The card's skill of one catalogue agent."""
    return AgentSkill(
        id=agent.id,
        name=agent.display_name,
        description=f"{agent.description} Routed by the coordinator; a data part "
        f'{{"query_type": "{agent.id}"}} says the question is for this agent.',
        tags=[k for k in agent.keywords if k.isascii()][:8],
    )


def _add_security(card: AgentCard) -> None:
    card.security_schemes[KEY_SCHEME].CopyFrom(
        SecurityScheme(
            api_key_security_scheme=APIKeySecurityScheme(
                location="header",
                name="x-functions-key",
                description="A function key of the app.",
            )
        )
    )
    required = [KEY_SCHEME]
    if get_settings().AUTH_ENABLED:
        card.security_schemes[BEARER_SCHEME].CopyFrom(
            SecurityScheme(
                http_auth_security_scheme=HTTPAuthSecurityScheme(
                    scheme="Bearer",
                    bearer_format="JWT",
                    description="An Entra ID token for the app, with the Coordinator roles.",
                )
            )
        )
        required.append(BEARER_SCHEME)
    requirement = SecurityRequirement()
    for name in required:
        requirement.schemes[name].CopyFrom(StringList())
    card.security_requirements.append(requirement)


def agent_card(api_base: str) -> AgentCard:
    """The card, its URLs under `api_base` (the API root, ending in `/`)."""
    jsonrpc, rest = api_base + JSONRPC_ROUTE, api_base + REST_ROUTE
    card = AgentCard(
        name="Durable agent coordinator",
        description="A reasoning coordinator for the specialist agents of its catalogue, on "
        "Azure Durable Functions. Every task is a durable orchestration: "
        "it survives restarts and redeploys, and can be followed, cancelled or approved later.",
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding=binding, protocol_version=version)
            for version in (PROTOCOL_VERSION_1_0, PROTOCOL_VERSION_0_3)
            for url, binding in (
                (jsonrpc, TransportProtocol.JSONRPC.value),
                (rest, TransportProtocol.HTTP_JSON.value),
            )
        ],
        version=API_VERSION,
        documentation_url=api_base + routes.DOCS,
        capabilities=AgentCapabilities(
            streaming=True, push_notifications=False, extended_agent_card=False
        ),
        default_input_modes=MEDIA_TYPES,
        default_output_modes=MEDIA_TYPES,
        skills=[COORDINATOR_SKILL, *(catalogue_skill(agent) for agent in get_catalogue())],
    )
    _add_security(card)
    return card


def card_json(card: AgentCard, version: str) -> dict[str, Any]:
    """The card's JSON for protocol `version` (`1.0` or `0.3`)."""
    if version == PROTOCOL_VERSION_0_3:
        return to_compat_agent_card(card).model_dump(mode="json", by_alias=True, exclude_none=True)
    return MessageToDict(card)
