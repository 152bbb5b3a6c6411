"""`POST /api/coordinator/workflows/{id}/approval`: send an approver's decision to a
workflow that awaits one, bound to the digest of the plan it shows."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, APPROVER, Principal
from core.models import ApprovalDecision
from orchestrations import names
from triggers import routes
from triggers.api_models import ApprovalAccepted, ApprovalRequest
from triggers.endpoint import api_endpoint, json_response, parse, read_json
from triggers.errors import ConflictError, RequestValidationError
from triggers.identity import authorize, caller_identity
from triggers.instances import Status, find_instance, is_finished, raise_event, runtime_name
from triggers.run_access import RunAction
from triggers.workflows import coordinator_workflow, progress_of

bp = df.Blueprint()

AWAITING_APPROVAL = "awaiting_approval"
RETRY_AFTER_SECONDS = "1"


def approval_instance_id(workflow_id: str) -> str:
    """The id of the workflow's approval sub-orchestration (set by the coordinator)."""
    return f"{workflow_id}:approval"


async def pending_plan_digest(
    client: df.DurableOrchestrationClient, workflow_id: str, principal: Principal
) -> str:
    """The digest of the plan the workflow awaits a decision on; NotFoundError when
    `principal` may not decide on it, ConflictError when it awaits none (or its approval step
    has not started or has ended)."""
    status = await coordinator_workflow(client, workflow_id, principal, RunAction.DECIDE)
    progress = progress_of(status)
    if status.runtime_status != Status.Running or progress.phase != AWAITING_APPROVAL:
        raise ConflictError.about(
            "id",
            f"workflow '{workflow_id}' is not awaiting approval "
            f"(status {runtime_name(status)}, phase {progress.phase or 'none'})",
        )
    approval = await find_instance(client, approval_instance_id(workflow_id))
    if approval is None or not progress.plan_digest:
        raise ConflictError.about(
            "id",
            f"the approval step of workflow '{workflow_id}' has not started yet; retry shortly",
            {"Retry-After": RETRY_AFTER_SECONDS},
        )
    if is_finished(approval):
        raise ConflictError.about("id", f"workflow '{workflow_id}' was already decided")
    return progress.plan_digest


def decision_of(principal: Principal, body: ApprovalRequest, plan_digest: str) -> ApprovalDecision:
    """The decision to send: the caller as approver, bound to the plan on show."""
    approver = caller_identity(principal, body.approver)
    if not approver:
        raise RequestValidationError.about("approver", "name the approver")
    digest = body.digest or plan_digest
    if digest != plan_digest:
        raise ConflictError.about(
            "digest",
            f"the digest does not match the plan awaiting approval ({plan_digest}); "
            "read the workflow again and decide on the plan it shows",
        )
    fields = {"approved": body.approved, "approver": approver, "digest": digest}
    return parse(ApprovalDecision, {**fields, "comment": body.comment})


@bp.route(route=routes.APPROVAL, methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def decide_approval(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Raise the approval event; 202 (the workflow applies it), 409 when nothing awaits it."""
    principal = await authorize(req, APPROVER, ADMIN)
    workflow_id = req.route_params.get("id", "")
    body = parse(ApprovalRequest, read_json(req))
    plan_digest = await pending_plan_digest(client, workflow_id, principal)
    decision = decision_of(principal, body, plan_digest)
    target = approval_instance_id(workflow_id)
    await raise_event(client, target, names.APPROVAL_EVENT, decision.model_dump(mode="json"))
    url = routes.workflow_url(req, routes.APPROVAL, workflow_id)
    accepted = ApprovalAccepted(
        workflow_id=workflow_id,
        approval_instance_id=target,
        approved=decision.approved,
        approver=decision.approver,
        digest=decision.digest,
        workflow_url=url,
    )
    return json_response(accepted, 202, {"Location": url})
