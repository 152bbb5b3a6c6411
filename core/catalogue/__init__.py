"""The agent catalogue (`agents.yaml` or AGENTS_FILE): every specialist agent the
coordinator can ask, validated when the app starts."""

from core.catalogue.catalogue import Catalogue, get_catalogue
from core.catalogue.errors import CatalogueError, UnknownAgentError
from core.catalogue.model import (
    AgentSpec,
    HttpServer,
    InProcessServer,
    ManagedIdentityAuth,
    SelfTest,
    StdioServer,
    SweepSource,
)

__all__ = [
    "AgentSpec",
    "Catalogue",
    "CatalogueError",
    "HttpServer",
    "InProcessServer",
    "ManagedIdentityAuth",
    "SelfTest",
    "StdioServer",
    "SweepSource",
    "UnknownAgentError",
    "get_catalogue",
]
