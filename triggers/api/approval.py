"""`POST /api/coordinator/workflows/{id}/approval`: an approver's decision on what a workflow
waits for (the oldest waiting approval, or the one `approval_id` names), made by
`triggers.shared.decisions.decide_approval`."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from triggers.shared import routes
from triggers.shared.api_models import ApprovalAccepted, ApprovalRequest
from triggers.shared.decisions import DECIDE_ROLES, decide_approval
from triggers.shared.endpoint import api_endpoint, json_response, parse, read_json
from triggers.shared.identity import authorize

bp = df.Blueprint()


def approval_instance_id(workflow_id: str) -> str:
    """The id of the workflow's plan approval sub-orchestration (set by the coordinator)."""
    return f"{workflow_id}:approval"


@bp.route(route=routes.APPROVAL, methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def post_approval(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """202 once the signed decision is sent (the workflow applies it); 409 when nothing
    awaits one, no such approval waits, or the digest is not the one of what waits."""
    principal = await authorize(req, *DECIDE_ROLES)
    workflow_id = req.route_params.get("id", "")
    body = parse(ApprovalRequest, read_json(req))
    sent = await decide_approval(
        client,
        principal,
        workflow_id,
        body.approved,
        approval_id=body.approval_id,
        comment=body.comment,
        digest=body.digest,
        approver=body.approver,
    )
    url = routes.workflow_url(req, routes.APPROVAL, workflow_id)
    accepted = ApprovalAccepted(
        workflow_id=workflow_id,
        approval_instance_id=sent.approval_id,
        approved=sent.approved,
        approver=sent.approver,
        digest=sent.digest,
        workflow_url=url,
        kind=sent.kind,
        subject=sent.subject,
    )
    return json_response(accepted, 202, {"Location": url})
