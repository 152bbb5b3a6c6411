"""`POST /api/monitor/api/instances/{id}/approval`: approve or deny what a workflow waits
for (its plan or an agent's tool call), by `decide_approval` like every other surface."""

from __future__ import annotations

from typing import TypeVar

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, Field, ValidationError

from core.auth import Principal, require_roles
from orchestrations import names
from triggers.monitor.common import INSTANCE, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.request import instance_id_of, read_body
from triggers.monitor.status import read_status
from triggers.shared.decisions import DECIDE_ROLES, SentDecision, decide_approval
from triggers.shared.errors import BadRequestError, ConflictError
from triggers.shared.pending import pending_of

bp = df.Blueprint()


class ApprovalBody(BaseModel):
    """What the page sends to approve or deny: the decision on the digest it showed."""

    approved: bool
    digest: str
    comment: str = Field("", max_length=1000)
    approver: str = ""
    approval_id: str | None = None


B = TypeVar("B", bound=BaseModel)


def body_of(req: func.HttpRequest, model: type[B]) -> B:
    """The request's JSON body as `model`; 400 naming the first bad field."""
    try:
        return model.model_validate(read_body(req))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"]) or "body"
        raise BadRequestError.about(field, error["msg"]) from exc


def sent_view(sent: SentDecision) -> dict[str, object]:
    """The answer to a decision the workflow was sent."""
    verdict = "approved" if sent.approved else "denied"
    return {
        "instanceId": sent.workflow_id,
        "approvalInstanceId": sent.approval_id,
        "result": verdict,
        "approver": sent.approver,
        "digest": sent.digest,
        "message": f"{sent.subject} was {verdict} by {sent.approver}.",
    }


@bp.route(route=INSTANCE + "/approval", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_approval(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Approve or deny what waits: on a workflow, the approval `approval_id` names or the
    oldest waiting; on an approval instance, that one. The approver is the signed-in admin
    (the body's name only when authentication is off); 409 when nothing waits or the digest
    is not the one of what waits."""
    require_roles(principal, *DECIDE_ROLES)
    status = await read_status(client, instance_id_of(req))
    body = body_of(req, ApprovalBody)
    workflow_id, approval_id = str(status["instanceId"]), body.approval_id
    if status["name"] == names.APPROVAL:
        pending = pending_of(status)
        if pending is None:
            raise ConflictError.about("id", f"No approval is waiting on '{workflow_id}'")
        workflow_id, approval_id = pending.workflow_id, pending.approval_id
    sent = await decide_approval(
        client,
        principal,
        workflow_id,
        body.approved,
        approval_id=approval_id,
        comment=body.comment,
        digest=body.digest,
        approver=body.approver,
    )
    return json_answer(sent_view(sent), 202)
