"""`GET /api/coordinator/workflows/{id}`: a coordinator workflow's runtime status, progress
(phase, agents done/total, tokens, the plan awaiting approval) and, once done, its result."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, APPROVER, OPERATOR
from triggers.shared import routes
from triggers.shared.endpoint import api_endpoint, json_response
from triggers.shared.identity import authorize
from triggers.shared.workflows import coordinator_workflow, workflow_status

bp = df.Blueprint()


@bp.route(route=routes.WORKFLOW, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def get_workflow(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 with the workflow's status; 404 when no coordinator workflow has the id."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    status = await coordinator_workflow(client, req.route_params.get("id", ""), principal)
    return json_response(workflow_status(status))
