"""HTTP-triggered functions: route matching, auth, `func.HttpRequest` in, `HttpResponse` out."""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass

import azure.functions as func
from aiohttp import web
from multidict import MultiMapping

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.host.http_streams import (
    as_response,
    send_response,
    takes_streaming_request,
    to_streaming_request,
)
from devhost.host.invoker import Invoker
from devhost.host.keys import AuthLevel
from devhost.host.routes import RouteTemplate, compile_route, sort_by_precedence

logger = logging.getLogger("devhost.http")

# Header names, spelled once: function answers and aiohttp's headers ignore their case.
CONTENT_TYPE = "Content-Type"
SET_COOKIE = "Set-Cookie"


@dataclass(frozen=True)
class HttpFunction:
    """One HTTP trigger: its function, route, allowed methods (None = all) and auth level."""

    function: FunctionInfo
    route: RouteTemplate
    methods: frozenset[str] | None
    auth_level: AuthLevel
    streaming: bool = False
    """True when the function takes the HTTP streams extension's `Request`."""

    @property
    def url_path(self) -> str:
        """The path clients call, e.g. `/api/orders/{id}`."""
        return "/" + self.route.template

    def allows(self, method: str) -> bool:
        """True when the trigger accepts this HTTP method."""
        return self.methods is None or method.upper() in self.methods


def http_functions(index: FunctionIndex, route_prefix: str) -> list[HttpFunction]:
    """Every HTTP trigger of the app, ordered by route precedence."""
    found: list[HttpFunction] = []
    for function in index.of_type("httpTrigger"):
        route = str(function.trigger.get("route") or function.name).strip("/")
        if route.split("/")[0].casefold() == "admin":
            # The Functions host reserves `admin` for its own API and does not load such a
            # function, whatever the route prefix.
            logger.error(
                "Function '%s' is not served: its route '%s' starts with the reserved 'admin' segment",
                function.name,
                route,
            )
            continue
        template = "/".join(p for p in (route_prefix.strip("/"), route) if p)
        methods = function.trigger.get("methods")
        found.append(
            HttpFunction(
                function=function,
                route=compile_route(template),
                methods=frozenset(str(m).upper() for m in methods) if methods else None,
                auth_level=AuthLevel.parse(function.trigger.get("authLevel")),
                streaming=takes_streaming_request(function),
            )
        )
    warn_of_mixed_models(found)
    order = {id(t): i for i, t in enumerate(sort_by_precedence([f.route for f in found]))}
    return sorted(found, key=lambda f: order[id(f.route)])


def warn_of_mixed_models(found: list[HttpFunction]) -> None:
    """Log an error naming the `func.HttpRequest` triggers of an app whose other triggers
    take the HTTP streams extension's `Request`: the Python worker does not load them."""
    plain = sorted(f.function.name for f in found if not f.streaming)
    if plain and len(plain) < len(found):
        logger.error(
            "Functions %s take func.HttpRequest while others take the HTTP streams extension's "
            "Request: once an app imports the extension, the Python worker requires every HTTP "
            "trigger to take its Request and does not load these",
            ", ".join(plain),
        )


def match(
    functions: list[HttpFunction], path: str, method: str
) -> tuple[HttpFunction, dict[str, str]] | None:
    """The first trigger whose route and method match, with its route values."""
    for candidate in functions:
        if not candidate.allows(method):
            continue
        values = candidate.route.match(path)
        if values is not None:
            return candidate, values
    return None


Match = tuple[HttpFunction, dict[str, str]]


class RouteTable:
    """The app's HTTP triggers in precedence order; remembers the outcome for recent short
    paths (a client polling one status URL asks for the same one again and again)."""

    REMEMBERED = 4096
    MAX_REMEMBERED_PATH = 512

    def __init__(self, functions: list[HttpFunction]) -> None:
        self.functions = functions
        self._recent = functools.lru_cache(maxsize=self.REMEMBERED)(self._find)

    def _find(self, path: str, method: str) -> Match | None:
        return match(self.functions, path, method)

    def match(self, path: str, method: str) -> Match | None:
        """The first trigger whose route and method match, with its route values."""
        if len(path) > self.MAX_REMEMBERED_PATH:
            return self._find(path, method)
        found = self._recent(path, method)
        return None if found is None else (found[0], dict(found[1]))


