"""`approval`: wait for a human decision on a plan or on one data-changing tool call; deny
automatically when the deadline's durable timer fires.

While it waits, its custom status is the `PendingApproval` (what waits, why, the digest and
the deadline) that status views and the approval endpoints read. A decision counts only if it
names the digest of exactly what waits and carries the app's proof, checked in the
`check_approval` activity: an event raised straight through the Durable API with any approver
name is recorded in the audit log as ignored, and the wait goes on until the deadline. It runs
only on an input the app sealed (`admission`), and reseals the input of each new generation.
"""

from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

import azure.durable_functions as df
from pydantic import ValidationError

from core.auth import redact
from core.models import (
    ApprovalDecision,
    ApprovalGrant,
    ApprovalInput,
    ApprovalOutcome,
    AuditInput,
    CheckApprovalInput,
    PendingApproval,
    SealedStart,
    SealInput,
)
from orchestrations import names
from orchestrations.admission import admitted
from orchestrations.policies import STORAGE_RETRY

bp = df.Blueprint()


def _audit(
    context: df.DurableOrchestrationContext,
    request: ApprovalInput,
    seq: int,
    actor: str,
    action: str,
    detail: str,
) -> Any:
    entry = AuditInput(
        entry_id=f"{context.instance_id}:{seq}",
        kind="approval",
        actor=actor,
        action=action,
        target=request.workflow_id,
        digest=request.digest(),
        detail=detail,
    )
    return context.call_activity_with_retry(
        names.RECORD_AUDIT, STORAGE_RETRY, entry.model_dump(mode="json")
    )


def _decision(payload: Any) -> ApprovalDecision:
    # The SDK's client posts event data as a JSON string holding the serialised value, so it
    # can arrive as that text rather than as the object.
    if isinstance(payload, str):
        return ApprovalDecision.model_validate_json(payload)
    return ApprovalDecision.model_validate(payload)


def pending_view(approval_id: str, request: ApprovalInput, expires_at: str) -> dict[str, Any]:
    """The custom status of a waiting approval; arguments and plan text are redacted for
    display, the digest and covered calls are kept exactly (a decision signs them)."""
    call = request.call
    shown = PendingApproval(
        approval_id=approval_id,
        workflow_id=request.workflow_id,
        kind="plan" if request.plan is not None else "tool_call",
        digest=request.digest(),
        expires_at=expires_at,
        reason=request.reason,
        agent=call.agent if call else None,
        tool=call.tool if call else None,
        arguments=redact(call.arguments) if call else None,
        plan=request.plan,
        covers=request.covers,
    ).model_dump(mode="json", exclude={"covers", "digest"})
    exact = {"digest": request.digest(), "covers": [c.model_dump() for c in request.covers]}
    return {"phase": "awaiting_approval", "approval": {**redact(shown), **exact}}


@bp.orchestration_trigger(context_name="context", orchestration=names.APPROVAL)
def approval(context: df.DurableOrchestrationContext) -> Any:
    return (yield from _await_decision(context))


def _await_decision(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    request = ApprovalInput.model_validate((yield from admitted(context, names.APPROVAL)))
    digest = request.digest()
    expires = (
        datetime.fromisoformat(request.expires_at)
        if request.expires_at
        else context.current_utc_datetime + timedelta(seconds=request.timeout_seconds)
    )
    expires_at = expires.isoformat()
    context.set_custom_status(pending_view(context.instance_id, request, expires_at))
    seq = request.decisions_seen + 1
    timer = context.create_timer(expires)
    event = context.wait_for_external_event(names.APPROVAL_EVENT)
    winner = yield context.task_any([event, timer])
    now = context.current_utc_datetime
    if winner == timer:
        yield _audit(
            context, request, seq, "system", "auto_denied", "No decision before the deadline."
        )
        context.set_custom_status({"phase": "expired"})
        return ApprovalOutcome(
            approved=False,
            digest=digest,
            reason="The approval timed out and was denied automatically.",
            decided_at=now.isoformat(),
            expires_at=expires_at,
            approval_id=context.instance_id,
        ).model_dump(mode="json")
    timer.cancel()
    decision = yield from _counted(context, request, seq, event.result, expires_at)
    if decision is None:
        # Wait again in a new generation: the SDK replays an event that arrived before its
        # wait to every later wait of the same name, so one history holds one decision.
        again = request.model_copy(update={"expires_at": expires_at, "decisions_seen": seq})
        start = SealedStart(
            orchestration=names.APPROVAL,
            instance_id=context.instance_id,
            input=again.model_dump(mode="json"),
        )
        sealing = SealInput(workflow_id=request.workflow_id, starts=[start])
        (sealed,) = yield context.call_activity(names.SEAL_INPUTS, sealing.model_dump(mode="json"))
        context.continue_as_new(sealed)
        return None
    action = "approved" if decision.approved else "denied"
    yield _audit(context, request, seq, decision.approver, action, decision.comment)
    context.set_custom_status({"phase": action})
    return ApprovalOutcome(
        approved=decision.approved,
        approver=decision.approver,
        digest=digest,
        reason=f"{action.capitalize()} by {decision.approver}"
        + (f": {decision.comment}" if decision.comment else "."),
        decided_at=now.isoformat(),
        expires_at=expires_at,
        approval_id=context.instance_id,
        grant=_grant(context, request, decision, expires_at),
        proof=decision.proof,
    ).model_dump(mode="json")


def _grant(
    context: df.DurableOrchestrationContext,
    request: ApprovalInput,
    decision: ApprovalDecision,
    expires_at: str,
) -> ApprovalGrant:
    return ApprovalGrant(
        workflow_id=request.workflow_id,
        approval_id=context.instance_id,
        digest=request.digest(),
        covers=request.covers,
        approver=decision.approver,
        approved=decision.approved,
        expires_at=expires_at,
    )


def _counted(
    context: df.DurableOrchestrationContext,
    request: ApprovalInput,
    seq: int,
    payload: Any,
    expires_at: str,
) -> Generator[Any, Any, ApprovalDecision | None]:
    """The decision in `payload` if it counts; else None, with the reason audited."""
    try:
        decision = _decision(payload)
    except ValidationError as exc:
        detail = f"Malformed decision: {exc.errors()[0]['msg']}"
        yield _audit(context, request, seq, "unknown", "rejected", detail)
        return None
    if decision.digest != request.digest():
        detail = f"Digest mismatch: got {decision.digest}."
        yield _audit(context, request, seq, decision.approver, "rejected", detail)
        return None
    grant = _grant(context, request, decision, expires_at)
    check = CheckApprovalInput(grant=grant, proof=decision.proof)
    authentic = yield context.call_activity_with_retry(
        names.CHECK_APPROVAL, STORAGE_RETRY, check.model_dump(mode="json")
    )
    if not authentic:
        detail = (
            "Ignored: the decision carries no valid proof of the app's approval "
            "endpoints (an event raised around them); the named approver is unverified."
        )
        yield _audit(context, request, seq, decision.approver, "ignored", detail)
        return None
    return decision
