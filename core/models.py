"""The coordinator's data: requests, plans, agent tasks and answers, results and approvals.

Every orchestration and activity input and output is one of these models, passed through
Durable Functions as `model_dump(mode="json")` and read back with `model_validate`, so fields
can be added in a backwards-compatible way.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.auth.signing import digest as fields_digest
from core.llm.types import ChatMessage, TokenUsage, ToolCall
from core.thread_ids import ThreadId

NOT_CARRIED_OUT = "Not carried out"
"""How the error of a tool call that did not run for want of an approval begins."""
MAX_CONTEXT_KEYS = 50
MAX_PLANNED_TASKS = 10


class QueryType(StrEnum):
    """The query types every app has; any other query type names a catalogue agent (its id,
    or the id with `_` for `-`) the request is for."""

    GENERAL = "general"
    HEALTH = "health"
    SYSTEM_TEST = "system_test"


QueryTypeName = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_-]{0,40}$",
        description="general, health, system_test (a self-test of every agent's tools), or "
        "the id of the catalogue agent the request is for.",
    ),
]


def is_self_test(query_type: str) -> bool:
    """True for the query types that exercise the tools without the model."""
    return query_type in (QueryType.HEALTH, QueryType.SYSTEM_TEST)


class CoordinatorRequest(BaseModel):
    """A request to the coordinator, as `POST /api/coordinator/orchestrate` accepts it."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        min_length=1, max_length=4000, description="The question or task, in English or Japanese."
    )
    query_type: QueryTypeName = QueryType.GENERAL.value
    context: dict[str, Any] | None = Field(
        None, description="Extra facts for the agents (at most 50 keys)."
    )
    budget_tokens: int | None = Field(
        None, ge=100, le=200_000, description="Token budget across the whole workflow."
    )
    require_approval: bool = Field(
        False, description="Wait for a human approval of the plan before acting."
    )
    thread_id: ThreadId | None = Field(
        None,
        description="The conversation this request continues (or starts): it sees a summary "
        "of the thread's earlier turns.",
    )

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("query must not be blank")
        return value

    @field_validator("context")
    @classmethod
    def _context_small(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and len(value) > MAX_CONTEXT_KEYS:
            raise ValueError(f"context must have at most {MAX_CONTEXT_KEYS} keys")
        return value


class WorkflowLimits(BaseModel):
    """Operator limits the trigger passes in from the settings; the coordinator's `plan` step
    caps them by the settings again, so an input can lower them but never raise them."""

    default_budget_tokens: int = Field(50_000, ge=100)
    max_steps: int = Field(6, ge=1, le=50)
    approval_timeout_seconds: int = Field(3600, ge=1)


class SealedStart(BaseModel):
    """One sub-orchestration the app is about to start: which, as what instance, on what."""

    orchestration: str
    instance_id: str
    input: dict[str, Any]


class SealInput(BaseModel):
    """Input of the `seal_inputs` activity: the starts to seal, for the workflow `workflow_id`."""

    workflow_id: str
    starts: list[SealedStart]


class AdmissionInput(BaseModel):
    """Input of the `admit_input` activity: an internal orchestrator's own name, instance id
    and input, to verify."""

    orchestration: str
    instance_id: str
    input: Any = None


class RunOwner(BaseModel):
    """Who started a run: the verified principal's object id and name, written by the app
    (never taken from a request body)."""

    oid: str = Field(min_length=1, max_length=200)
    name: str | None = Field(None, max_length=400)


class EarlierTurn(BaseModel):
    """One earlier turn of a thread as a later request sees it: the question, the answer
    (clipped), the agents and tools used and the items the results listed, in order."""

    workflow_id: str
    query: str
    answer: str = ""
    agents: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)


class ThreadContext(BaseModel):
    """The thread a request belongs to and a token-bounded summary of its earlier turns,
    oldest first; `omitted` counts the older turns left out to stay within the bound."""

    thread_id: ThreadId
    turns: list[EarlierTurn] = Field(default_factory=list)
    omitted: int = Field(0, ge=0)


class CoordinatorInput(BaseModel):
    """The input of the `coordinator` orchestration: the request, the limits in force and
    who started it."""

    request: CoordinatorRequest
    limits: WorkflowLimits = Field(default_factory=WorkflowLimits)
    owner: RunOwner | None = Field(None, description="The starter; None for scheduled runs.")
    a2a: dict[str, Any] | None = Field(
        None, description="What an A2A caller keeps with the run (its context id, first message)."
    )
    thread: ThreadContext | None = Field(
        None, description="The request's thread and its earlier turns, read when it started."
    )

    @classmethod
    def from_payload(cls, payload: Any) -> CoordinatorInput:
        """Accept either a full input or a bare request (as `POST /api/orchestrators/...` sends)."""
        if isinstance(payload, dict) and "request" in payload:
            return cls.model_validate(payload)
        return cls(request=CoordinatorRequest.model_validate(payload))


