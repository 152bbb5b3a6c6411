"""`approval`: wait for a human decision on a plan; deny automatically when the time is up.

A decision counts only if it names the SHA-256 digest of exactly this plan; anything else is
rejected and recorded in the audit log, and the wait goes on until the deadline. It runs only
on an input the coordinator sealed (`admission`).
"""

from datetime import timedelta
from typing import Any

import azure.durable_functions as df
from pydantic import ValidationError

from core.models import ApprovalDecision, ApprovalInput, ApprovalOutcome, AuditInput
from orchestrations import names
from orchestrations.admission import admitted
from orchestrations.policies import STORAGE_RETRY

bp = df.Blueprint()


def _audit(
    context: df.DurableOrchestrationContext,
    seq: int,
    actor: str,
    action: str,
    digest: str,
    detail: str,
) -> Any:
    entry = AuditInput(
        entry_id=f"{context.instance_id}:{seq}",
        kind="approval",
        actor=actor,
        action=action,
        target=context.parent_instance_id or context.instance_id,
        digest=digest,
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


@bp.orchestration_trigger(context_name="context", orchestration=names.APPROVAL)
def approval(context: df.DurableOrchestrationContext) -> Any:
    request = ApprovalInput.model_validate((yield from admitted(context, names.APPROVAL)))
    digest = request.plan.digest()
    expires = context.current_utc_datetime + timedelta(seconds=request.timeout_seconds)
    seq = 0
    while True:
        # A fresh timer per wait keeps every task of the race in the yielded action.
        timer = context.create_timer(expires)
        event = context.wait_for_external_event(names.APPROVAL_EVENT)
        winner = yield context.task_any([event, timer])
        now = context.current_utc_datetime
        if winner == timer:
            yield _audit(
                context, seq, "system", "auto_denied", digest, "No decision before the deadline."
            )
            return ApprovalOutcome(
                approved=False,
                digest=digest,
                reason="The approval timed out and was denied automatically.",
                decided_at=now.isoformat(),
                expires_at=expires.isoformat(),
            ).model_dump(mode="json")
        timer.cancel()
        seq += 1
        try:
            decision = _decision(event.result)
        except ValidationError as exc:
            yield _audit(
                context,
                seq,
                "unknown",
                "rejected",
                digest,
                f"Malformed decision: {exc.errors()[0]['msg']}",
            )
            continue
        if decision.digest != digest:
            yield _audit(
                context,
                seq,
                decision.approver,
                "rejected",
                digest,
                f"Digest mismatch: got {decision.digest}.",
            )
            continue
        action = "approved" if decision.approved else "denied"
        yield _audit(context, seq, decision.approver, action, digest, decision.comment)
        return ApprovalOutcome(
            approved=decision.approved,
            approver=decision.approver,
            digest=digest,
            reason=f"{action.capitalize()} by {decision.approver}"
            + (f": {decision.comment}" if decision.comment else "."),
            decided_at=now.isoformat(),
            expires_at=expires.isoformat(),
        ).model_dump(mode="json")
