"""The A2A bindings as Functions HTTP triggers: the SDK's JSON-RPC routes at `POST /api/a2a`
and HTTP+JSON routes under `/api/a2a/rest` (each with 0.3 compatibility: the 0.3 JSON-RPC
methods, and the 0.3 REST endpoints under `/v1`), with `CoordinatorRequestHandler` behind
them, and the agent card. The SDK's answer is streamed (`asgi_response`): the events of
`SendStreamingMessage` and `SubscribeToTask` reach the client as the task goes on.

The trigger answers itself, in the binding's error shape, what the SDK has no answer for: a
body above MAX_BODY_BYTES (413), a refused caller (401, 403) and an unreachable Durable
backend (503).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import azure.durable_functions as df
import azure.functions as func
from a2a.server.context import ServerCallContext
from a2a.server.request_handlers.response_helpers import build_error_response
from a2a.server.routes import create_jsonrpc_routes, create_rest_routes
from a2a.server.routes.common import DefaultServerCallContextBuilder
from a2a.utils.constants import PROTOCOL_VERSION_0_3, PROTOCOL_VERSION_1_0, VERSION_HEADER
from a2a.utils.error_handlers import build_rest_error_payload
from a2a.utils.errors import InvalidParamsError, MethodNotFoundError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.auth.headers import header_value
from triggers.a2a.card import JSONRPC_ROUTE, REST_ROUTE, agent_card, card_json
from triggers.a2a.handler import CoordinatorRequestHandler
from triggers.a2a.invocation import HttpFailure, Invocation, answering
from triggers.shared import routes
from triggers.shared.endpoint import MAX_BODY_BYTES
from triggers.shared.http_streams import asgi_response, streamed

bp = df.Blueprint()

CARD_ROUTE = ".well-known/agent-card.json"
_GRPC_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    413: "INVALID_ARGUMENT",
    503: "UNAVAILABLE",
}
_JSONRPC_CODE = {400: -32600, 401: -32000, 403: -32000, 413: -32600, 503: -32603}


class VersionContextBuilder(DefaultServerCallContextBuilder):
    """The SDK's call context; the protocol version may also come as the `A2A-Version` query
    parameter, as the A2A spec allows."""

    def build(self, request: Request) -> ServerCallContext:
        """The context of `request`, its headers completed with a queried version."""
        context = super().build(request)
        queried = request.query_params.get(VERSION_HEADER)
        headers = context.state["headers"]
        if queried and not headers.get(VERSION_HEADER.lower()):
            headers[VERSION_HEADER.lower()] = queried
        return context


async def _no_endpoint(request: Request, exc: Exception) -> Response:
    """Unknown REST paths and methods: a `google.rpc.Status` 404, as for an unknown method."""
    error = MethodNotFoundError(message=f"no A2A endpoint {request.method} {request.url.path}")
    return JSONResponse(build_rest_error_payload(error), status_code=404)


_HANDLER = CoordinatorRequestHandler()
_CONTEXT = VersionContextBuilder()
APP = Starlette(
    routes=[
        *create_jsonrpc_routes(
            _HANDLER, "/" + JSONRPC_ROUTE, context_builder=_CONTEXT, enable_v0_3_compat=True
        ),
        *create_rest_routes(
            _HANDLER,
            context_builder=_CONTEXT,
            enable_v0_3_compat=True,
            path_prefix="/" + REST_ROUTE,
        ),
    ],
    exception_handlers={404: _no_endpoint, 405: _no_endpoint},
)
"""The SDK's routes, relative to the API root (the host's route prefix)."""


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        mimetype="application/json",
        charset="utf-8",
        headers=headers,
    )


def jsonrpc_failure(failure: HttpFailure, request_id: str | int | None) -> func.HttpResponse:
    """A JSON-RPC error response with the failure's HTTP status."""
    error = {"code": _JSONRPC_CODE.get(failure.status, -32603), "message": failure.message}
    return _json(
        {"jsonrpc": "2.0", "id": request_id, "error": error}, failure.status, failure.headers
    )


