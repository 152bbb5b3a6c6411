"""Where the Cosmos DB agent-log container lives and how it is laid out.

The layout follows the source article: database `AgentCoordination`, container
`AgentLogs`, partition key `/agent_id`, default TTL 30 days, consistent indexing of
`timestamp`, `workflow_id` and `query_type`. Two changes: the paths this store also
filters or sorts on (`agent_id`, `step`, `latency_ms`) are indexed, and `/*` is
excluded explicitly, which Cosmos DB requires when the root path is not included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.settings import Settings

PARTITION_KEY_PATH = "/agent_id"

INDEXING_POLICY: dict[str, Any] = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [
        {"path": "/timestamp/?"},
        {"path": "/workflow_id/?"},
        {"path": "/query_type/?"},
        {"path": "/agent_id/?"},
        {"path": "/step/?"},
        {"path": "/latency_ms/?"},
    ],
    "excludedPaths": [{"path": "/*"}],
}


@dataclass(frozen=True)
class CosmosConfig:
    """Account endpoint, names, retention and client behaviour of the agent-log container.

    `endpoint_discovery` is True for Azure; local test servers that advertise an address
    they do not serve need it off. `timeout_seconds` bounds each store call end to end.
    """

    endpoint: str
    database: str = "AgentCoordination"
    container: str = "AgentLogs"
    ttl_days: int = 30
    endpoint_discovery: bool = True
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not self.endpoint:
            raise ValueError("endpoint must not be empty")
        if self.ttl_days < 1:
            raise ValueError("ttl_days must be >= 1")
        if self.timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be > 0")

    @property
    def default_ttl_seconds(self) -> int:
        """The container's default time to live in seconds."""
        return self.ttl_days * 86_400

    @classmethod
    def from_settings(cls, settings: Settings) -> CosmosConfig:
        """The configuration the app settings describe; requires COSMOS_ENDPOINT."""
        if not settings.COSMOS_ENDPOINT:
            raise ValueError("COSMOS_ENDPOINT must be set to use Cosmos DB")
        return cls(
            endpoint=settings.COSMOS_ENDPOINT,
            database=settings.COSMOS_DATABASE,
            container=settings.COSMOS_CONTAINER,
            ttl_days=settings.AGENT_LOG_TTL_DAYS,
        )