class PlannedTask(BaseModel):
    """One agent's part of a plan."""

    agent: str = Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")
    task: str = Field(min_length=1, max_length=2000)


class ProposedCall(BaseModel):
    """A call of a tool that changes data, as an approval names it: agent, tool, arguments."""

    agent: str = Field(min_length=1)
    tool: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)

    def digest(self) -> str:
        """SHA-256 of the call's canonical JSON: what an approval of this call binds to."""
        return fields_digest(self.model_dump(mode="json"))

    def describe(self) -> str:
        """The call as one line: `tool(name=value, ...)` of the agent."""
        shown = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"{self.agent}: {self.tool}({shown})"


def change_not_made(
    agent: str, tool: str, arguments: dict[str, Any], error: str | None
) -> str | None:
    """The line an answer lists for a call of `tool` that ended in `error`, when the error says
    the change was not carried out; None for any other outcome."""
    if not (error and error.startswith(NOT_CARRIED_OUT)):
        return None
    return f"{ProposedCall(agent=agent, tool=tool, arguments=arguments).describe()}: {error}"


def with_changes_not_made(answer: str, not_done: list[str]) -> str:
    """`answer` followed by the changes not made, one per line; `answer` itself when none."""
    if not not_done:
        return answer
    return answer + "\n\nChanges not made:\n" + "\n".join(f"- {n}" for n in not_done)


class Plan(BaseModel):
    """The coordinator's plan: which agents to ask, what to ask each, and whether a human
    must approve first. `writes` lists data-changing calls the plan intends; approving the
    plan pre-approves exactly those calls."""

    tasks: list[PlannedTask] = Field(min_length=1, max_length=MAX_PLANNED_TASKS)
    needs_approval: bool = False
    rationale: str = ""
    writes: list[ProposedCall] = Field(default_factory=list, max_length=20)

    def digest(self) -> str:
        """SHA-256 of the plan's canonical JSON: what an approval binds to."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class PlanInput(BaseModel):
    """Input of the `plan` activity: the request, its thread and the limits the run's input
    names (which the activity caps by the settings)."""

    workflow_id: str
    request: CoordinatorRequest
    thread: ThreadContext | None = None
    limits: WorkflowLimits = Field(default_factory=WorkflowLimits)


class RemoteAgentCall(BaseModel):
    """How `agent_run` asks a remote A2A agent: one message, approved first if it must be."""

    needs_approval: bool = Field(
        description="Whether sending the message waits for an approval (agents.yaml `approval`)."
    )


class PlanOutput(BaseModel):
    """Output of the `plan` activity: the plan, what the model call cost and the limits the
    run works under."""

    plan: Plan
    usage: TokenUsage
    model: str
    offline: bool
    limits: WorkflowLimits = Field(
        description="The input's limits capped by the settings: lowered, never raised."
    )
    max_steps: dict[str, int] = Field(
        default_factory=dict, description="Agents' own step limits, from the catalogue."
    )
    remote: dict[str, RemoteAgentCall] = Field(
        default_factory=dict, description="The plan's remote A2A agents, from the catalogue."
    )


class AgentTask(BaseModel):
    """Input of the `agent_run` orchestration: one agent's sub-task with its token budget."""

    workflow_id: str
    agent: str
    task: str
    query: str
    query_type: QueryTypeName
    context: dict[str, Any] | None = None
    budget_tokens: int
    max_steps: int
    approval_timeout_seconds: int = Field(3600, ge=1)
    plan_approval: ApprovalOutcome | None = Field(
        None, description="The approved plan, whose listed writes need no approval of their own."
    )
    thread: ThreadContext | None = Field(
        None, description="The earlier turns of the request's thread."
    )
    remote: RemoteAgentCall | None = Field(
        None, description="Set when the agent is a remote A2A agent rather than a tool loop."
    )


class LlmStepInput(BaseModel):
    """Input of the `llm_step` activity: the conversation so far (the activity offers the
    agent's tools itself)."""

    workflow_id: str
    agent: str
    query_type: QueryTypeName
    step: int
    messages: list[ChatMessage]
    max_tokens: int | None = None