def rest_failure(failure: HttpFailure) -> func.HttpResponse:
    """A `google.rpc.Status` error with the failure's HTTP status."""
    status = _GRPC_STATUS.get(failure.status, "INTERNAL")
    error = {"code": failure.status, "status": status, "message": failure.message}
    return _json({"error": error}, failure.status, failure.headers)


def _request(body: bytes) -> Any:
    """The JSON of a JSON-RPC request (None when it is not JSON: the SDK answers that)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _request_id(request: Any) -> str | int | None:
    """The id of a JSON-RPC request, where one can be read (for the failure answers)."""
    request_id = request.get("id") if isinstance(request, dict) else None
    valid = isinstance(request_id, str | int) and not isinstance(request_id, bool)
    return request_id if valid else None


def _has_lone_surrogate(request: Any) -> bool:
    """True when a string of the JSON is not Unicode text (an unpaired surrogate escape),
    which the SDK's types cannot hold."""
    try:
        json.dumps(request, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


async def serve(
    req: func.HttpRequest,
    client: df.DurableOrchestrationClient,
    failed: Callable[[HttpFailure], func.HttpResponse],
) -> func.HttpResponse | Response:
    """Answer `req` with the SDK's routes; `failed` renders a failure the trigger answers."""
    body = req.get_body() or b""
    if len(body) > MAX_BODY_BYTES:
        return failed(
            HttpFailure(
                413, f"the body has {len(body)} bytes; at most {MAX_BODY_BYTES} are accepted"
            )
        )
    try:
        path = unquote_to_bytes(urlsplit(req.url).path).decode()
    except UnicodeDecodeError:
        return failed(HttpFailure(400, "the URL path is not valid UTF-8 once decoded"))
    root_path = path[: path.find("/" + JSONRPC_ROUTE)]
    invocation = Invocation(client, req.headers)
    with answering(invocation):
        response = await asgi_response(APP, req, root_path)
    if invocation.failure is not None:
        return failed(invocation.failure)
    return response


@bp.route(route=JSONRPC_ROUTE, methods=["POST"])
@bp.durable_client_input(client_name="client")
@streamed
async def a2a_jsonrpc(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse | Response:
    """The coordinator's A2A JSON-RPC endpoint."""
    request = _request(req.get_body() or b"")
    request_id = _request_id(request)
    if _has_lone_surrogate(request):
        error = InvalidParamsError(message="strings must be Unicode text: no lone surrogates")
        return _json(build_error_response(request_id, error), 200)
    return await serve(req, client, lambda failure: jsonrpc_failure(failure, request_id))


@bp.route(route=REST_ROUTE + "/{*path}", methods=["GET", "POST", "DELETE"])
@bp.durable_client_input(client_name="client")
@streamed
async def a2a_rest(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse | Response:
    """The coordinator's A2A HTTP+JSON endpoints."""
    return await serve(req, client, rest_failure)


def requested_card_version(req: func.HttpRequest) -> str:
    """`0.3` when the client asks for a 0.3 card (`A2A-Version: 0.3`, header or query
    parameter), else `1.0`."""
    given = header_value(req.headers, VERSION_HEADER) or req.params.get(VERSION_HEADER) or ""
    major = given.strip().split(".", 1)[0]
    return PROTOCOL_VERSION_0_3 if major == "0" else PROTOCOL_VERSION_1_0


@bp.route(route=CARD_ROUTE, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@streamed
def a2a_agent_card(req: func.HttpRequest) -> func.HttpResponse:
    """The public agent card, in the shape of the protocol version the client asks for."""
    card = agent_card(routes.api_base(req, CARD_ROUTE))
    return _json(
        card_json(card, requested_card_version(req)),
        200,
        {"Cache-Control": "public, max-age=300", "Vary": VERSION_HEADER},
    )
