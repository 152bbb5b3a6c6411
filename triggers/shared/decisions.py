"""Deciding approvals, the one way every surface does it (the HTTP API, the monitor, the MCP
tools, A2A): check the caller's role, find the approval that waits, sign the decision, raise
it on the approval workflow, and audit what was refused.
"""

from __future__ import annotations

import uuid

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from pydantic import BaseModel

from core.agent_logs import AuditKind, AuditRecord, get_agent_log_store
from core.approvals import signed_decision
from core.auth import ADMIN, APPROVER, Principal, require_roles
from core.models import PendingApproval
from orchestrations import names
from triggers.shared.errors import ConflictError, RequestValidationError
from triggers.shared.identity import caller_identity
from triggers.shared.instances import raise_event, runtime_name
from triggers.shared.pending import AWAITING_APPROVAL, pending_approvals
from triggers.shared.run_access import RunAction
from triggers.shared.workflows import coordinator_workflow, progress_of

DECIDE_ROLES = (APPROVER, ADMIN)
RETRY_AFTER_SECONDS = "1"


class SentDecision(BaseModel):
    """A decision the app signed and sent to the approval workflow, which applies it."""

    workflow_id: str
    approval_id: str
    kind: str
    approved: bool
    approver: str
    digest: str
    subject: str


def subject_of(pending: PendingApproval) -> str:
    """What an approval decides, in a few words."""
    if pending.plan is not None:
        return "the plan: " + "; ".join(f"{t.agent}: {t.task}" for t in pending.plan.tasks)
    shown = ", ".join(f"{k}={v!r}" for k, v in (pending.arguments or {}).items())
    return f"{pending.agent}: {pending.tool}({shown})"


async def _waiting(
    client: df.DurableOrchestrationClient,
    principal: Principal,
    workflow_id: str,
    approval_id: str | None,
) -> PendingApproval:
    status = await coordinator_workflow(client, workflow_id, principal, RunAction.DECIDE)
    waiting = await pending_approvals(client, workflow_id)
    if approval_id is not None:
        chosen = next((p for p in waiting if p.approval_id == approval_id), None)
        if chosen is None:
            raise no_such_approval(workflow_id, approval_id, waiting)
        return chosen
    if waiting:
        return waiting[0]
    raise nothing_waits(workflow_id, status)


def no_such_approval(
    workflow_id: str, approval_id: str, waiting: list[PendingApproval]
) -> ConflictError:
    """The refusal of a decision on approval `approval_id`, which does not wait in workflow
    `workflow_id`: it names the approvals that do (`waiting`)."""
    return ConflictError.about(
        "approval_id",
        f"no approval '{approval_id}' waits in workflow '{workflow_id}'; waiting: "
        + (", ".join(p.approval_id for p in waiting) or "none"),
    )


def nothing_waits(workflow_id: str, status: DurableOrchestrationStatus) -> ConflictError:
    """The refusal of a decision on coordinator `workflow_id` (whose status is `status`) when
    no approval of it is listed: a running coordinator that shows `awaiting_approval` has
    just started its approval step, which is listed once it runs, so the caller is asked to
    retry shortly (with Retry-After); any other is not awaiting approval."""
    phase = progress_of(status).phase
    if phase == AWAITING_APPROVAL and runtime_name(status) == "Running":
        return ConflictError.about(
            "id",
            f"the approval step of workflow '{workflow_id}' has not started yet; retry shortly",
            {"Retry-After": RETRY_AFTER_SECONDS},
        )
    return ConflictError.about(
        "id",
        f"workflow '{workflow_id}' is not awaiting approval "
        f"(status {runtime_name(status)}, phase {phase or 'none'})",
    )


async def _audit_refusal(pending: PendingApproval, approver: str, note: str) -> None:
    await get_agent_log_store().append_audit(
        AuditRecord(
            id=f"{pending.approval_id}:refused:{uuid.uuid4().hex}",
            kind=AuditKind.APPROVAL,
            actor=approver,
            action="refused",
            target=pending.workflow_id,
            digest=pending.digest,
            detail={"approval_id": pending.approval_id, "note": note},
        )
    )


async def decide_approval(
    client: df.DurableOrchestrationClient,
    principal: Principal,
    workflow_id: str,
    approved: bool,
    *,
    approval_id: str | None = None,
    comment: str | None = None,
    digest: str | None = None,
    approver: str | None = None,
) -> SentDecision:
    """Decide an approval of workflow `workflow_id`: the one named `approval_id`, else the
    oldest waiting. The approver is the caller's verified identity (the `approver` name only
    when authentication is off); `digest`, when given, must be the digest of what waits.

    Raises AuthorizationError (403: not an Approver or Admin), NotFoundError (no such
    coordinator workflow, or one the caller may not decide on), ConflictError (nothing waits, no such approval, or a digest
    mismatch, which is also audited) or RequestValidationError (no approver named).
    """
    require_roles(principal, *DECIDE_ROLES)
    name = caller_identity(principal, (approver or "").strip() or None)
    if not name:
        raise RequestValidationError.about("approver", "name the approver")
    pending = await _waiting(client, principal, workflow_id, approval_id)
    if digest is not None and digest != pending.digest:
        await _audit_refusal(
            pending, name, f"Digest mismatch: the decision named {digest}, not what waits."
        )
        raise ConflictError.about(
            "digest",
            f"the digest does not match what awaits approval ({pending.digest}); "
            "read the workflow again and decide on what it shows",
        )
    decision = signed_decision(pending, name, approved, comment or "")
    await raise_event(
        client, pending.approval_id, names.APPROVAL_EVENT, decision.model_dump(mode="json")
    )
    return SentDecision(
        workflow_id=workflow_id,
        approval_id=pending.approval_id,
        kind=pending.kind,
        approved=approved,
        approver=name,
        digest=pending.digest,
        subject=subject_of(pending),
    )