def _joined(values: MultiMapping[str], separator: str) -> dict[str, str]:
    """One value per name, repeated values joined by `separator`."""
    return {key: separator.join(values.getall(key)) for key in values}


async def to_http_request(request: web.Request, route_params: dict[str, str]) -> func.HttpRequest:
    """A `func.HttpRequest` with what the host forwards: method, full URL, headers, query
    (repeated keys joined by commas), route values and the raw body."""
    body = await request.read()
    return func.HttpRequest(
        method=request.method,
        url=str(request.url),
        headers=_joined(request.headers, ", "),
        params=_joined(request.query, ","),
        route_params=route_params,
        body=body,
    )


def to_web_response(result: object) -> web.Response:
    """The HTTP response for a function's return value; anything but `HttpResponse`, `str`
    or None is a worker error (500), as in the real worker."""
    if result is None:
        return web.Response(status=204)
    if isinstance(result, str):
        return web.Response(text=result)  # text/plain; charset=utf-8
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"unsupported HTTP return type {type(result).__name__}")
    response = web.Response(status=result.status_code, body=result.get_body())
    headers = result.headers
    for name, value in headers.items():
        if name.lower() != SET_COOKIE.lower():
            response.headers[name] = value
    for cookie in headers.get_all(SET_COOKIE):
        response.headers.add(SET_COOKIE, cookie)
    if CONTENT_TYPE not in headers:
        mimetype = result.mimetype
        response.headers[CONTENT_TYPE] = (
            f"{mimetype}; charset={result.charset}" if mimetype.startswith("text/") else mimetype
        )
    return response


class HttpTriggerDispatcher:
    """Runs matched HTTP triggers, bounded by host.json `maxConcurrentRequests` and
    rejecting with 429 beyond `maxOutstandingRequests`."""

    def __init__(
        self,
        invoker: Invoker,
        max_concurrent: int | None = None,
        max_outstanding: int | None = None,
    ) -> None:
        self._invoker = invoker
        self._slots = asyncio.Semaphore(max_concurrent) if max_concurrent else None
        self._max_outstanding = max_outstanding
        self._outstanding = 0

    async def dispatch(
        self, request: web.Request, target: HttpFunction, route_params: dict[str, str]
    ) -> web.StreamResponse:
        """Invoke the trigger for this request; unhandled exceptions become an empty 500."""
        if self._max_outstanding is not None and self._outstanding >= self._max_outstanding:
            return web.Response(status=429)
        self._outstanding += 1
        try:
            if self._slots is None:
                return await self._run(request, target, route_params)
            async with self._slots:
                return await self._run(request, target, route_params)
        finally:
            self._outstanding -= 1

    async def _run(
        self, request: web.Request, target: HttpFunction, route_params: dict[str, str]
    ) -> web.StreamResponse:
        if target.streaming:
            return await self._stream(request, target, route_params)
        http_request = await to_http_request(request, route_params)
        try:
            invocation = await self._invoker.invoke(target.function, http_request)
            return to_web_response(invocation.output("http", target.function))
        except Exception:
            logger.exception("Executed 'Functions.%s' (Failed)", target.function.name)
            return web.Response(status=500)

    async def _stream(
        self, request: web.Request, target: HttpFunction, route_params: dict[str, str]
    ) -> web.StreamResponse:
        streaming_request = await to_streaming_request(request, route_params)
        try:
            invocation = await self._invoker.invoke(target.function, streaming_request)
            response = as_response(invocation.output("http", target.function))
        except Exception:
            logger.exception("Executed 'Functions.%s' (Failed)", target.function.name)
            return web.Response(status=500)
        return await send_response(request, streaming_request.scope, response)
