"""The agent-log store: every workflow step and audit entry, in Cosmos DB or SQLite.

`get_agent_log_store()` picks the backend from the settings: Cosmos DB when
COSMOS_ENDPOINT is set, else the SQLite file at AGENT_LOG_SQLITE_PATH.
"""

from __future__ import annotations

from functools import lru_cache

from core.agent_logs.cosmos_config import CosmosConfig
from core.agent_logs.cosmos_credential import cosmos_credential
from core.agent_logs.cosmos_store import CosmosAgentLogStore
from core.agent_logs.errors import (
    AgentLogStoreConfigError,
    AgentLogStoreError,
    AgentLogStoreUnavailableError,
)
from core.agent_logs.models import (
    AUDIT_PARTITION,
    AgentLogRecord,
    AgentStats,
    AuditKind,
    AuditRecord,
    Outcome,
    ThreadId,
    ThreadTurn,
    TokenUsage,
    TurnStatus,
)
from core.agent_logs.sqlite_store import SqliteAgentLogStore
from core.agent_logs.store import AgentLogStore
from core.settings import get_settings

__all__ = [
    "AUDIT_PARTITION",
    "AgentLogRecord",
    "AgentLogStore",
    "AgentLogStoreConfigError",
    "AgentLogStoreError",
    "AgentLogStoreUnavailableError",
    "AgentStats",
    "AuditKind",
    "AuditRecord",
    "CosmosAgentLogStore",
    "CosmosConfig",
    "Outcome",
    "SqliteAgentLogStore",
    "ThreadId",
    "ThreadTurn",
    "TokenUsage",
    "TurnStatus",
    "get_agent_log_store",
]


@lru_cache(maxsize=1)
def get_agent_log_store() -> AgentLogStore:
    """The process-wide store the settings select, created on first use.

    Use it from one event loop (the Functions worker's): the Cosmos client's HTTP session
    belongs to the loop that first uses it. Tests that change settings call
    `get_agent_log_store.cache_clear()` after `get_settings.cache_clear()`.
    """
    settings = get_settings()
    if settings.COSMOS_ENDPOINT:
        config = CosmosConfig.from_settings(settings)
        return CosmosAgentLogStore(config, cosmos_credential(settings))
    return SqliteAgentLogStore(settings.AGENT_LOG_SQLITE_PATH)