class LlmStepOutput(BaseModel):
    """Output of the `llm_step` activity: the model's reply."""

    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""
    offline: bool = False
    needs_approval: list[bool] = Field(
        default_factory=list, description="Per tool call: whether it changes data."
    )


class ToolCallInput(BaseModel):
    """Input of the `mcp_tool` activity: one tool call with its idempotency key and, for a
    tool that changes data, the approval it runs under."""

    workflow_id: str
    agent: str
    query_type: QueryTypeName
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str
    approval: ApprovalOutcome | None = None

    def proposed(self) -> ProposedCall:
        """The call as an approval names it."""
        return ProposedCall(agent=self.agent, tool=self.tool, arguments=self.arguments)


class ToolResultSummary(BaseModel):
    """What a tool call's result held, in brief: an agent's answer carries this in place of
    the result, which stays in the agent's own history (its `mcp_tool` step)."""

    chars: int = Field(ge=0, description="Length of the result as JSON text.")
    items: int = Field(
        0, ge=0, description="How many records (tickets, orders, readings...) it listed."
    )


class ToolCallRecord(BaseModel):
    """A tool call an agent made and what came back, cited in the answer."""

    tool: str
    arguments: dict[str, Any]
    result: dict[str, Any] | None = Field(
        None,
        description="What the call returned, for a remote A2A agent's task (its id, state "
        "and text) and a self-test's call. An agent's tool call has a `summary` instead; its "
        "full result is in the agent's history (instance `{workflow id}:{agent}`).",
    )
    error: str | None = None
    summary: ToolResultSummary | None = Field(
        None, description="The size of the result and the records it listed."
    )


class AgentStatus(StrEnum):
    """How an agent's part ended."""

    OK = "ok"
    FAILED = "failed"
    BUDGET_EXHAUSTED = "budget_exhausted"
    MAX_STEPS = "max_steps"
    INPUT_REQUIRED = "input_required"
    """A remote A2A agent asked for more input; the answer says what it asked."""


class AgentAnswer(BaseModel):
    """Output of `agent_run`: the agent's answer, the tools it used and what it cost."""

    agent: str
    status: AgentStatus
    answer: str = ""
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    tokens: int = 0
    steps: int = 0
    error: str | None = None
    not_done: list[str] = Field(
        default_factory=list, description="Changes the agent asked for that were not made, and why."
    )
    items: list[str] = Field(
        default_factory=list,
        description="The records its tool results listed, in order (id and label, at most 20), "
        "so that a follow-up in the thread can name one by position.",
    )


class SynthesisInput(BaseModel):
    """Input of the `synthesize` activity."""

    workflow_id: str
    request: CoordinatorRequest
    answers: list[AgentAnswer]
    max_tokens: int | None = None
    thread: ThreadContext | None = None


class Synthesis(BaseModel):
    """The model's structured synthesis of the agents' answers."""

    answer: str
    cited_agents: list[str] = Field(default_factory=list)


class SynthesisOutput(BaseModel):
    """Output of the `synthesize` activity."""

    synthesis: Synthesis
    usage: TokenUsage
    model: str
    offline: bool


class CoveredCall(BaseModel):
    """A call an approval covers: the call's digest and the idempotency key it runs under."""

    digest: str = Field(min_length=64, max_length=64)
    key: str = Field(min_length=1)


class ApprovalGrant(BaseModel):
    """What an approval proof signs: who decided what on which approval of which workflow,
    the calls it covers, and until when the decision could be made."""

    workflow_id: str
    approval_id: str
    digest: str
    covers: list[CoveredCall] = Field(default_factory=list)
    approver: str
    approved: bool
    expires_at: str


class ApprovalDecision(BaseModel):
    """An approver's decision, the payload of the `approval` external event. Only a decision
    with the app's `proof` counts; the approval endpoints make it."""

    approved: bool
    approver: str = Field(min_length=1, max_length=200)
    digest: str = Field(
        min_length=64, max_length=64, description="SHA-256 of the plan or call being decided."
    )
    comment: str = Field("", max_length=1000)
    proof: str = Field("", max_length=128)


