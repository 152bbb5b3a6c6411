"""`POST /api/monitor/api/instances/{id}/approval`: approve or deny the plan a workflow waits
on, by raising `approval` on its approval sub-orchestration."""

from __future__ import annotations

import contextlib

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, ValidationError

from core.auth import ADMIN, APPROVER, Principal, require_roles
from core.models import ApprovalDecision
from orchestrations import names
from triggers.errors import BadRequestError, ConflictError, NotFoundError
from triggers.instance_ids import url_segment
from triggers.monitor.access import check_run_access
from triggers.monitor.common import INSTANCE, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.family import approval_of
from triggers.monitor.request import instance_id_of, read_body
from triggers.monitor.status import read_status, sdk_call
from triggers.run_access import RunAction

bp = df.Blueprint()


class ApprovalBody(BaseModel):
    """What the page sends to approve or deny: the decision on the digest it showed."""

    approved: bool
    digest: str
    comment: str = ""
    approver: str = ""


@bp.route(route=INSTANCE + "/approval", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_approval(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Approve or deny the plan a workflow waits on: raise `approval` on its approval
    sub-orchestration. The approver is the signed-in admin (the body's name only when
    authentication is off); 409 when nothing waits or the digest is not the plan's."""
    require_roles(principal, APPROVER, ADMIN)
    status = await read_status(client, instance_id_of(req))
    await check_run_access(client, principal, status, RunAction.DECIDE)
    try:
        body = ApprovalBody.model_validate(read_body(req))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise BadRequestError.about(str(error["loc"][0]), error["msg"]) from exc
    family = [status]
    if status["name"] != names.APPROVAL:
        with contextlib.suppress(NotFoundError):
            family.append(await read_status(client, f"{status['instanceId']}:approval"))
    waiting = approval_of(status, family)
    if waiting is None:
        raise ConflictError.about("id", f"No approval is waiting on '{status['instanceId']}'")
    if body.digest != waiting["digest"]:
        raise ConflictError.about(
            "digest", "The digest is not the one of the plan awaiting approval"
        )
    approver = principal.display_name if principal.authenticated else body.approver.strip()
    try:
        decision = ApprovalDecision(
            approved=body.approved, approver=approver, digest=body.digest, comment=body.comment
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise BadRequestError.about(str(error["loc"][0]), error["msg"]) from exc
    target = waiting["instanceId"]
    await sdk_call(
        client.raise_event(
            url_segment(target), names.APPROVAL_EVENT, decision.model_dump(mode="json")
        )
    )
    verdict = "approved" if body.approved else "denied"
    return json_answer(
        {
            "instanceId": status["instanceId"],
            "approvalInstanceId": target,
            "result": verdict,
            "approver": approver,
            "message": f"The plan was {verdict} by {approver}.",
        },
        202,
    )
