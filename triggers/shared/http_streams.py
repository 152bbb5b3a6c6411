"""HTTP triggers served through the Python worker's HTTP streams extension
(`azurefunctions-extensions-http-fastapi`), so that a response can leave as it is produced.

Once the app imports the extension, the worker hands every HTTP trigger the extension's
`Request` (the host forwards the client's request to the worker, the original host and
scheme in `X-Forwarded-Host` / `X-Forwarded-Proto`) and sends back the Starlette `Response`
the trigger returns. `streamed` keeps the app's triggers written against `func.HttpRequest`:
the handler gets the request as a `func.HttpRequest` and may answer with a `func.HttpResponse`
or with any Starlette response, a `StreamingResponse` included. It is also where CORS
(`CORS_ALLOWED_ORIGINS`) applies: a preflight is answered before the handler runs, and every
answer carries the headers the request's Origin earns.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import typing
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import azure.functions as func
from azurefunctions.extensions.http.fastapi import Request, Response
from starlette.datastructures import URL
from starlette.responses import Response as StarletteResponse
from starlette.responses import StreamingResponse
from starlette.types import ASGIApp, Message, Scope

from core.auth.cors import cors_headers, cors_policy, is_preflight, preflight_response

TRIGGER_PARAM = "req"
Answer = func.HttpResponse | StarletteResponse
Handler = Callable[..., Awaitable[Answer] | Answer]
StreamedHandler = Callable[..., Awaitable[StarletteResponse]]
REMEMBERED_URLS = 1024
"""How many distinct request URLs `client_url` keeps the answer for."""
MAX_REMEMBERED_URL = 2048
"""Longer URLs (path, query and hosts together) are built every time, so that a few huge
ones cannot fill the memory."""


def _first(value: str | None) -> str | None:
    return value.split(",", 1)[0].strip() or None if value else None


def _header(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in pairs if key == name), None)


def client_url(request: Request, headers: list[tuple[str, str]] | None = None) -> str:
    """The URL the client called: the forwarded scheme and host, the request's path and
    query (`headers`: the request's headers as pairs, when the caller has them)."""
    pairs = request.headers.items() if headers is None else headers
    scope = request.scope
    server = scope.get("server")
    parts = (
        scope.get("scheme", "http"),
        tuple(server) if server is not None else None,
        scope["path"],
        scope.get("query_string", b""),
        _header(pairs, "host"),
        _first(_header(pairs, "x-forwarded-proto")),
        _first(_header(pairs, "x-forwarded-host")),
    )
    if sum(len(part) for part in parts[2:] if part) > MAX_REMEMBERED_URL:
        return _forwarded_url(*parts)
    return _remembered_url(*parts)


def _forwarded_url(
    scheme: str,
    server: tuple[str, int | None] | None,
    path: str,
    query_string: bytes,
    host_header: str | None,
    forwarded_scheme: str | None,
    forwarded_host: str | None,
) -> str:
    """Starlette's URL of a request with these parts, its scheme and host replaced by the
    forwarded ones."""
    host = [] if host_header is None else [(b"host", host_header.encode("latin-1"))]
    scope = {
        "scheme": scheme,
        "server": server,
        "path": path,
        "query_string": query_string,
        "headers": host,
    }
    url = URL(scope=scope)
    return url.components._replace(
        scheme=forwarded_scheme or url.scheme, netloc=forwarded_host or url.netloc
    ).geturl()


_remembered_url = functools.lru_cache(maxsize=REMEMBERED_URLS)(_forwarded_url)
"""`_forwarded_url`, remembered: a polling client calls the same URL again and again."""


def _joined(pairs: list[tuple[str, str]], separator: str) -> dict[str, str]:
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]}{separator}{value}" if key in joined else value
    return joined


async def to_http_request(request: Request) -> func.HttpRequest:
    """The `func.HttpRequest` the worker would have built: method, the client's URL, headers
    (repeated ones joined by `, `), query (repeated keys joined by `,`), route values, body."""
    headers = request.headers.items()
    query = request.query_params.multi_items() if request.scope.get("query_string") else []
    return func.HttpRequest(
        method=request.method,
        url=client_url(request, headers),
        headers=_joined(headers, ", "),
        params=_joined(query, ","),
        route_params={key: str(value) for key, value in request.path_params.items()},
        body=await request.body(),
    )


