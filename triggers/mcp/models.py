"""Arguments and results of the coordinator's MCP tools. The argument models are the tools'
input schemas (see `mcp_schema.tool_properties`); the results are their structured content."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.models import CoordinatorResult, QueryType, QueryTypeName
from triggers.shared.api_models import WorkflowProgress

MAX_WAIT_SECONDS = 120.0
"""The longest an `ask_agents` call waits for its answer (the Functions front end ends an
HTTP request after 230 seconds)."""


class AskAgentsArguments(BaseModel):
    """Arguments of `ask_agents`."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(description="The question or task, in English or Japanese.")
    query_type: QueryTypeName = Field(
        QueryType.GENERAL.value,
        description="Routing hint: an agent id from list_agents; health and system_test "
        "exercise every agent's tools instead of asking the model.",
    )
    context: dict[str, Any] | None = Field(
        None, description="Extra facts for the agents, as an object of at most 50 keys."
    )
    budget_tokens: int | None = Field(
        None, description="Token budget across the whole workflow, 100 to 200000."
    )
    require_approval: bool = Field(
        False,
        description="Wait for a human to approve the plan before acting "
        "(decide with approve_workflow or deny_workflow).",
    )
    thread_id: str | None = Field(
        None,
        description="A conversation id (letters, digits, '.', '_', '-'): ask in the same "
        "thread again and the agents see the earlier questions and answers, so a follow-up "
        "like 'and the second one?' resolves.",
    )
    wait_seconds: float | None = Field(
        None,
        ge=0,
        le=MAX_WAIT_SECONDS,
        description=f"How long to wait for the answer, 0 to {MAX_WAIT_SECONDS:g} seconds; "
        "by default the host's ORCHESTRATE_WAIT_SECONDS. A workflow still running then is "
        "returned with its id; follow it with get_workflow.",
    )

    def request(self) -> dict[str, Any]:
        """The CoordinatorRequest body these arguments describe."""
        return self.model_dump(mode="json", exclude={"wait_seconds"}, exclude_none=True)


class WorkflowArguments(BaseModel):
    """Arguments of `get_workflow`."""

    model_config = ConfigDict(extra="forbid")

    workflow_id: str = Field(min_length=1, description="The workflow id ask_agents returned.")


class DecisionArguments(BaseModel):
    """Arguments of `approve_workflow` and `deny_workflow`."""

    model_config = ConfigDict(extra="forbid")

    workflow_id: str = Field(
        min_length=1, description="The workflow whose plan or tool call awaits approval."
    )
    approval_id: str | None = Field(
        None,
        min_length=1,
        description="The approval to decide, as get_workflow shows it "
        "(progress.pending_approvals[].approval_id); by default the oldest waiting.",
    )
    comment: str = Field("", max_length=1000, description="Why; recorded with the decision.")
    digest: str | None = Field(
        None,
        description="SHA-256 of what is being decided, as get_workflow shows it "
        "(progress.pending_approvals[].digest); the decision counts only if it matches.",
    )
    approver: str | None = Field(
        None,
        description="Who decides. Ignored when the caller is authenticated (its identity is "
        "recorded); required otherwise.",
    )


class NoArguments(BaseModel):
    """Arguments of a tool that takes none."""

    model_config = ConfigDict(extra="forbid")


class RunView(BaseModel):
    """A coordinator workflow as the tools return it."""

    workflow_id: str
    runtime_status: str = Field(description="Pending, Running, Completed, Failed, Terminated...")
    phase: str | None = None
    answer: str | None = None
    progress: WorkflowProgress | None = None
    result: CoordinatorResult | None = None
    error: str | None = None
    workflow_url: str = Field(description="`GET` it (with a function key) for the same view.")
    next_step: str


class ToolView(BaseModel):
    """One tool of a specialist agent."""

    name: str
    description: str
    read_only: bool
    input_schema: dict[str, Any]


class AgentView(BaseModel):
    """A specialist agent and its tools (or why they could not be listed)."""

    id: str
    name: str
    description: str
    tools: list[ToolView] | None = None
    tools_error: str | None = None


class AgentsView(BaseModel):
    """Result of `list_agents`."""

    agents: list[AgentView]
