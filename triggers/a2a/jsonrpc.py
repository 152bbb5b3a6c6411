"""The A2A JSON-RPC binding at `POST /api/a2a`: the 1.0 methods (`SendMessage`,
`SendStreamingMessage`, `GetTask`, `ListTasks`, `CancelTask`, `SubscribeToTask`, ...) with the
1.0 shapes, and the 0.3 methods (`message/send`, `message/stream`, `tasks/get`,
`tasks/cancel`, `tasks/resubscribe`, ...) with the 0.3 shapes.

Each method answers only requests of its version (`A2A-Version: 1.0` for the 1.0 methods, no
header or 0.3 for the 0.3 ones); anything else is VersionNotSupportedError (-32009). Errors
are JSON-RPC errors with HTTP 200, except a refused caller: 401 or 403.
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
    InvalidParamsError,
    InvalidRequestError,
    MethodNotFoundError,
    PushNotificationNotSupportedError,
    UnsupportedOperationError,
)
from triggers.a2a.http import (
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
from triggers.a2a.wire import Wire
from triggers.a2a.wire_proto import V1_WIRE
from triggers.a2a.wire_v03 import V03_JSONRPC_WIRE

bp = df.Blueprint()

ROUTE = "a2a"
AUTH_ERROR_CODE = -32000


@dataclass
class Call:
    """One JSON-RPC call: who answers it, in which shapes, and its id and params."""

    service: TaskService
    wire: Wire
    request_id: Any
    params: dict[str, Any]

    def result(self, result: Any) -> dict[str, Any]:
        """A success response."""
        return {"jsonrpc": "2.0", "id": self.request_id, "result": result}


def error_body(request_id: Any, error: A2AError) -> dict[str, Any]:
    """A JSON-RPC error response; `data` holds the error details."""
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    details = error.details()
    if details:
        body["data"] = details
    return {"jsonrpc": "2.0", "id": request_id, "error": body}


async def _stream(call: Call, events: AsyncIterator[StreamEvent]) -> func.HttpResponse:
    # The first event runs every check, so a refused request is a plain error answer.
    first = await anext(events)
    body = await sse_body(
        prepend(first, events),
        lambda event: call.result(call.wire.event(event)),
        lambda exc: error_body(call.request_id, a2a_error(exc)),
    )
    return event_stream(body)


async def send(call: Call) -> func.HttpResponse:
    """SendMessage / message/send."""
    task = await call.service.send(call.wire.parse_send(call.params))
    return answer(call.result(call.wire.send_result(task)))


async def send_stream(call: Call) -> func.HttpResponse:
    """SendStreamingMessage / message/stream."""
    return await _stream(call, call.service.send_stream(call.wire.parse_send(call.params)))


async def get_task(call: Call) -> func.HttpResponse:
    """GetTask / tasks/get."""
    task_id, history = call.wire.parse_task_query(call.params)
    return answer(call.result(call.wire.task(await call.service.get(task_id, history))))


async def list_tasks(call: Call) -> func.HttpResponse:
    """ListTasks (1.0 only)."""
    page = await call.service.list(V1_WIRE.parse_list(call.params))
    return answer(call.result(V1_WIRE.task_page(page)))


async def cancel_task(call: Call) -> func.HttpResponse:
    """CancelTask / tasks/cancel."""
    task = await call.service.cancel(call.wire.parse_task_id(call.params))
    return answer(call.result(call.wire.task(task)))


async def subscribe(call: Call) -> func.HttpResponse:
    """SubscribeToTask / tasks/resubscribe."""
    return await _stream(call, call.service.subscribe(call.wire.parse_task_id(call.params)))


async def no_push_notifications(call: Call) -> func.HttpResponse:
    """The push notification configuration methods."""
    raise PushNotificationNotSupportedError("this agent sends no push notifications")


async def no_extended_card(call: Call) -> func.HttpResponse:
    """GetExtendedAgentCard / agent/getAuthenticatedExtendedCard."""
    raise UnsupportedOperationError("this agent has no extended agent card")


Method = Callable[[Call], Awaitable[func.HttpResponse]]

V1_METHODS: dict[str, Method] = {
    "SendMessage": send,
    "SendStreamingMessage": send_stream,
    "GetTask": get_task,
    "ListTasks": list_tasks,
    "CancelTask": cancel_task,
    "SubscribeToTask": subscribe,
    "CreateTaskPushNotificationConfig": no_push_notifications,
    "GetTaskPushNotificationConfig": no_push_notifications,
    "ListTaskPushNotificationConfigs": no_push_notifications,
    "DeleteTaskPushNotificationConfig": no_push_notifications,
    "GetExtendedAgentCard": no_extended_card,
}

V03_METHODS: dict[str, Method] = {
    "message/send": send,
    "message/stream": send_stream,
    "tasks/get": get_task,
    "tasks/cancel": cancel_task,
    "tasks/resubscribe": subscribe,
    "tasks/pushNotificationConfig/set": no_push_notifications,
    "tasks/pushNotificationConfig/get": no_push_notifications,
    "tasks/pushNotificationConfig/list": no_push_notifications,
    "tasks/pushNotificationConfig/delete": no_push_notifications,
    "agent/getAuthenticatedExtendedCard": no_extended_card,
}


def _request_id(body: dict[str, Any]) -> Any:
    found = body.get("id")
    return found if isinstance(found, (str, int)) and not isinstance(found, bool) else None


def _method(req: func.HttpRequest, name: str) -> tuple[Method, Wire]:
    version = requested_version(req.headers, req.params)
    if name in V1_METHODS:
        require(version, V1, name)
        return V1_METHODS[name], V1_WIRE
    if name in V03_METHODS:
        require(version, V03, name)
        return V03_METHODS[name], V03_JSONRPC_WIRE
    raise MethodNotFoundError(f"Method not found: {name}")


async def dispatch(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Answer one JSON-RPC request."""
    request_id = None
    try:
        body = read_body(req)
        if not isinstance(body, dict):
            raise InvalidRequestError("the body must be one JSON-RPC request object")
        request_id = _request_id(body)
        name = body.get("method")
        if body.get("jsonrpc") != "2.0" or not isinstance(name, str) or not name:
            raise InvalidRequestError("jsonrpc must be '2.0' and method a non-empty string")
        method, wire = _method(req, name)
        params = body.get("params")
        if params is not None and not isinstance(params, dict):
            raise InvalidParamsError("params", "must be an object")
        return await method(Call(TaskService(client, req.headers), wire, request_id, params or {}))
    except AuthError as exc:
        error = {"code": AUTH_ERROR_CODE, "message": auth_message(exc)}
        body = {"jsonrpc": "2.0", "id": request_id, "error": error}
        return answer(body, exc.status_code, headers=auth_headers(exc))
    except Exception as exc:
        return answer(error_body(request_id, a2a_error(exc)))


@bp.route(route=ROUTE, methods=["POST"])
@bp.durable_client_input(client_name="client")
async def a2a_jsonrpc(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """The coordinator's A2A JSON-RPC endpoint."""
    return await dispatch(req, client)
