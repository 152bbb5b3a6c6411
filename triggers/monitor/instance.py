"""`GET /api/monitor/api/instances/{id}`: one instance with its history, its
sub-orchestrations' histories, the approval it waits for and the actions its state allows."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import Principal
from triggers.monitor.access import check_run_access
from triggers.monitor.common import ALLOWED_ACTIONS, INSTANCE, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.family import approval_of, descendants
from triggers.monitor.request import instance_id_of
from triggers.monitor.status import read_status
from triggers.shared.run_access import RunAction

bp = df.Blueprint()


@bp.route(route=INSTANCE, methods=["GET"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_instance(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """The instance with its history, its sub-orchestrations' histories, the approval it
    waits for and the actions its state allows."""
    status = await read_status(client, instance_id_of(req), history=True)
    await check_run_access(client, principal, status, RunAction.READ)
    family, truncated = await descendants(client, status)
    state = status["runtimeStatus"]
    return json_answer(
        {
            "instance": status,
            "children": family,
            "childrenTruncated": truncated,
            "approval": approval_of(status, family),
            "actions": sorted(a for a, states in ALLOWED_ACTIONS.items() if state in states),
            "viewer": {"name": principal.display_name, "authenticated": principal.authenticated},
        }
    )
