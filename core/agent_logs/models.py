"""Records the agent-log store keeps: one per workflow step, audit entries, and stats.

All records share one Cosmos DB container partitioned by `agent_id`; audit entries use the
reserved partition `AUDIT_PARTITION`. Timestamps are UTC and serialise to a fixed-width
ISO 8601 string, so string order is time order in both Cosmos DB and SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, JsonValue, PlainSerializer, model_validator

from core.thread_ids import ThreadId

AUDIT_PARTITION: Final = "audit"
"""The `agent_id` under which audit records are stored; no agent may use it."""

# Cosmos DB item ids may not contain '/', '\\', '?' or '#' and are at most 255 characters.
RecordId = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\?#]+$")]


def as_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_iso(value: datetime) -> str:
    """Format `value` as fixed-width UTC ISO 8601 (`2026-01-31T12:00:00.000000Z`)."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


UtcDatetime = Annotated[
    datetime, AfterValidator(as_utc), PlainSerializer(utc_iso, return_type=str, when_used="json")
]


def _now() -> datetime:
    return datetime.now(UTC)


class Outcome(StrEnum):
    """How a step ended."""

    OK = "ok"
    ERROR = "error"
    PARTIAL = "partial"
    DENIED = "denied"
    TIMEOUT = "timeout"


class AuditKind(StrEnum):
    """What an audit record is about."""

    APPROVAL = "approval"
    ADMIN_ACTION = "admin_action"
    REJECTED_INPUT = "rejected_input"
    """An internal orchestrator refused an input the app did not issue."""
    TOOL_WRITE = "tool_write"


class TokenUsage(BaseModel):
    """Model tokens one step used; `total` defaults to prompt + completion."""

    prompt: int = Field(default=0, ge=0)
    completion: int = Field(default=0, ge=0)
    total: int = Field(default=0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _default_total(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("total") is None:
            return {**data, "total": data.get("prompt", 0) + data.get("completion", 0)}
        return data


class AgentLogRecord(BaseModel):
    """One step of one agent in one workflow.

    `id` must be deterministic (e.g. built from workflow id, agent and step number):
    writing the same `(agent_id, id)` twice keeps one record, so activities that run
    at-least-once do not duplicate logs. `ttl` (seconds, -1 = never) overrides the
    container's retention on Cosmos DB; None keeps the default.
    """

    id: RecordId
    workflow_id: str = Field(min_length=1)
    agent_id: str = Field(min_length=1, max_length=255)
    query_type: str = ""
    step: str = Field(min_length=1, description="Durable step name: plan, llm_step, mcp_tool...")
    tool: str | None = None
    tokens: TokenUsage = Field(default_factory=lambda: TokenUsage())
    latency_ms: float = Field(default=0.0, ge=0)
    outcome: Outcome = Outcome.OK
    error: str | None = None
    timestamp: UtcDatetime = Field(default_factory=_now)
    model: str | None = None
    ttl: int | None = Field(default=None, ge=-1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.agent_id == AUDIT_PARTITION:
            raise ValueError(f"agent_id '{AUDIT_PARTITION}' is reserved for audit records")
        if self.ttl == 0:
            raise ValueError("ttl must be -1 (never expire) or >= 1 second")
        return self


class AuditRecord(BaseModel):
    """One append-only audit entry: who did what to which target, and when.

    The app never updates or deletes audit records: appending an existing `id` again keeps
    the first. `digest` binds an approval to exactly what was approved. Audit records
    never expire by default (`ttl` -1) and SQLite retention skips them.
    """

    id: RecordId
    agent_id: Literal["audit"] = AUDIT_PARTITION
    kind: AuditKind
    actor: str = Field(min_length=1, description="Verified identity: object id or UPN.")
    action: str = Field(min_length=1, description="What was done: approve, deny, reset-system...")
    target: str = Field(default="", description="What it was done to, e.g. a workflow instance id.")
    digest: str | None = None
    detail: dict[str, JsonValue] = Field(default_factory=dict)
    timestamp: UtcDatetime = Field(default_factory=_now)
    ttl: int = Field(default=-1, ge=-1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.ttl == 0:
            raise ValueError("ttl must be -1 (never expire) or >= 1 second")
        return self


class AgentStats(BaseModel):
    """Aggregates of one agent's records from `since` until `as_of`.

    Latencies are None when the window holds no records; `p95_latency_ms` is the
    nearest-rank 95th percentile.
    """

    agent_id: str
    step: str | None = None
    since: UtcDatetime
    as_of: UtcDatetime
    requests: int = 0
    errors: int = 0
    avg_latency_ms: float | None = None
    p95_latency_ms: float | None = None
    tokens: TokenUsage = Field(default_factory=lambda: TokenUsage())


THREAD_PARTITION_PREFIX: Final = "thread:"
"""Cosmos DB keeps a thread's turns in the partition `thread:{thread_id}`; agent ids cannot
contain a colon, so no agent's partition can be one."""

class TurnStatus(StrEnum):
    """Where one turn of a thread stands."""

    RUNNING = "running"
    COMPLETED = "completed"
    PARTIAL = "partial"
    DENIED = "denied"
    SELF_TEST = "self_test"
    ENDED_WITHOUT_ANSWER = "ended_without_answer"
    """Shown, never stored: the run of a turn that is still `running` failed or was
    terminated, so it will not write its answer."""


class ThreadTurn(BaseModel):
    """One request of a conversation thread: who asked what in which workflow, and once it
    finished, the answer, the agents and tools it used and the items its results listed.

    Keyed by `(thread_id, workflow_id)`: the trigger writes the turn when it starts the
    workflow and the workflow rewrites it when it ends, so a retried write keeps one turn.
    """

    thread_id: ThreadId
    workflow_id: RecordId
    owner: str = Field(min_length=1, max_length=200, description="The asker's object id.")
    owner_name: str | None = Field(None, max_length=400)
    query: str = Field(min_length=1)
    status: TurnStatus = TurnStatus.RUNNING
    answer: str = ""
    agents: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list, description="`agent: tool` of each tool used.")
    items: list[str] = Field(
        default_factory=list, description="The items the results listed, in their order."
    )
    started_at: UtcDatetime = Field(default_factory=_now)
    finished_at: UtcDatetime | None = None

    @property
    def written_at(self) -> datetime:
        """When the turn was last written: its end, or its start while it runs."""
        return self.finished_at or self.started_at
