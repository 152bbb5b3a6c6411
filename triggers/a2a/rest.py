"""The A2A HTTP+JSON binding under `/api/a2a/rest`: the 1.0 endpoints (`POST /message:send`,
`POST /message:stream`, `GET /tasks`, `GET /tasks/{id}`, `POST /tasks/{id}:cancel`,
`GET|POST /tasks/{id}:subscribe`) for `A2A-Version: 1.0`, and the same under `/v1/` in the 0.3
shapes for 0.3 clients (no header). Errors are `google.rpc.Status` JSON with the HTTP status
of spec section 5.4 and an `ErrorInfo` naming the A2A error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.auth import AuthError
from triggers.a2a.errors import (
    A2AError,
    MethodNotFoundError,
    PushNotificationNotSupportedError,
    UnsupportedOperationError,
)
from triggers.a2a.http import (
    A2A_JSON,
    JSON,
    a2a_error,
    answer,
    auth_headers,
    auth_message,
    event_stream,
    prepend,
    read_body,
)
from triggers.a2a.model import StreamEvent
from triggers.a2a.service import TaskService
from triggers.a2a.streams import sse_body
from triggers.a2a.versions import V03, V1, requested_version, require
from triggers.a2a.wire_proto import V03_REST_WIRE, V1_WIRE, ProtoWire

bp = df.Blueprint()

ROUTE = "a2a/rest/{*path}"
LEGACY_PREFIX = "v1"
_AUTH_STATUS = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}


def status_body(
    code: int, status: str, message: str, details: list[dict[str, Any]]
) -> dict[str, Any]:
    """A `google.rpc.Status` error body."""
    error: dict[str, Any] = {"code": code, "status": status, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def error_response(error: A2AError) -> func.HttpResponse:
    """The answer to a failed request."""
    body = status_body(error.http_status, error.grpc_status, error.message, error.details())
    return answer(body, error.http_status)


@dataclass
class Request:
    """One REST call: the service, the wire of its version, the path's task id and the
    parameters (query string, then the JSON body)."""

    service: TaskService
    wire: ProtoWire
    task_id: str
    params: dict[str, Any]

    def answer(self, body: dict[str, Any]) -> func.HttpResponse:
        """A success answer in the version's media type."""
        return answer(body, mimetype=JSON if self.wire.legacy else A2A_JSON)


async def _stream(request: Request, events: AsyncIterator[StreamEvent]) -> func.HttpResponse:
    first = await anext(events)
    body = await sse_body(
        prepend(first, events),
        request.wire.event,
        lambda exc: status_body(*_error_fields(a2a_error(exc))),
    )
    return event_stream(body)


def _error_fields(error: A2AError) -> tuple[int, str, str, list[dict[str, Any]]]:
    return error.http_status, error.grpc_status, error.message, error.details()


async def send(request: Request) -> func.HttpResponse:
    """POST /message:send."""
    task = await request.service.send(request.wire.parse_send(request.params))
    return request.answer(request.wire.send_result(task))


async def send_stream(request: Request) -> func.HttpResponse:
    """POST /message:stream."""
    return await _stream(
        request, request.service.send_stream(request.wire.parse_send(request.params))
    )


async def get_task(request: Request) -> func.HttpResponse:
    """GET /tasks/{id}."""
    _, history = request.wire.parse_task_query({**request.params, "id": request.task_id})
    return request.answer(request.wire.task(await request.service.get(request.task_id, history)))


async def list_tasks(request: Request) -> func.HttpResponse:
    """GET /tasks."""
    page = await request.service.list(request.wire.parse_list(request.params))
    return request.answer(request.wire.task_page(page))


async def cancel_task(request: Request) -> func.HttpResponse:
    """POST /tasks/{id}:cancel."""
    return request.answer(request.wire.task(await request.service.cancel(request.task_id)))


async def subscribe(request: Request) -> func.HttpResponse:
    """GET or POST /tasks/{id}:subscribe."""
    return await _stream(request, request.service.subscribe(request.task_id))


async def no_push_notifications(request: Request) -> func.HttpResponse:
    """/tasks/{id}/pushNotificationConfigs..."""
    raise PushNotificationNotSupportedError("this agent sends no push notifications")


async def no_extended_card(request: Request) -> func.HttpResponse:
    """GET /extendedAgentCard (1.0) or GET /card (0.3)."""
    raise UnsupportedOperationError("this agent has no extended agent card")


Endpoint = Callable[[Request], Awaitable[func.HttpResponse]]


MESSAGE_ENDPOINTS: dict[str, Endpoint] = {"message:send": send, "message:stream": send_stream}


def route(method: str, path: str, legacy: bool) -> tuple[Endpoint, str]:
    """The endpoint of `method path` (below the version prefix) and the task id in it."""
    if method == "POST" and path in MESSAGE_ENDPOINTS:
        return MESSAGE_ENDPOINTS[path], ""
    if method == "GET" and path == "tasks" and not legacy:
        return list_tasks, ""
    if method == "GET" and path == ("card" if legacy else "extendedAgentCard"):
        return no_extended_card, ""
    segments = path.split("/")
    if segments[0] == "tasks" and len(segments) >= 2 and segments[1]:
        return _task_route(method, segments[1:])
    raise MethodNotFoundError(f"no A2A endpoint {method} /{path}")


def _task_route(method: str, segments: list[str]) -> tuple[Endpoint, str]:
    name = segments[0]
    if len(segments) > 1:
        if segments[1] == "pushNotificationConfigs":
            return no_push_notifications, name
    elif name.endswith(":cancel") and method == "POST":
        return cancel_task, name.removesuffix(":cancel")
    elif name.endswith(":subscribe") and method in ("GET", "POST"):
        return subscribe, name.removesuffix(":subscribe")
    elif method == "GET":
        return get_task, name
    raise MethodNotFoundError(f"no A2A endpoint {method} /tasks/{'/'.join(segments)}")


async def dispatch(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Answer one REST request."""
    path = (req.route_params.get("path") or "").strip("/")
    legacy = path == LEGACY_PREFIX or path.startswith(LEGACY_PREFIX + "/")
    try:
        version = requested_version(req.headers, req.params)
        below = path.removeprefix(LEGACY_PREFIX).strip("/") if legacy else path
        endpoint, task_id = route(req.method.upper(), below, legacy)
        require(version, V03 if legacy else V1, f"{req.method.upper()} /{path}")
        body = read_body(req) if req.method.upper() == "POST" else None
        params = {**dict(req.params), **(body if isinstance(body, dict) else {})}
        wire = V03_REST_WIRE if legacy else V1_WIRE
        return await endpoint(Request(TaskService(client, req.headers), wire, task_id, params))
    except AuthError as exc:
        status = _AUTH_STATUS.get(exc.status_code, "UNAVAILABLE")
        body = status_body(exc.status_code, status, auth_message(exc), [])
        return answer(body, exc.status_code, headers=auth_headers(exc))
    except Exception as exc:
        return error_response(a2a_error(exc))


@bp.route(route=ROUTE, methods=["GET", "POST", "DELETE"])
@bp.durable_client_input(client_name="client")
async def a2a_rest(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """The coordinator's A2A HTTP+JSON endpoints."""
    return await dispatch(req, client)
