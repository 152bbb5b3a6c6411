"""`POST /api/monitor/api/instances/{id}/{action}` (terminate, suspend, resume, rewind,
restart) and `DELETE /api/monitor/api/instances/{id}` (purge): check the instance's state
allows the action, carry it out and audit it."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import Principal, require_roles
from triggers.monitor.access import MANAGER_ROLES, check_run_access
from triggers.monitor.audit import audit
from triggers.monitor.common import ALLOWED_ACTIONS, INSTANCE, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.operations import run_action
from triggers.monitor.request import instance_id_of, read_body
from triggers.monitor.status import read_status
from triggers.shared.errors import ConflictError, NotFoundError
from triggers.shared.run_access import RunAction

bp = df.Blueprint()


@bp.route(route=INSTANCE + "/{action}", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_action(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """terminate, suspend, resume, rewind or restart; body `{reason}` or `{newInstanceId}`."""
    action = req.route_params.get("action", "").lower()
    if action not in ALLOWED_ACTIONS or action == "purge":
        raise NotFoundError.about("action", f"Unknown action '{action[:40]}'")
    return await act(client, principal, req, action)


@bp.route(route=INSTANCE, methods=["DELETE"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_purge(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Purge a finished instance's history and its sub-orchestrations'."""
    return await act(client, principal, req, "purge")


async def act(
    client: df.DurableOrchestrationClient, principal: Principal, req: func.HttpRequest, action: str
) -> func.HttpResponse:
    """Check the state allows `action`, run it, audit it; 202 (200 for purge)."""
    needed = RunAction.CANCEL if action == "terminate" else RunAction.MANAGE
    if needed is RunAction.MANAGE:
        require_roles(principal, *MANAGER_ROLES)
    body = read_body(req)
    status = await read_status(client, instance_id_of(req), history=action == "purge")
    await check_run_access(client, principal, status, needed)
    if status["runtimeStatus"] not in ALLOWED_ACTIONS[action]:
        allowed = ", ".join(sorted(ALLOWED_ACTIONS[action]))
        raise ConflictError.about(
            "id",
            f"Cannot {action} '{status['instanceId']}': it is {status['runtimeStatus']} "
            f"(allowed when {allowed})",
        )
    result = await run_action(client, action, status, body)
    detail = {k: v for k, v in result.items() if k != "message"}
    await audit(principal, action, str(status["instanceId"]), detail)
    result = {"instanceId": status["instanceId"], "action": action, **result}
    return json_answer(result, 200 if action == "purge" else 202)
