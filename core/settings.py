"""Application settings, read once from the environment (app settings in Azure,
`local.settings.json` Values under devhost). Every default works offline."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting the app reads. Names are the environment variable names."""

    # Empty values (the placeholders of local.settings.example.json) mean "not set".
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", env_ignore_empty=True)

    # Model: Azure OpenAI when an endpoint is set, else the offline rule-based model.
    AZURE_OPENAI_ENDPOINT: str | None = Field(
        None, description="Azure OpenAI endpoint URL; unset means the offline model."
    )
    AZURE_OPENAI_CHAT_DEPLOYMENT: str = Field("gpt-4o", description="Chat model deployment name.")
    AZURE_OPENAI_EMBEDDING_DEPLOYMENT: str = Field(
        "text-embedding-3-small", description="Embedding deployment name."
    )
    AZURE_OPENAI_API_VERSION: str = Field("2025-04-01-preview", description="Azure OpenAI API version.")
    AZURE_OPENAI_API_KEY: str | None = Field(
        None, description="API key fallback when Entra ID is not available (never set in Azure)."
    )
    AZURE_OPENAI_TIMEOUT_SECONDS: float = Field(
        60.0, gt=0, description="Timeout of one model call (Azure OpenAI or OpenAI-compatible)."
    )
    AZURE_OPENAI_MAX_RETRIES: int = Field(
        3, ge=0, description="Retries of a model call on 429/5xx (either client)."
    )
    OPENAI_BASE_URL: str | None = Field(
        None,
        description="OpenAI-compatible endpoint (Ollama, vLLM, LM Studio...), used when "
        "AZURE_OPENAI_ENDPOINT is unset; unset with OPENAI_API_KEY set means OpenAI itself.",
    )
    OPENAI_API_KEY: str | None = Field(
        None, description="Key of the OpenAI-compatible endpoint (a Key Vault reference in Azure)."
    )
    OPENAI_MODEL: str = Field("gpt-4o-mini", description="Model of the OpenAI-compatible endpoint.")
    AZURE_CLIENT_ID: str | None = Field(
        None, description="Client id of the user-assigned managed identity."
    )
    OFFLINE_MODEL_LATENCY_MS: int = Field(
        0, ge=0, description="Simulated latency of each offline model call."
    )

    # Agent logs: Cosmos DB when an endpoint is set, else SQLite.
    COSMOS_ENDPOINT: str | None = Field(
        None, description="Cosmos DB account endpoint; unset means SQLite."
    )
    COSMOS_KEY: str | None = Field(None, description="Cosmos DB key fallback (never set in Azure).")
    COSMOS_DATABASE: str = Field("AgentCoordination", description="Cosmos DB database name.")
    COSMOS_CONTAINER: str = Field("AgentLogs", description="Cosmos DB container of agent logs.")
    AGENT_LOG_SQLITE_PATH: str = Field(
        ".devhost/agent_logs.sqlite3", description="SQLite agent-log file."
    )
    HISTORY_RETENTION_DAYS: int = Field(
        30,
        ge=0,
        description="Days the history of finished workflows is kept; 0 purges it at each retention run.",
    )
    RETENTION_SCHEDULE: str = Field(
        "0 0 3 * * *", description="NCRONTAB schedule of the retention purge."
    )
    AGENT_LOG_TTL_DAYS: int = Field(30, ge=1, description="Retention of agent logs in days.")

    # Agents: the catalogue file and its MCP tool servers.
    AGENTS_FILE: str | None = Field(
        None,
        description="The agent catalogue file (relative to the app root); unset means agents.yaml.",
    )
    MCP_TOOL_TIMEOUT_SECONDS: float = Field(30.0, gt=0, description="Timeout of one MCP tool call.")
    A2A_REQUEST_TIMEOUT_SECONDS: float = Field(
        30.0, gt=0, description="Timeout of one request to a remote A2A agent."
    )
    A2A_POLL_SECONDS: float = Field(
        2.0,
        gt=0,
        description="First wait before asking a remote A2A agent about its task again; each "
        "wait doubles, up to 60 s.",
    )
    A2A_TASK_TIMEOUT_SECONDS: int = Field(
        3600,
        ge=1,
        description="Longest a remote A2A agent's task may run; then it is cancelled.",
    )

    # Workflow limits.
    DEFAULT_BUDGET_TOKENS: int = Field(
        50000, ge=100, description="Token budget of a request that names none."
    )
    MAX_AGENT_STEPS: int = Field(6, ge=1, description="Model calls one agent may make per request.")
    APPROVAL_TIMEOUT_SECONDS: int = Field(
        3600, ge=1, description="Time before a pending approval is auto-denied."
    )
    ORCHESTRATE_WAIT_SECONDS: float = Field(
        5.0, ge=0, description="How long /coordinator/orchestrate waits for a result."
    )
    EVENT_STREAM_SECONDS: float = Field(
        25.0,
        gt=0,
        le=200,
        description="Longest a workflow events stream stays open (the client reconnects with "
        "Last-Event-ID); under the platform's 230 s HTTP limit.",
    )
    MAX_QUERY_CHARS: int = Field(4000, ge=1, description="Longest accepted query.")
    THREAD_HISTORY_TOKENS: int = Field(
        1500,
        ge=100,
        le=20_000,
        description="Token bound of the summary of a thread's earlier turns a new request gets.",
    )
    BATCH_SWEEP_SCHEDULE: str = Field(
        "0 */30 * * * *", description="NCRONTAB schedule of the batch sweep."
    )
    BATCH_SWEEP_MAX_PARALLEL: int = Field(
        3, ge=1, description="Coordinator runs a sweep runs at once."
    )

    # Security.
    AUTH_ENABLED: bool = Field(
        False, description="Require Entra ID bearer tokens on protected endpoints."
    )
    AUTH_TENANT_ID: str | None = Field(None, description="Entra ID tenant id.")
    AUTH_AUDIENCE: str | None = Field(
        None, description="Expected token audience (the app's client id or URI)."
    )
    AUTH_JWKS_URL: str | None = Field(
        None,
        description="HTTPS URL of the tenant's signing keys; unset means Entra ID's URL for AUTH_TENANT_ID.",
    )
    AUTH_TRUST_PLATFORM_PRINCIPAL: bool = Field(
        False, description="Accept the platform's X-MS-CLIENT-PRINCIPAL header."
    )
    WORKFLOW_SIGNING_KEY: str | None = Field(
        None,
        description="Key of the proofs on approvals and internal inputs (Key Vault reference in Azure).",
    )
    WORKFLOW_SIGNING_KEY_FILE: str = Field(
        ".devhost/signing.key",
        description="Where a random signing key is kept when WORKFLOW_SIGNING_KEY is unset.",
    )
    CORS_ALLOWED_ORIGINS: str = Field(
        "", description="Comma-separated origins allowed by CORS; empty allows none."
    )

    # Telemetry.
    LOG_FORMAT: str = Field(
        "text",
        pattern="^(text|json)$",
        description="Log records as plain text or as one JSON object each.",
    )
    APPLICATIONINSIGHTS_CONNECTION_STRING: str | None = Field(
        None, description="Application Insights connection string."
    )
    OTEL_EXPORTER_OTLP_ENDPOINT: str | None = Field(
        None, description="OTLP endpoint when Application Insights is not used."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
