"""The app's own management routes of one instance, where its check-status links point:
`GET /api/instances/{id}` (status), `POST .../terminate` (with its sub-orchestrations),
`POST .../raiseEvent/{event}` and `DELETE` (purge). Each checks the bearer token's roles and
the run's owner (`run_access`): the Durable extension's webhooks and their system key are for
operators of the platform only."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, APPROVER, OPERATOR
from triggers.shared import routes
from triggers.shared.api_models import InstanceStatus, PurgeReport, TerminationReport
from triggers.shared.endpoint import api_endpoint, json_response, read_json
from triggers.shared.errors import BadRequestError, ConflictError
from triggers.shared.identity import authorize
from triggers.shared.instances import ACTIVE, is_finished, raise_event, runtime_name
from triggers.shared.run_access import RunAction, accessible_run
from triggers.shared.termination import purge_run, terminate_run

bp = df.Blueprint()

RETRY_AFTER_SECONDS = "2"
MAX_REASON_CHARS = 1000
MAX_EVENT_NAME_CHARS = 100


@bp.route(route=routes.INSTANCE, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def get_instance(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 with a finished instance's status, 202 (with `Location`) while it is active."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    instance_id = req.route_params.get("id", "")
    status = await accessible_run(
        client, principal, instance_id, RunAction.READ, with_input=False
    )
    view = InstanceStatus(
        name=status.name,
        instanceId=instance_id,
        runtimeStatus=runtime_name(status),
        customStatus=status.custom_status,
        output=status.output,
        createdTime=status.created_time.isoformat() if status.created_time else None,
        lastUpdatedTime=(
            status.last_updated_time.isoformat() if status.last_updated_time else None
        ),
    )
    if is_finished(status):
        return json_response(view)
    link = routes.status_url(req, routes.INSTANCE, instance_id)
    return json_response(view, 202, {"Location": link, "Retry-After": RETRY_AFTER_SECONDS})


@bp.route(route=routes.INSTANCE_TERMINATE, methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def terminate_instance(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """202 once the run and its active sub-orchestrations are terminated; 409 once finished."""
    principal = await authorize(req, OPERATOR, ADMIN)
    instance_id = req.route_params.get("id", "")
    status = await accessible_run(client, principal, instance_id, RunAction.CANCEL)
    if status.runtime_status not in ACTIVE:
        raise ConflictError.about("id", f"'{instance_id}' is {runtime_name(status)}")
    reason = req.params.get("reason") or f"Terminated by {principal.display_name}"
    if len(reason) > MAX_REASON_CHARS:
        raise BadRequestError.about("reason", f"at most {MAX_REASON_CHARS} characters")
    terminated = await terminate_run(client, instance_id, reason)
    return json_response(TerminationReport(instanceId=instance_id, terminated=terminated), 202)


@bp.route(route=routes.INSTANCE_EVENT, methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def raise_instance_event(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Admins only: raise the event with the JSON body as its data; 202, 409 once finished."""
    principal = await authorize(req, ADMIN)
    instance_id = req.route_params.get("id", "")
    event = req.route_params.get("event", "")
    if not event.isidentifier() or len(event) > MAX_EVENT_NAME_CHARS:
        raise BadRequestError.about("event", "an event name is a letter or _ then letters, digits or _")
    data = read_json(req, required=False)
    status = await accessible_run(client, principal, instance_id, RunAction.MANAGE)
    if status.runtime_status not in ACTIVE:
        raise ConflictError.about("id", f"'{instance_id}' is {runtime_name(status)}")
    await raise_event(client, instance_id, event, data)
    return json_response({"instanceId": instance_id, "event": event}, 202)


@bp.route(route=routes.INSTANCE, methods=["DELETE"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def purge_instance(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Admins only: purge a finished run's history and its sub-orchestrations'; 409 while
    it is active."""
    principal = await authorize(req, ADMIN)
    instance_id = req.route_params.get("id", "")
    status = await accessible_run(client, principal, instance_id, RunAction.MANAGE)
    if not is_finished(status):
        raise ConflictError.about("id", f"'{instance_id}' is {runtime_name(status)}")
    deleted = await purge_run(client, instance_id)
    return json_response(PurgeReport(instanceId=instance_id, instancesDeleted=deleted))
