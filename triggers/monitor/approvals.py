"""`GET /api/monitor/api/approvals`: every approval waiting for a decision, oldest first (the
batch sweep's runs included); `POST` the same route: approve or deny several at once, each
by `decide_approval`, with one result per approval."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, Field

from core.auth import Principal, require_roles
from triggers.monitor.approval import body_of, sent_view
from triggers.monitor.common import MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.shared.decisions import DECIDE_ROLES, decide_approval, subject_of
from triggers.shared.errors import ApiError
from triggers.shared.pending import pending_approvals

bp = df.Blueprint()

APPROVALS = "monitor/api/approvals"
MAX_BULK = 100


class ChosenApproval(BaseModel):
    """One approval of a bulk decision, with the digest the page showed for it."""

    workflow_id: str = Field(min_length=1)
    approval_id: str = Field(min_length=1)
    digest: str = Field(min_length=64, max_length=64)


class BulkDecision(BaseModel):
    """The same decision on several approvals."""

    approved: bool
    approvals: list[ChosenApproval] = Field(min_length=1, max_length=MAX_BULK)
    comment: str = Field("", max_length=1000)
    approver: str = ""


@bp.route(route=APPROVALS, methods=["GET"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_approvals(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Every waiting approval: workflow, agent, tool, arguments, reason, digest, deadline."""
    require_roles(principal, *DECIDE_ROLES)
    waiting = await pending_approvals(client)
    return json_answer(
        {
            "approvals": [
                {**p.model_dump(mode="json", exclude={"covers"}), "subject": subject_of(p)}
                for p in waiting
            ]
        }
    )


@bp.route(route=APPROVALS, methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_decide_approvals(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Decide each listed approval; 200 with each one's result (`sent`, or the error that
    refused it: gone, already decided, digest mismatch)."""
    require_roles(principal, *DECIDE_ROLES)
    body = body_of(req, BulkDecision)
    results: list[dict[str, object]] = []
    for chosen in body.approvals:
        try:
            sent = await decide_approval(
                client,
                principal,
                chosen.workflow_id,
                body.approved,
                approval_id=chosen.approval_id,
                comment=body.comment,
                digest=chosen.digest,
                approver=body.approver,
            )
        except ApiError as exc:
            problem = exc.detail[0]
            results.append(
                {
                    "approvalInstanceId": chosen.approval_id,
                    "result": "refused",
                    "error": exc.code,
                    "field": problem.field,
                    "message": problem.message,
                }
            )
            continue
        results.append(sent_view(sent))
    return json_answer({"results": results})
