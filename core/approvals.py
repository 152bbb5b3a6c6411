"""Approval proofs: the app signs every decision its approval endpoints make, and the
workflow (in an activity) and the `mcp_tool` activity accept only decisions that carry one.

A proof is an HMAC (`core.auth.signing`) over the grant: workflow id, approval id, the digest
of the plan or call decided, the calls it covers (digest and idempotency key), approver,
decision and deadline. A raised event without a valid proof is not an approval.
"""

from __future__ import annotations

from core.auth.signing import sign, verify
from core.models import (
    ApprovalDecision,
    ApprovalGrant,
    ApprovalOutcome,
    CoveredCall,
    PendingApproval,
)

PURPOSE = "approval"


def sign_grant(grant: ApprovalGrant) -> str:
    """The app's proof of `grant`."""
    return sign(PURPOSE, grant.model_dump(mode="json"))


def is_authentic(grant: ApprovalGrant, proof: str | None) -> bool:
    """Whether `proof` is the app's proof of exactly `grant`."""
    return verify(PURPOSE, grant.model_dump(mode="json"), proof)


def refusal(
    approval: ApprovalOutcome | None, workflow_id: str, call_digest: str, key: str
) -> str | None:
    """Why `approval` does not let the call (its digest, its idempotency key) of workflow
    `workflow_id` run; None when it does."""
    if approval is None or approval.grant is None:
        return "no approval was given for this call"
    grant = approval.grant
    if not is_authentic(grant, approval.proof):
        return "the approval's proof is not valid"
    if not grant.approved:
        return f"the call was denied by {grant.approver}"
    if grant.workflow_id != workflow_id:
        return f"the approval belongs to workflow '{grant.workflow_id}'"
    if CoveredCall(digest=call_digest, key=key) not in grant.covers:
        return "the approval does not cover this call (its tool, arguments or key differ)"
    return None


def signed_decision(
    pending: PendingApproval, approver: str, approved: bool, comment: str = ""
) -> ApprovalDecision:
    """The decision of `approver` on what `pending` shows, with the app's proof."""
    grant = ApprovalGrant(
        workflow_id=pending.workflow_id,
        approval_id=pending.approval_id,
        digest=pending.digest,
        covers=pending.covers,
        approver=approver,
        approved=approved,
        expires_at=pending.expires_at,
    )
    return ApprovalDecision(
        approved=approved,
        approver=approver,
        digest=pending.digest,
        comment=comment,
        proof=sign_grant(grant),
    )
