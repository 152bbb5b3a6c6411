"""The audit trail of the monitor's admin actions."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from core.agent_logs import AuditKind, AuditRecord, get_agent_log_store
from core.auth import Principal

log = logging.getLogger(__name__)


async def audit(principal: Principal, action: str, target: str, detail: dict[str, Any]) -> None:
    """Record an admin action in the audit log; a failure to record is logged, not raised,
    because the action has already happened."""
    record = AuditRecord(
        id=f"monitor:{action}:{uuid.uuid4().hex}",
        kind=AuditKind.ADMIN_ACTION,
        actor=principal.upn or principal.oid,
        action=f"monitor-{action}",
        target=target,
        detail=detail,
    )
    try:
        await get_agent_log_store().append_audit(record)
    except Exception:
        log.exception("Could not record the monitor action %s on %s", action, target)
