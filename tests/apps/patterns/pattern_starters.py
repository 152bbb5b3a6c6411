"""Client functions: the HTTP starter of the async HTTP API pattern and a timer-started run."""

import uuid

import azure.durable_functions as df
import azure.functions as func

bp = df.Blueprint()


@bp.route(route="orchestrators/{functionName}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    body = req.get_body()
    payload = req.get_json() if body else None
    instance_id = await client.start_new(req.route_params["functionName"], None, payload)
    return client.create_check_status_response(req, instance_id)


@bp.route(route="run/{functionName}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def http_run(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    body = req.get_body()
    instance_id = await client.start_new(
        req.route_params["functionName"], None, req.get_json() if body else None
    )
    return await client.wait_for_completion_or_create_check_status_response(
        req, instance_id, timeout_in_milliseconds=5000, retry_interval_in_milliseconds=100
    )


@bp.timer_trigger(
    schedule="%TICK_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=False
)
@bp.durable_client_input(client_name="client")
async def tick_start(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    await client.start_new("ticked", f"tick-{uuid.uuid4().hex}")
