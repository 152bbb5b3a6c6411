"""HTTP triggers served the way the Python worker serves them with the HTTP streams extension
(`azurefunctions-extensions-http-fastapi`): the function takes the extension's `Request` (a
Starlette request with the route values as `path_params`) and returns a Starlette
`Response`, whose body goes to the client as the function produces it (`StreamingResponse`).

The worker switches every HTTP trigger of an app to this model once the app imports the
extension; devhost decides per function, from the trigger parameter's annotation, so that
apps loaded side by side in one process keep their own model.
"""

from __future__ import annotations

import inspect
import json
import logging

from aiohttp import hdrs, web
from multidict import CIMultiDict
from pydantic import BaseModel
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Scope

from devhost.app_loader import FunctionInfo

logger = logging.getLogger("devhost.http")


def takes_streaming_request(function: FunctionInfo) -> bool:
    """True when the function's trigger parameter is annotated with a Starlette `Request`
    (the extension's `Request` is FastAPI's, a Starlette request)."""
    try:
        parameter = inspect.signature(function.func).parameters.get(function.trigger_param)
    except (TypeError, ValueError):
        return False
    annotation = parameter.annotation if parameter is not None else None
    return inspect.isclass(annotation) and issubclass(annotation, Request)


_REPLACED = {b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-for"}


def _forwarded_headers(request: web.Request) -> list[tuple[bytes, bytes]]:
    """The headers as the host forwards them to the worker: `Host` names the worker, the
    client's host, scheme and address go in `X-Forwarded-*` (any the client sent replaced)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    worker = f"127.0.0.1:{sockname[1]}" if isinstance(sockname, tuple) else "127.0.0.1"
    headers = [(k.lower(), v) for k, v in request.raw_headers if k.lower() not in _REPLACED]
    forwarded = {
        "host": worker,
        "x-forwarded-host": request.host,
        "x-forwarded-proto": request.scheme,
    }
    if request.remote:
        forwarded["x-forwarded-for"] = request.remote
    return headers + [(k.encode(), v.encode("latin-1")) for k, v in forwarded.items()]


def _scope(request: web.Request, route_params: dict[str, str]) -> Scope:
    path, _, query = request.raw_path.partition("?")
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": f"{request.version.major}.{request.version.minor}",
        "method": request.method,
        "scheme": "http",
        "path": request.path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": _forwarded_headers(request),
        "client": tuple(peer[:2]) if isinstance(peer, tuple) else None,
        "server": None,
        "path_params": dict(route_params),
    }


async def to_streaming_request(request: web.Request, route_params: dict[str, str]) -> Request:
    """The Starlette request the worker hands the function: method, path, query, headers as
    forwarded, the route values as `path_params` and the body (read within the host's size
    limit)."""
    body = await request.read()
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(_scope(request, route_params), receive)


def as_response(result: object) -> Response:
    """The function's return value as a response: a Starlette `Response` as it is, anything
    else as JSON, as FastAPI renders a route's return value."""
    if isinstance(result, Response):
        return result
    if isinstance(result, BaseModel):
        return JSONResponse(result.model_dump(mode="json"))
    return JSONResponse(json.loads(json.dumps(result, default=str)))


def whole_response(response: Response) -> web.Response | None:
    """`response` as one aiohttp response, when its body is already whole: a plain Starlette
    response (no streaming, no background task) that states its length. The client gets
    the same bytes as from `send_response`, written at once instead of in parts."""
    if type(response).__call__ is not Response.__call__ or response.background is not None:
        return None
    headers = CIMultiDict(
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in response.raw_headers
    )
    if hdrs.CONTENT_LENGTH not in headers:
        return None
    return web.Response(status=response.status_code, body=bytes(response.body), headers=headers)


async def send_response(
    request: web.Request, scope: Scope, response: Response
) -> web.StreamResponse:
    """Send `response` to the client as the ASGI server does: headers first, then each part
    of the body as soon as the response yields it (a whole body goes out with the headers)."""
    whole = whole_response(response)
    if whole is not None:
        return whole
    sent = web.StreamResponse()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            sent.set_status(message["status"])
            for name, value in message.get("headers", []):
                sent.headers.add(name.decode("latin-1"), value.decode("latin-1"))
            await sent.prepare(request)
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            if body:
                await sent.write(body)

    try:
        await response(scope, receive, send)
    except (ClientDisconnect, ConnectionResetError):
        logger.info(
            "The client of %s %s went away during the response", request.method, request.path
        )
        return sent
    await sent.write_eof()
    return sent