def to_response(answer: Answer) -> StarletteResponse:
    """A Starlette response as it is; a `func.HttpResponse` as the same status, headers
    (every `Set-Cookie` kept) and body."""
    if isinstance(answer, StarletteResponse):
        return answer
    response = StarletteResponse(answer.get_body() or b"", status_code=answer.status_code)
    headers = response.headers
    cookies: list[str] = []
    typed = False
    for name, value in answer.headers.items():
        lowered = name.lower()
        if lowered == "set-cookie":
            cookies.append(value)
            continue
        typed = typed or lowered == "content-type"
        headers[name] = value
    for cookie in cookies:
        headers.append("Set-Cookie", cookie)
    if not typed:
        mimetype = answer.mimetype or "text/plain"
        text = mimetype.startswith("text/")
        headers["Content-Type"] = f"{mimetype}; charset={answer.charset}" if text else mimetype
    return response


def streamed(handler: Handler) -> StreamedHandler:
    """`handler` as the worker calls an HTTP trigger under the extension: its `req` is the
    extension's `Request`, its answer a Starlette response. The handler itself still gets a
    `func.HttpRequest` and answers as before; sync handlers run on a worker thread."""

    coroutine = handler if inspect.iscoroutinefunction(handler) else None

    async def serve(**kwargs: Any) -> StarletteResponse:
        req = kwargs[TRIGGER_PARAM] = await to_http_request(kwargs[TRIGGER_PARAM])
        policy = cors_policy()
        if is_preflight(req.method, req.headers):
            return to_response(preflight_response(req.headers, policy))
        if coroutine is not None:
            answer = await coroutine(**kwargs)
        else:
            answer = await asyncio.to_thread(functools.partial(handler, **kwargs))
        response = to_response(answer)
        if policy.enabled:
            response.headers.update(cors_headers(req.headers, response.headers.get("vary"), policy))
        return response

    # The worker reads the parameters with inspect.signature and their types with
    # typing.get_type_hints: both must show the extension's types.
    hints = {**typing.get_type_hints(handler), TRIGGER_PARAM: Request, "return": Response}
    signature = inspect.signature(handler)
    parameters = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()
    ]
    functools.update_wrapper(serve, handler, updated=())
    delattr(serve, "__wrapped__")
    serve.__annotations__ = hints
    serve.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=Response
    )
    return serve


def asgi_scope(req: func.HttpRequest, root_path: str) -> Scope:
    """The ASGI scope of `req` for an app mounted at `root_path`."""
    url = urlsplit(req.url)
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": req.method,
        "scheme": url.scheme or "http",
        "path": unquote(url.path),
        "raw_path": url.path.encode(),
        "root_path": root_path,
        "query_string": url.query.encode(),
        "headers": [(k.lower().encode(), v.encode("latin-1")) for k, v in req.headers.items()],
        "server": (url.hostname or "localhost", url.port),
        "client": None,
    }


async def asgi_response(app: ASGIApp, req: func.HttpRequest, root_path: str) -> StarletteResponse:
    """The response of the ASGI `app` to `req`, streamed: it is returned once the app sent
    its status, headers and first part of the body, and the rest follows as the app sends
    it."""
    messages: asyncio.Queue[Message] = asyncio.Queue()
    body = req.get_body() or b""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            # The client's going away ends the response's body instead (see parts()).
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def run() -> None:
        try:
            await app(asgi_scope(req, root_path), receive, messages.put)
        finally:
            await messages.put({"type": "http.response.body", "body": b"", "more_body": False})

    task = asyncio.create_task(run())
    start = await messages.get()
    if start["type"] != "http.response.start":
        await task
        raise RuntimeError("the ASGI app ended without a response")
    first = await messages.get()

    async def parts() -> AsyncIterator[bytes]:
        message = first
        try:
            while True:
                if message.get("body"):
                    yield message["body"]
                if not message.get("more_body"):
                    return
                message = await messages.get()
        finally:
            task.cancel()

    response = StreamingResponse(parts(), status_code=start["status"])
    response.raw_headers = [(k.lower(), v) for k, v in start.get("headers", [])]
    return response
