"""`POST /api/coordinator/orchestrate`: run the coordinator on a request and wait a little
for its answer: 200 with the result when it finishes in time, else 202 with where to
follow it."""

from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import ADMIN, OPERATOR
from core.models import CoordinatorResult
from core.settings import get_settings
from triggers.shared import routes
from triggers.shared.api_models import OrchestrateResponse
from triggers.shared.conversations import query_thread, start_coordinator
from triggers.shared.endpoint import api_endpoint, json_response, read_json
from triggers.shared.identity import authorize
from triggers.shared.instances import Status, find_instance, is_finished, runtime_name
from triggers.shared.workflow_input import coordinator_input

bp = df.Blueprint()

FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 0.5
RETRY_AFTER_SECONDS = 2


async def wait_for_finish(
    client: df.DurableOrchestrationClient, instance_id: str, timeout: float
) -> DurableOrchestrationStatus | None:
    """The instance's status once it finished, or the last one seen after `timeout` seconds
    (None while the backend does not show it yet)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = FIRST_POLL_SECONDS
    while True:
        status = await find_instance(client, instance_id)
        remaining = deadline - loop.time()
        if (status is not None and is_finished(status)) or remaining <= 0:
            return status
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_POLL_SECONDS)


def finished_response(
    status: DurableOrchestrationStatus, answer: OrchestrateResponse
) -> func.HttpResponse:
    """200 with the result of a completed workflow, or the error of a failed one."""
    if status.runtime_status == Status.Completed:
        answer.result = CoordinatorResult.model_validate(status.output)
    else:
        answer.error = str(status.output)
    return json_response(answer, 200)


@bp.route(route=routes.ORCHESTRATE, methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def orchestrate(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Start the coordinator with the settings' limits, owned by the caller; wait up to
    ORCHESTRATE_WAIT_SECONDS."""
    principal = await authorize(req, OPERATOR, ADMIN)
    workflow_input = coordinator_input(query_thread(req, read_json(req)), principal)
    instance_id = await start_coordinator(client, workflow_input, principal)
    status = await wait_for_finish(client, instance_id, get_settings().ORCHESTRATE_WAIT_SECONDS)
    links = routes.status_links(req, routes.ORCHESTRATE, instance_id)
    answer = OrchestrateResponse(
        workflow_id=instance_id,
        status=runtime_name(status) if status else Status.Pending.value,
        workflow_url=routes.workflow_url(req, routes.ORCHESTRATE, instance_id),
        status_urls=links,
    )
    if status is not None and is_finished(status):
        return finished_response(status, answer)
    headers = {"Location": links.statusQueryGetUri, "Retry-After": str(RETRY_AFTER_SECONDS)}
    return json_response(answer, 202, headers, exclude={"result", "error"})
