"""`POST /api/orchestrators/{name}`: start a public orchestration on the JSON body (its
public request model only: limits come from the settings, the owner is the caller), answered
with the standard Durable 202 check-status response whose links point to the app's own
`instances/{id}` routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel

from core.auth import ADMIN, OPERATOR, Principal
from core.models import CoordinatorInput
from orchestrations import names
from triggers.shared import routes
from triggers.shared.conversations import query_thread, start_coordinator
from triggers.shared.endpoint import api_endpoint, json_response, read_json
from triggers.shared.errors import NotFoundError
from triggers.shared.identity import authorize
from triggers.shared.starting import start_orchestration
from triggers.shared.workflow_input import coordinator_input, sweep_input

bp = df.Blueprint()

InputBuilder = Callable[[Any, Principal], BaseModel]

INPUTS: dict[str, InputBuilder] = {
    names.COORDINATOR: coordinator_input,
    names.BATCH_SWEEP: sweep_input,
}
RETRY_AFTER_SECONDS = "2"
"""How each public orchestrator's input is validated; every name in PUBLIC_ORCHESTRATORS."""


def public_orchestrator(name: str) -> str:
    """The durable name of the public orchestrator `name` (any case); NotFoundError else."""
    wanted = name.casefold()
    for known in sorted(names.PUBLIC_ORCHESTRATORS):
        if known.casefold() == wanted:
            return known
    raise NotFoundError.about(
        "name",
        f"no public orchestrator {name[:100]!r}; "
        f"public orchestrators: {', '.join(sorted(names.PUBLIC_ORCHESTRATORS))}",
    )


@bp.route(route="orchestrators/{name}", methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def start_orchestrator(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Validate the body as the orchestrator's input and start it; 202 with its status URLs."""
    principal = await authorize(req, OPERATOR, ADMIN)
    name = public_orchestrator(req.route_params.get("name", ""))
    workflow_input = INPUTS[name](query_thread(req, read_json(req)), principal)
    if isinstance(workflow_input, CoordinatorInput):
        instance_id = await start_coordinator(client, workflow_input, principal)
    else:
        instance_id = await start_orchestration(
            client, name, workflow_input.model_dump(mode="json")
        )
    links = routes.status_links(req, routes.START, instance_id)
    headers = {"Location": links.statusQueryGetUri, "Retry-After": RETRY_AFTER_SECONDS}
    return json_response(links, 202, headers)
