"""`check_approval`: whether a decision the approval workflow received carries the app's
proof. Verified here, never in orchestrator code: the signing key stays out of replay."""

from typing import Any

import azure.durable_functions as df

from core import approvals
from core.models import CheckApprovalInput
from orchestrations import names

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload", activity=names.CHECK_APPROVAL)
def check_approval(payload: dict[str, Any]) -> bool:
    """True when the proof is the app's proof of exactly this grant."""
    check = CheckApprovalInput.model_validate(payload)
    return approvals.is_authentic(check.grant, check.proof)
