"""The coordinator as MCP tools, declared for the Azure Functions MCP extension (served at
`/runtime/webhooks/mcp` by the real host and by devhost alike): `ask_agents`, `get_workflow`,
`approve_workflow`, `deny_workflow` and `list_agents`.

Each tool is an `mcp_tool_trigger` with `toolProperties` built from its argument model and
`useResultSchema`, so results carry JSON text and structured content. Callers are checked by
`core.auth` from the headers the extension forwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from pydantic import BaseModel

from core.auth import Principal
from core.catalogue import get_catalogue
from core.mcp_client import list_tools
from core.settings import get_settings
from triggers.mcp.calls import McpInvocation, arguments, run_tool
from triggers.mcp.models import (
    AgentsView,
    AgentView,
    AskAgentsArguments,
    DecisionArguments,
    NoArguments,
    RunView,
    ToolView,
    WorkflowArguments,
)
from triggers.mcp.schema import tool_properties
from triggers.shared import routes
from triggers.shared.api_models import ApprovalAccepted
from triggers.shared.callers import DECIDE_ROLES, READ_ROLES, START_ROLES, approver_name
from triggers.shared.errors import RequestValidationError
from triggers.shared.instance_ids import url_segment
from triggers.shared.instances import Status, is_finished
from triggers.shared.runs import (
    awaiting_approval,
    send_decision,
    start_run,
    wait_until_settled,
)
from triggers.shared.workflows import coordinator_workflow, workflow_status

bp = df.Blueprint()

ToolFunction = TypeVar("ToolFunction", bound=Callable[..., Awaitable[str]])


def mcp_tool(
    name: str, arguments_model: type[BaseModel], description: str, *, durable_client: bool = True
) -> Callable[[ToolFunction], ToolFunction]:
    """Declare the decorated function as the MCP tool `name`: its trigger value in `context`,
    `toolProperties` from `arguments_model`, results with a schema and, when `durable_client`,
    the Durable client in `client`."""

    def register(function: ToolFunction) -> ToolFunction:
        if durable_client:
            function = bp.durable_client_input(client_name="client")(function)
        return cast(
            ToolFunction,
            bp.mcp_tool_trigger(
                arg_name="context",
                tool_name=name,
                description=description,
                tool_properties=tool_properties(arguments_model),
                use_result_schema=True,
            )(function),
        )

    return register


def _workflow_url(call: McpInvocation, workflow_id: str) -> str:
    return call.api_url(routes.WORKFLOW.format(id=url_segment(workflow_id)))


def _next_step(status: DurableOrchestrationStatus, workflow_id: str) -> str:
    if awaiting_approval(status):
        return (
            "The plan in progress.plan awaits a human decision: call approve_workflow or "
            f"deny_workflow with workflow_id '{workflow_id}'."
        )
    if status.runtime_status == Status.Completed:
        return "Finished: the answer is in `answer`; `result` has each agent's part."
    if is_finished(status):
        return "The workflow ended without an answer; `error` says why."
    return f"Still running: call get_workflow with workflow_id '{workflow_id}' to follow it."


def run_view(call: McpInvocation, status: DurableOrchestrationStatus) -> RunView:
    """The tools' view of a coordinator workflow."""
    view = workflow_status(status)
    return RunView(
        workflow_id=view.workflow_id,
        runtime_status=view.runtime_status,
        phase=view.progress.phase if view.progress else None,
        answer=view.result.answer if view.result else None,
        progress=view.progress,
        result=view.result,
        error=view.error,
        workflow_url=_workflow_url(call, view.workflow_id),
        next_step=_next_step(status, view.workflow_id),
    )


@mcp_tool(
    "ask_agents",
    AskAgentsArguments,
    "Ask the coordinator's specialist agents (see list_agents): it plans which to ask, lets "
    "them use their tools and synthesises one answer. Waits up to wait_seconds; a longer "
    "workflow is returned with its id to follow with get_workflow, and a plan that changes "
    "data waits for approve_workflow.",
)
async def mcp_ask_agents(context: str, client: df.DurableOrchestrationClient) -> str:
    """Start a coordinator run and wait a bounded time for its answer."""

    async def ask(call: McpInvocation, principal: Principal) -> RunView:
        args = arguments(call, AskAgentsArguments)
        workflow_id = await start_run(client, args.request(), owner=principal)
        wait = (
            get_settings().ORCHESTRATE_WAIT_SECONDS
            if args.wait_seconds is None
            else args.wait_seconds
        )
        return run_view(call, await wait_until_settled(client, workflow_id, wait))

    return await run_tool(context, START_ROLES, ask)


