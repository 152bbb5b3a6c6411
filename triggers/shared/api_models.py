"""The HTTP API's own request and response bodies. Workflow inputs and results are the
`core.models` classes; these wrap them. The OpenAPI document is generated from both."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.agent_logs import AuditRecord, ThreadTurn
from core.models import CoordinatorResult, PendingApproval, Plan

API_VERSION = "0.1.0"

CheckState = Literal["ok", "error"]


class ErrorDetail(BaseModel):
    """One problem with a request: the field (a dotted path, or `body`) and what is wrong."""

    field: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer: a machine-readable code and the problems it found."""

    error: str = Field(
        description="invalid_json, validation_error, payload_too_large, not_found, conflict, "
        "durable_unavailable or internal_error."
    )
    detail: list[ErrorDetail]


class StatusLinks(BaseModel):
    """The check-status payload of one instance, in the Durable Functions shape, with links
    to the app's own role-checked `instances/{id}` routes (never to the extension's webhooks,
    whose system key the app does not hand out)."""

    id: str
    statusQueryGetUri: str = Field(description="`GET`: the instance's status (202 while active).")
    sendEventPostUri: str = Field(description="`POST` with `{eventName}` filled in (Admin).")
    terminatePostUri: str = Field(description="`POST` with `{text}` filled in: terminate it.")
    purgeHistoryDeleteUri: str = Field(description="`DELETE`: purge its history (Admin).")


class InstanceStatus(BaseModel):
    """Answer of `GET /instances/{id}`: the instance in the Durable status shape."""

    name: str | None
    instanceId: str
    runtimeStatus: str
    customStatus: Any = None
    output: Any = None
    createdTime: str | None = None
    lastUpdatedTime: str | None = None


class TerminationReport(BaseModel):
    """Answer of `POST /instances/{id}/terminate`: what was terminated, the run first."""

    instanceId: str
    terminated: list[str]


class PurgeReport(BaseModel):
    """Answer of `DELETE /instances/{id}`: instances whose history was deleted."""

    instanceId: str
    instancesDeleted: int


class OrchestrateResponse(BaseModel):
    """Answer of `POST /coordinator/orchestrate`: the result when the workflow finished in
    time (200), else where to follow it (202, no `result`)."""

    workflow_id: str
    status: str = Field(description="Durable runtime status: Pending, Running, Completed, ...")
    result: CoordinatorResult | None = None
    error: str | None = Field(None, description="Why the workflow failed, when it did.")
    workflow_url: str = Field(description="`GET` it for progress and the result.")
    status_urls: StatusLinks


class WorkflowProgress(BaseModel):
    """The coordinator's custom status: its phase, agents done, tokens, and while awaiting
    approval the plan and its digest."""

    model_config = ConfigDict(extra="allow")

    phase: str | None = None
    agents_done: int | None = None
    agents_total: int | None = None
    tokens_used: int | None = None
    budget_tokens: int | None = None
    outcome: str | None = None
    plan: Plan | None = None
    plan_digest: str | None = None
    pending_approvals: list[PendingApproval] = Field(default_factory=list)


class WorkflowStatus(BaseModel):
    """Answer of `GET /coordinator/workflows/{id}`."""

    workflow_id: str
    runtime_status: str
    created_time: str | None = None
    last_updated_time: str | None = None
    progress: WorkflowProgress | None = None
    result: CoordinatorResult | None = None
    error: str | None = None


class ThreadView(BaseModel):
    """A conversation thread: who started it and each turn, oldest first, with its
    workflow id, question, answer, the agents and tools used and when it ran."""

    thread_id: str
    owner: str = Field(description="Object id of the caller who started the thread.")
    owner_name: str | None = None
    turns: list[ThreadTurn]


class ThreadDeleted(BaseModel):
    """What `DELETE coordinator/threads/{id}` removed."""

    thread_id: str
    deleted_turns: int