class ApprovalInput(BaseModel):
    """Input of the `approval` orchestration: a plan or one data-changing call to decide,
    the calls an approval covers, and the deadline (set by the caller, deterministically)."""

    workflow_id: str
    plan: Plan | None = None
    call: ProposedCall | None = None
    reason: str = ""
    covers: list[CoveredCall] = Field(default_factory=list)
    timeout_seconds: int
    expires_at: str | None = None
    decisions_seen: int = Field(
        0, ge=0, description="Decisions that did not count, in earlier generations of the wait."
    )

    def digest(self) -> str:
        """What the decision binds to: the plan's digest, else the call's."""
        if self.plan is not None:
            return self.plan.digest()
        if self.call is not None:
            return self.call.digest()
        raise ValueError("an approval needs a plan or a call")


class PendingApproval(BaseModel):
    """An approval that waits for a decision (the `approval` orchestration's custom status):
    what to decide, why, the digest a decision binds to and its deadline."""

    approval_id: str
    workflow_id: str
    kind: Literal["plan", "tool_call"]
    digest: str
    expires_at: str
    reason: str = ""
    agent: str | None = None
    tool: str | None = None
    arguments: dict[str, Any] | None = None
    plan: Plan | None = None
    covers: list[CoveredCall] = Field(default_factory=list)
    created_time: str | None = None


class ApprovalOutcome(BaseModel):
    """Output of the `approval` orchestration: the decision that counted (with its grant and
    proof when a person decided), or the auto-deny."""

    approved: bool
    approver: str | None = None
    digest: str
    reason: str
    decided_at: str
    expires_at: str
    approval_id: str = ""
    grant: ApprovalGrant | None = None
    proof: str = ""


class CheckApprovalInput(BaseModel):
    """Input of the `check_approval` activity: a grant and the proof that came with it."""

    grant: ApprovalGrant
    proof: str


class CoordinatorResult(BaseModel):
    """The coordinator's answer: the synthesis, each agent's part, and what it cost."""

    workflow_id: str
    query: str
    query_type: QueryTypeName
    status: Literal["completed", "partial", "denied", "self_test"]
    answer: str
    agents: list[AgentAnswer] = Field(default_factory=list)
    failed_agents: list[str] = Field(default_factory=list)
    plan: Plan | None = None
    approval: ApprovalOutcome | None = None
    tokens_used: int = 0
    budget_tokens: int = 0
    budget_exhausted: bool = False
    offline: bool = True


class TurnRecord(BaseModel):
    """What a finished run of a thread adds to its result for the thread's turn: the thread,
    who asked and when the run ended (the orchestration's clock)."""

    thread_id: ThreadId
    owner: RunOwner
    finished_at: datetime


class WorkflowRecord(BaseModel):
    """Input of the `record_workflow` activity: the finished workflow, for the agent log, and
    for a run of a thread that a known caller started, its turn of the thread."""

    workflow_id: str
    result: CoordinatorResult
    duration_ms: float
    turn: TurnRecord | None = None


class AuditInput(BaseModel):
    """Input of the `record_audit` activity: one append-only audit entry."""

    entry_id: str
    kind: Literal["approval", "admin_action", "tool_write"]
    actor: str
    action: str
    target: str
    digest: str | None = None
    detail: str = ""


class SelfTestInput(BaseModel):
    """Input of the `self_test` activity: the agent whose tools to exercise."""

    workflow_id: str
    agent: str


class SelfTestAgents(BaseModel):
    """Output of the `self_test_agents` activity: the agents the self-test exercises."""

    agents: list[str]


class SweepTarget(BaseModel):
    """One item the batch sweep found, and the query it runs for it."""

    key: str
    query: str
    query_type: QueryTypeName


class SweepInput(BaseModel):
    """Input of the `batch_sweep` orchestration and of `find_sweep_targets`."""

    slot: str
    max_parallel: int = Field(3, ge=1, le=20)
    limit: int = Field(10, ge=1, le=100)
    limits: WorkflowLimits = Field(
        default_factory=WorkflowLimits, description="Limits of each coordinator run."
    )
    owner: RunOwner | None = Field(None, description="The starter; None for the timer's runs.")


class SweepRequest(BaseModel):
    """What a caller may ask of a batch sweep through `POST /api/orchestrators/batch_sweep`;
    its parallelism and the limits of its runs come from the settings."""

    model_config = ConfigDict(extra="forbid")

    slot: str = Field(min_length=1, max_length=100, description="Names this sweep.")
    limit: int = Field(10, ge=1, le=100, description="At most this many targets.")


class SweepTargets(BaseModel):
    """Output of `find_sweep_targets`."""

    targets: list[SweepTarget]


class SweepResult(BaseModel):
    """Output of `batch_sweep`: each target's workflow and how it ended."""

    slot: str
    workflows: dict[str, str]
