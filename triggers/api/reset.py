"""`POST /api/manage/reset-system` (master key): when no workflow is active, purge the
history of finished workflows, reset the in-process tool servers to their shipped data and
record who did it in the audit log. (The seed's `/admin/reset-system`: the Functions host
keeps routes beginning with `admin` for itself.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import AuditKind, AuditRecord, get_agent_log_store
from core.auth import ADMIN
from core.catalogue import InProcessServer, get_catalogue
from core.mcp_client import reset_servers
from triggers.shared import routes
from triggers.shared.api_models import ResetReport, ResetRequest
from triggers.shared.endpoint import api_endpoint, json_response, parse, read_json
from triggers.shared.errors import ConflictError
from triggers.shared.identity import authorize, caller_identity
from triggers.shared.instances import ACTIVE, FINISHED, runtime_name

bp = df.Blueprint()

HISTORY_START = datetime(2000, 1, 1, tzinfo=UTC)
"""Earlier than any instance: purging needs a lower bound."""

ADMIN_KEY_ACTOR = "master-key"
MAX_LISTED = 5


async def refuse_if_active(client: df.DurableOrchestrationClient) -> None:
    """ConflictError naming the active workflows, if any is pending, running or suspended."""
    active = await client.get_status_by(runtime_status=list(ACTIVE))
    if active:
        listed = ", ".join(
            f"{s.instance_id} ({s.name}, {runtime_name(s)})" for s in active[:MAX_LISTED]
        )
        more = f" and {len(active) - MAX_LISTED} more" if len(active) > MAX_LISTED else ""
        raise ConflictError.about(
            "system",
            f"{len(active)} workflows are active: {listed}{more}; "
            "wait for them to finish or terminate them first",
        )


def in_process_tool_servers() -> list[str]:
    """The agents whose tool server runs in this process (in-process, its URL setting empty)."""
    return [
        a.id for a in get_catalogue() if isinstance(a.mcp, InProcessServer) and not a.mcp.moved_to()
    ]


@bp.route(route=routes.RESET, methods=["POST"], auth_level=func.AuthLevel.ADMIN)
@bp.durable_client_input(client_name="client")
@api_endpoint
async def reset_system(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 with what was reset; 409 while any workflow is active."""
    principal = await authorize(req, ADMIN)
    payload = read_json(req, required=False)
    request = parse(ResetRequest, {} if payload is None else payload)
    await refuse_if_active(client)
    purged = await client.purge_instance_history_by(
        created_time_from=HISTORY_START,
        created_time_to=datetime.now(UTC),
        runtime_status=list(FINISHED),
    )
    reset_servers()
    local_servers = in_process_tool_servers()
    actor = caller_identity(principal, request.requested_by) or ADMIN_KEY_ACTOR
    audit = AuditRecord(
        id=f"reset-system:{uuid.uuid4().hex}",
        kind=AuditKind.ADMIN_ACTION,
        actor=actor,
        action="reset-system",
        target="system",
        detail={
            "purged_instances": purged.instances_deleted,
            "tool_servers_reset": list(local_servers),
            "reason": request.reason,
        },
    )
    await get_agent_log_store().append_audit(audit)
    report = ResetReport(
        status="reset",
        purged_instances=purged.instances_deleted,
        tool_servers_reset=local_servers,
        audit_id=audit.id,
        reset_by=actor,
    )
    return json_response(report)
