"""CORS from `local.settings.json` `Host.CORS` and `Host.CORSCredentials`, as `func start`
applies it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cors_middleware(
    origins: tuple[str, ...], credentials: bool
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """A middleware answering preflights and adding `Access-Control-Allow-*` headers for
    allowed origins (`*` allows any)."""

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
        response = await handler(request)
        decorate(response, grant)
        return response

    return middleware