@mcp_tool(
    "get_workflow",
    WorkflowArguments,
    "The status of a coordinator workflow: runtime status, progress (phase, agents "
    "done, tokens used, the plan awaiting approval and its digest) and, once done, the answer.",
)
async def mcp_get_workflow(context: str, client: df.DurableOrchestrationClient) -> str:
    """Read one coordinator workflow."""

    async def get(call: McpInvocation, principal: Principal) -> RunView:
        args = arguments(call, WorkflowArguments)
        return run_view(call, await coordinator_workflow(client, args.workflow_id, principal))

    return await run_tool(context, READ_ROLES, get)


async def _decide(context: str, client: df.DurableOrchestrationClient, approved: bool) -> str:
    """Send the decision `approved` on the plan the call's workflow shows."""

    async def decide(call: McpInvocation, principal: Principal) -> ApprovalAccepted:
        args = arguments(call, DecisionArguments)
        approver = approver_name(principal, args.approver)
        if not approver:
            raise RequestValidationError.about("approver", "name the approver")
        sent = await send_decision(
            client,
            args.workflow_id,
            principal=principal,
            approved=approved,
            approver=approver,
            comment=args.comment,
            digest=args.digest,
            approval_id=args.approval_id,
        )
        return ApprovalAccepted(
            workflow_id=args.workflow_id,
            approval_instance_id=sent.approval_id,
            approved=sent.approved,
            approver=sent.approver,
            digest=sent.digest,
            workflow_url=_workflow_url(call, args.workflow_id),
            kind=sent.kind,
            subject=sent.subject,
        )

    return await run_tool(context, DECIDE_ROLES, decide)


@mcp_tool(
    "approve_workflow",
    DecisionArguments,
    "Approve what a coordinator workflow awaits approval for (its plan, or a tool "
    "call that changes data; the oldest waiting unless approval_id names one); the workflow "
    "then carries it out. The decision records the caller's identity and the digest.",
)
async def mcp_approve_workflow(context: str, client: df.DurableOrchestrationClient) -> str:
    """Send an approval of the plan on show."""
    return await _decide(context, client, True)


@mcp_tool(
    "deny_workflow",
    DecisionArguments,
    "Deny what a coordinator workflow awaits approval for (its plan, or a tool "
    "call that changes data; the oldest waiting unless approval_id names one); the change is "
    "not made. The decision records the caller's identity and the digest.",
)
async def mcp_deny_workflow(context: str, client: df.DurableOrchestrationClient) -> str:
    """Send a denial of the plan on show."""
    return await _decide(context, client, False)


async def _agent_view(agent_id: str) -> AgentView:
    definition = get_catalogue().get(agent_id)
    view = AgentView(id=agent_id, name=definition.display_name, description=definition.description)
    try:
        specs = await list_tools(agent_id)
    # However the tool server fails, the other agents are still listed and this one says why.
    except Exception as exc:
        view.tools_error = f"{type(exc).__name__}: {exc}"
        return view
    view.tools = [
        ToolView(
            name=s.name,
            description=s.description,
            read_only=s.read_only,
            input_schema=s.input_schema,
        )
        for s in specs
    ]
    return view


@mcp_tool(
    "list_agents",
    NoArguments,
    "The coordinator's specialist agents and the tools each can use, with their "
    "input schemas and whether they only read data.",
    durable_client=False,
)
async def mcp_list_agents(context: str) -> str:
    """List the agents and their tools."""

    async def agents(call: McpInvocation, principal: Principal) -> AgentsView:
        arguments(call, NoArguments)
        return AgentsView(
            agents=list(await asyncio.gather(*(_agent_view(a) for a in get_catalogue().ids)))
        )

    return await run_tool(context, READ_ROLES, agents)
