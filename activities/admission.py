"""What a run may spend (`capped_limits`, for the `plan` activity), and `seal_inputs` and
`admit_input`: the proofs that let only the coordinator start the internal orchestrators.
Secrets and settings are read here, never in replayed orchestrator code."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

import azure.durable_functions as df

from core.agent_logs import AuditKind, AuditRecord, get_agent_log_store
from core.auth.input_proofs import is_sealed, seal
from core.auth.signing import digest
from core.models import AdmissionInput, SealInput, WorkflowLimits
from core.settings import get_settings
from orchestrations import names

bp = df.Blueprint()
log = logging.getLogger(__name__)


def capped_limits(asked: WorkflowLimits) -> WorkflowLimits:
    """The run's limits capped by the settings (DEFAULT_BUDGET_TOKENS, MAX_AGENT_STEPS,
    APPROVAL_TIMEOUT_SECONDS): an input may lower them, never raise them."""
    settings = get_settings()
    return WorkflowLimits(
        default_budget_tokens=min(asked.default_budget_tokens, settings.DEFAULT_BUDGET_TOKENS),
        max_steps=min(asked.max_steps, settings.MAX_AGENT_STEPS),
        approval_timeout_seconds=min(
            asked.approval_timeout_seconds, settings.APPROVAL_TIMEOUT_SECONDS
        ),
    )


@bp.activity_trigger(input_name="payload", activity=names.SEAL_INPUTS)
async def seal_inputs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each start's input sealed for its orchestrator and instance id. Only internal
    orchestrators of the workflow itself (ids `{workflow_id}:...`) are sealed."""
    work = SealInput.model_validate(payload)
    sealed = []
    for start in work.starts:
        if start.orchestration not in names.INTERNAL_ORCHESTRATORS:
            raise ValueError(f"{start.orchestration} is not an internal orchestrator")
        if not start.instance_id.startswith(f"{work.workflow_id}:"):
            raise ValueError(f"{start.instance_id} is not a child of {work.workflow_id}")
        sealed.append(seal(start.orchestration, start.instance_id, start.input))
    return sealed


@bp.activity_trigger(input_name="payload", activity=names.ADMIT_INPUT)
async def admit_input(payload: dict[str, Any]) -> bool:
    """Whether the orchestrator's input was sealed by the app for this instance; a refusal
    is recorded in the audit log."""
    work = AdmissionInput.model_validate(payload)
    given = work.input
    if isinstance(given, str):
        with contextlib.suppress(ValueError):
            given = json.loads(given)
    if is_sealed(work.orchestration, work.instance_id, given):
        return True
    log.warning("Refused an input of %s not issued by the app", work.orchestration)
    await get_agent_log_store().append_audit(
        AuditRecord(
            id=f"rejected-input:{digest({'instance_id': work.instance_id})}",
            kind=AuditKind.REJECTED_INPUT,
            actor="unknown (Durable API)",
            action=f"start-{work.orchestration}-refused",
            target=work.instance_id,
            detail={"reason": "the input carries no valid proof that the app issued it"},
        )
    )
    return False
