"""CORS from `local.settings.json` `Host.CORS` and `Host.CORSCredentials`, as `func start`
applies it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[..., Awaitable[web.StreamResponse]]
PrepareHook = Callable[[web.Request, web.StreamResponse], Awaitable[None]]
_GRANT = web.RequestKey("cors_grant", str)


def cors_middleware(origins: tuple[str, ...], credentials: bool) -> tuple[Middleware, PrepareHook]:
    """A middleware answering preflights, and a response-prepare hook adding
    `Access-Control-Allow-*` headers for allowed origins (`*` allows any) as the headers
    leave, streamed responses included."""

    def allowed(origin: str) -> str | None:
        if "*" in origins:
            return origin if credentials else "*"
        return origin if origin in origins else None

    def decorate(response: web.StreamResponse, origin: str) -> None:
        response.headers["Access-Control-Allow-Origin"] = origin
        if credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if origin != "*":
            response.headers.add("Vary", "Origin")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        grant = allowed(origin) if origin and origins else None
        if grant is None:
            return await handler(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            preflight = web.Response(status=204)
            decorate(preflight, grant)
            preflight.headers["Access-Control-Allow-Methods"] = request.headers[
                "Access-Control-Request-Method"
            ]
            wanted = request.headers.get("Access-Control-Request-Headers")
            if wanted:
                preflight.headers["Access-Control-Allow-Headers"] = wanted
            return preflight
        request[_GRANT] = grant
        return await handler(request)

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        grant = request.get(_GRANT)
        if grant is not None and response is not None:
            decorate(response, grant)

    return middleware, on_prepare
