"""`POST /api/monitor/api/instances/{id}/events/{event}`: raise any external event on an
instance still active, and audit it."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import Principal, require_roles
from triggers.monitor.access import MANAGER_ROLES, check_run_access
from triggers.monitor.audit import audit
from triggers.monitor.common import ACTIVE, INSTANCE, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.request import instance_id_of, read_body
from triggers.monitor.status import read_status, sdk_call
from triggers.shared.errors import BadRequestError, ConflictError
from triggers.shared.instance_ids import url_segment
from triggers.shared.run_access import RunAction

bp = df.Blueprint()


@bp.route(route=INSTANCE + "/events/{event}", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_raise_event(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Raise any external event with the body's `data`; 409 once the instance finished."""
    require_roles(principal, *MANAGER_ROLES)
    status = await read_status(client, instance_id_of(req))
    await check_run_access(client, principal, status, RunAction.MANAGE)
    event = req.route_params.get("event", "").strip()
    if not event.isidentifier():
        raise BadRequestError.about("event", "an event name is a letter or _ then letters, digits or _")
    data = read_body(req).get("data")
    if status["runtimeStatus"] not in ACTIVE:
        raise ConflictError.about("id", f"'{status['instanceId']}' is {status['runtimeStatus']}")
    await sdk_call(client.raise_event(url_segment(status["instanceId"]), event, data))
    await audit(principal, "raise-event", status["instanceId"], {"event": event})
    message = f"Raised '{event}' on {status['instanceId']}."
    return json_answer({"instanceId": status["instanceId"], "message": message}, 202)
