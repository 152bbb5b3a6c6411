"""Coordinator runs on behalf of another agent (the A2A agent and the MCP tools share these):
start one with the settings' limits, read it, wait until it settles, send a decision.

A run *settles* when it finishes or stops to wait for a human approval of its plan: either
way nothing more happens until someone acts.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import Principal
from orchestrations import names
from triggers.shared.conversations import ANNOTATIONS_KEY, start_coordinator
from triggers.shared.decisions import SentDecision, decide_approval
from triggers.shared.errors import ConflictError, NotFoundError
from triggers.shared.instances import Status, find_instance, is_finished
from triggers.shared.pending import AWAITING_APPROVAL, with_pending_approvals
from triggers.shared.workflow_input import coordinator_input
from triggers.shared.workflows import progress_of

FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 0.5
DECISION_RETRY_SECONDS = 3.0
"""How long a decision waits for the approval step to start (it starts right after the
coordinator shows its plan)."""


def awaiting_approval(status: DurableOrchestrationStatus) -> bool:
    """True while the run waits for a decision on its plan or on a tool call."""
    progress = progress_of(status)
    return (
        status.runtime_status == Status.Running
        and progress.phase == AWAITING_APPROVAL
        and bool(progress.plan_digest or progress.pending_approvals)
    )


def settled(status: DurableOrchestrationStatus) -> bool:
    """True once the run finished or waits for an approval."""
    return is_finished(status) or awaiting_approval(status)


def run_input(status: DurableOrchestrationStatus) -> Any:
    """The run's input (read with `show_input`). The SDK's client sends the input as a JSON
    string holding the serialised value, and the status shows that string, so it is decoded."""
    data = status.input_
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def annotations_of(status: DurableOrchestrationStatus) -> dict[str, Any]:
    """The annotations a caller stored with the run (read with `show_input`)."""
    data = run_input(status)
    found = data.get(ANNOTATIONS_KEY) if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def shown(workflow_id: str) -> str:
    """`workflow_id` as an error message may quote it: at most 80 characters, escaped."""
    cut = workflow_id if len(workflow_id) <= 80 else workflow_id[:80] + "..."
    return cut.encode("ascii", "backslashreplace").decode()


async def read_run(
    client: df.DurableOrchestrationClient, workflow_id: str, *, show_input: bool = False
) -> DurableOrchestrationStatus:
    """The coordinator instance `workflow_id` with the approvals waiting in it; NotFoundError
    for an unknown id, an id no run can have (outside the instance-id pattern), or any other
    orchestration."""
    status = await find_instance(client, workflow_id, show_input=show_input)
    if status is None or status.name != names.COORDINATOR:
        raise NotFoundError.about("id", f"no coordinator workflow '{shown(workflow_id)}'")
    return await with_pending_approvals(client, status)


async def wait_until_settled(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    timeout: float,
    *,
    show_input: bool = False,
) -> DurableOrchestrationStatus:
    """The run's status once it settled, or the last one seen after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = FIRST_POLL_SECONDS
    while True:
        status = await read_run(client, workflow_id, show_input=show_input)
        remaining = deadline - loop.time()
        if settled(status) or remaining <= 0:
            return status
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_POLL_SECONDS)


async def start_run(
    client: df.DurableOrchestrationClient,
    request: Any,
    *,
    owner: Principal,
    instance_id: str | None = None,
    annotations: dict[str, Any] | None = None,
) -> str:
    """Start the coordinator on `request` (a CoordinatorRequest body, validated here: raises
    RequestValidationError) with the settings' limits, owned by `owner`, in the thread it
    names (ForbiddenError for another's); returns the workflow id."""
    workflow_input = coordinator_input(request, owner)
    return await start_coordinator(
        client, workflow_input, owner, instance_id=instance_id, annotations=annotations
    )


async def send_decision(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    *,
    principal: Principal,
    approved: bool,
    approver: str,
    comment: str = "",
    digest: str | None = None,
    approval_id: str | None = None,
) -> SentDecision:
    """Decide the run's oldest waiting approval (or `approval_id`: its plan or a tool call)
    through `decide_approval`, retrying briefly while the plan's approval step has not started.

    Raises NotFoundError (also when `principal` may not decide on it), ConflictError (nothing
    awaits a decision, or `digest` names something else) or RequestValidationError.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DECISION_RETRY_SECONDS
    while True:
        try:
            return await decide_approval(
                client,
                principal,
                workflow_id,
                approved,
                approval_id=approval_id,
                comment=comment,
                digest=digest,
                approver=approver,
            )
        except ConflictError as exc:
            # Only "not started yet" carries Retry-After; anything else is final.
            if "Retry-After" not in exc.headers or loop.time() >= deadline:
                raise
        await asyncio.sleep(MAX_POLL_SECONDS / 2)
