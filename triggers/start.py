"""`POST /api/orchestrators/{name}`: start a public orchestration with the JSON body as its
input, answered with the standard Durable 202 check-status response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, OPERATOR
from core.models import SweepInput
from orchestrations import names
from triggers.endpoint import api_endpoint, parse, read_json
from triggers.errors import NotFoundError
from triggers.identity import authorize
from triggers.workflow_input import coordinator_input

bp = df.Blueprint()

InputParser = Callable[[Any], dict[str, Any]]

INPUTS: dict[str, InputParser] = {
    names.COORDINATOR: lambda body: coordinator_input(body).model_dump(mode="json"),
    names.BATCH_SWEEP: lambda body: parse(SweepInput, body).model_dump(mode="json"),
}
"""How each public orchestrator's input is validated; every name in PUBLIC_ORCHESTRATORS."""


def public_orchestrator(name: str) -> str:
    """The durable name of the public orchestrator `name` (any case); NotFoundError else."""
    wanted = name.casefold()
    for known in sorted(names.PUBLIC_ORCHESTRATORS):
        if known.casefold() == wanted:
            return known
    raise NotFoundError.about(
        "name",
        f"no public orchestrator '{name}'; "
        f"public orchestrators: {', '.join(sorted(names.PUBLIC_ORCHESTRATORS))}",
    )


@bp.route(route="orchestrators/{name}", methods=["POST"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def start_orchestrator(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Validate the body as the orchestrator's input and start it; 202 with its status URLs."""
    await authorize(req, OPERATOR, ADMIN)
    name = public_orchestrator(req.route_params.get("name", ""))
    workflow_input = INPUTS[name](read_json(req))
    instance_id = await client.start_new(name, None, workflow_input)
    return client.create_check_status_response(req, instance_id)