class ApprovalRequest(BaseModel):
    """Body of `POST /coordinator/workflows/{id}/approval`: the decision on the approval
    `approval_id` names, else on the oldest one waiting. With `digest`, the decision counts
    only if it is the digest of what waits."""

    model_config = ConfigDict(extra="forbid")

    approved: bool
    approver: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Who decides; required unless the platform authenticates the caller.",
    )
    comment: str = Field("", max_length=1000)
    digest: str | None = Field(
        None,
        min_length=64,
        max_length=64,
        description="SHA-256 of the plan or tool call being decided.",
    )
    approval_id: str | None = Field(
        None,
        min_length=1,
        max_length=256,
        description="The approval to decide (`pending_approvals[].approval_id`); default the "
        "oldest waiting.",
    )


class ApprovalAccepted(BaseModel):
    """Answer of a decision the workflow was sent (202): it applies it asynchronously."""

    workflow_id: str
    approval_instance_id: str
    approved: bool
    approver: str
    digest: str
    workflow_url: str
    kind: str = "plan"
    subject: str = ""


class CheckResult(BaseModel):
    """One dependency check of the health endpoint."""

    status: CheckState
    latency_ms: float
    detail: str = ""


class HealthReport(BaseModel):
    """Answer of `GET /health`: 200 when every check passed, 503 otherwise."""

    status: Literal["healthy", "degraded"]
    checks: dict[str, CheckResult]
    version: str
    offline_model: bool


class Liveness(BaseModel):
    """Answer of `GET /health/live`: the app runs (dependencies are not checked)."""

    status: Literal["alive"]
    version: str


class RecentActivity(BaseModel):
    """An agent's logged steps over the last hour."""

    window_seconds: int
    requests: int
    errors: int
    avg_latency_ms: float | None
    p95_latency_ms: float | None
    tokens: int


class AgentStatusReport(BaseModel):
    """Answer of `GET /agents/{agent}/status`."""

    agent: str
    status: Literal["ready", "degraded"]
    tools: list[str] | None = Field(
        None, description="The agent's tool names (not for coordinator)."
    )
    tools_reachable: bool = Field(
        description="The agent's tool server answered (for coordinator: every agent's did)."
    )
    recent: RecentActivity | None = None
    problems: list[str] = Field(default_factory=list)


class ToolListing(BaseModel):
    """One tool of a catalogue agent, with its risk."""

    name: str
    description: str
    read_only: bool = Field(description="The server marks it read-only (MCP readOnlyHint).")
    needs_approval: bool = Field(
        description="A call waits for a human approval (the catalogue's approval overrides "
        "decide first, then read_only)."
    )


class AgentSource(BaseModel):
    """Where a catalogue agent's tools come from (no header or environment values)."""

    kind: Literal["mcp"] = "mcp"
    transport: str
    target: str


class AgentListing(BaseModel):
    """One catalogue agent in `GET /agents`."""

    id: str
    name: str
    description: str
    model: str | None = Field(None, description="The agent's own model, if it names one.")
    source: AgentSource
    status: Literal["ready", "degraded"]
    tools: list[ToolListing] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class AgentsListing(BaseModel):
    """Answer of `GET /agents`: the catalogue, in its order."""

    agents: list[AgentListing]


class ResetRequest(BaseModel):
    """Optional body of `POST /manage/reset-system`."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=1000)
    requested_by: str | None = Field(None, min_length=1, max_length=200)


class ResetReport(BaseModel):
    """Answer of a completed system reset."""

    status: Literal["reset"]
    purged_instances: int
    tool_servers_reset: list[str] = Field(
        description="Agents whose in-process tool servers went back to their shipped data "
        "(a server at a URL setting is not touched)."
    )
    audit_id: str
    reset_by: str


class AuditLog(BaseModel):
    """Answer of `GET manage/audit`: audit records, oldest first."""

    since: datetime
    records: list[AuditRecord]
