"""`GET /api/coordinator/workflows/{id}`: a coordinator workflow's runtime status, progress
(phase, agents done/total, tokens, the plan awaiting approval) and, once done, its result."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import ADMIN, APPROVER, OPERATOR, Principal
from core.models import CoordinatorResult
from orchestrations import names
from triggers import routes
from triggers.api_models import WorkflowProgress, WorkflowStatus
from triggers.endpoint import api_endpoint, json_response
from triggers.identity import authorize
from triggers.instances import Status, runtime_name
from triggers.pending import with_pending_approvals
from triggers.run_access import RunAction, accessible_run

bp = df.Blueprint()


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


@bp.route(route=routes.WORKFLOW, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def get_workflow(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 with the workflow's status; 404 when no coordinator workflow has the id."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    status = await coordinator_workflow(client, req.route_params.get("id", ""), principal)
    return json_response(workflow_status(status))
