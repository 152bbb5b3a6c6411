"""`GET /api/health`: the app and each dependency it needs (Durable backend, agent log,
model, every catalogue agent's tool server), 200 when all answer and 503 when any does not; and
`GET /api/health/live`, which checks nothing beyond the process answering (for liveness
probes, which should not restart a replica because a dependency is down)."""

from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func

from core.catalogue import get_catalogue
from core.llm.factory import model_provider
from triggers.api.health_checks import (
    Check,
    agent_logs_check,
    durable_check,
    model_check,
    timed,
    tools_check,
)
from triggers.shared import routes
from triggers.shared.api_models import API_VERSION, HealthReport, Liveness
from triggers.shared.endpoint import api_endpoint, json_response

bp = df.Blueprint()


def health_checks(client: df.DurableOrchestrationClient) -> dict[str, Check]:
    """Every check of the health report, by name."""
    checks: dict[str, Check] = {
        "durable": durable_check(client),
        "agent_logs": agent_logs_check,
        "model": model_check,
    }
    checks.update({f"tools:{agent_id}": tools_check(agent_id) for agent_id in get_catalogue().ids})
    return checks


@bp.route(route=routes.HEALTH, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
@api_endpoint
async def health(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Run every check at once; anonymous, for load balancers and container probes."""
    checks = health_checks(client)
    results = await asyncio.gather(*(timed(check) for check in checks.values()))
    report = HealthReport(
        status="healthy" if all(r.status == "ok" for r in results) else "degraded",
        checks=dict(zip(checks, results, strict=True)),
        version=API_VERSION,
        offline_model=model_provider() == "offline",
    )
    return json_response(report, 200 if report.status == "healthy" else 503)


@bp.route(route=routes.LIVENESS, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@api_endpoint
async def liveness(req: func.HttpRequest) -> func.HttpResponse:
    """200 whenever the app runs; anonymous."""
    return json_response(Liveness(status="alive", version=API_VERSION))
