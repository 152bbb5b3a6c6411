"""A coordinator workflow as every surface shows it: its runtime status, progress (phase,
agents done/total, tokens, the plan awaiting approval) and, once done, its result."""

from __future__ import annotations

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import Principal
from core.models import CoordinatorResult
from orchestrations import names
from triggers.shared.api_models import WorkflowProgress, WorkflowStatus
from triggers.shared.instances import Status, runtime_name
from triggers.shared.pending import with_pending_approvals
from triggers.shared.run_access import RunAction, accessible_run


async def coordinator_workflow(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    principal: Principal,
    action: RunAction = RunAction.READ,
) -> DurableOrchestrationStatus:
    """The status of the coordinator instance `workflow_id`, with the approvals waiting in it,
    if `principal` may do `action` on it; NotFoundError for any other id or a run that is not
    the caller's."""
    status = await accessible_run(client, principal, workflow_id, action, name=names.COORDINATOR)
    return await with_pending_approvals(client, status)


def progress_of(status: DurableOrchestrationStatus) -> WorkflowProgress:
    """The coordinator's custom status (empty before it set one)."""
    custom = status.custom_status
    return WorkflowProgress.model_validate(custom if isinstance(custom, dict) else {})


def workflow_status(status: DurableOrchestrationStatus) -> WorkflowStatus:
    """The API's view of a coordinator instance."""
    view = WorkflowStatus(
        workflow_id=status.instance_id or "",
        runtime_status=runtime_name(status),
        created_time=status.created_time.isoformat() if status.created_time else None,
        last_updated_time=(
            status.last_updated_time.isoformat() if status.last_updated_time else None
        ),
        progress=progress_of(status),
    )
    if status.runtime_status == Status.Completed:
        view.result = CoordinatorResult.model_validate(status.output)
    elif status.runtime_status in (Status.Failed, Status.Terminated, Status.Canceled):
        view.error = str(status.output)
    return view
