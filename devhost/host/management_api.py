"""The Durable Functions HTTP API (`/runtime/webhooks/durabletask/...`), with the routes,
status codes, headers and bodies of the extension's HttpApiHandler. The same handlers serve
the local RPC endpoint the Python SDK's `DurableOrchestrationClient` calls."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from devhost.engine.errors import (
    FunctionNotFoundError,
    InstanceExistsError,
    InstanceNotFoundError,
    InstanceStateError,
    InvalidContinuationTokenError,
)
from devhost.engine.types import InstanceQuery, InstanceState, RuntimeStatus
from devhost.host.durable_client import WebhookSettings, management_links
from devhost.host.engine_port import DurableEngine
from devhost.host.formatting import error_body, status_payload
from devhost.host.request_body import MalformedBodyError, body_text, parse_json
from devhost.host.request_params import QueryParams
from devhost.host.request_urls import RequestUrls

DEFAULT_PAGE_SIZE = 100
MAX_INSTANCE_ID_LENGTH = 256
CONTINUATION_HEADER = "x-ms-continuation-token"
_RUNNING = frozenset(
    {
        RuntimeStatus.RUNNING,
        RuntimeStatus.PENDING,
        RuntimeStatus.CONTINUED_AS_NEW,
        RuntimeStatus.SUSPENDED,
    }
)
_INVALID_ID = re.compile(r"[/\\?#\x00-\x1f\x7f-\x9f]")


def json_response(value: Any, status: int = 200) -> web.Response:
    """A JSON body written compactly, as Newtonsoft.Json does."""
    return web.Response(
        body=json.dumps(value, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def _server_error(exc: Exception) -> web.Response:
    return json_response(error_body("Something went wrong while processing your request", exc), 500)


def _check_instance_id(instance_id: str) -> None:
    if instance_id.startswith("@"):
        raise ValueError("Orchestration instance ids must not start with @.")
    if _INVALID_ID.search(instance_id):
        raise ValueError(
            "Orchestration instance ids must not contain /, \\, #, ?, or control characters."
        )
    if len(instance_id) > MAX_INSTANCE_ID_LENGTH:
        raise ValueError(
            f"Instance ID lengths must not exceed {MAX_INSTANCE_ID_LENGTH} characters."
        )


class ManagementApi:
    """Handlers for one engine; `public` mounts build links from the request's origin."""

    def __init__(self, engine: DurableEngine, webhooks: WebhookSettings, *, public: bool) -> None:
        self._engine = engine
        self._webhooks = webhooks
        self._public = public
        self._urls = RequestUrls()

    def routes(self, prefix: str) -> list[web.RouteDef]:
        """The API's routes under `prefix` (no trailing slash)."""
        instance = prefix + "/instances/{instanceId}"
        return [
            web.post(prefix + "/orchestrators/{functionName}", self.start),
            web.post(prefix + "/orchestrators/{functionName}/{instanceId}", self.start),
            web.get(prefix + "/instances", self.list_instances),
            web.get(prefix + "/instances/", self.list_instances),
            web.delete(prefix + "/instances", self.purge_by),
            web.delete(prefix + "/instances/", self.purge_by),
            web.get(instance, self.get_status),
            web.delete(instance, self.purge),
            web.post(instance + "/raiseEvent/{eventName}", self.raise_event),
            web.post(instance + "/{operation}", self.operate),
        ]

    def _origin(self, request: web.Request) -> str | None:
        return f"{request.scheme}://{request.host}" if self._public else None

    def check_status_response(self, request: web.Request, instance_id: str) -> web.Response:
        """The 202 of the async HTTP pattern: management links, `Location`, `Retry-After: 10`."""
        links = management_links(self._webhooks, instance_id, origin=self._origin(request))
        response = json_response(links, 202)
        response.headers["Location"] = links["statusQueryGetUri"]
        response.headers["Retry-After"] = "10"
        return response

    async def _state(self, instance_id: str) -> InstanceState | None:
        try:
            return await self._engine.get_status(instance_id, show_input=False)
        except InstanceNotFoundError:
            return None

    async def _wait_or_check_status(self, request: web.Request, instance_id: str) -> web.Response:
        params = QueryParams(request)
        timeout, interval = params.seconds("timeout"), params.seconds("pollingInterval")
        if timeout is None or interval is None:
            return self.check_status_response(request, instance_id)
        state = await self._engine.wait_for_completion(instance_id, timeout)
        if state.runtime_status is RuntimeStatus.COMPLETED:
            return web.Response(
                status=200,
                text=state.output or "null",
                content_type="application/json",
                charset="utf-8",
            )
        if state.runtime_status.is_terminal:
            return await self.get_status(request, instance_id)
        return self.check_status_response(request, instance_id)

    async def start(self, request: web.Request) -> web.Response:
        """POST orchestrators/{functionName}[/{instanceId}]: start, then 202 (or wait)."""
        name = request.match_info["functionName"]
        instance_id = request.match_info.get("instanceId") or None
        try:
            text = await body_text(request)
            if instance_id is not None:
                _check_instance_id(instance_id)
            if text.strip():
                parse_json(text)
            new_id = await self._engine.start_new(
                name,
                instance_id,
                text if text.strip() else None,
                QueryParams(request).get("version"),
            )
        except MalformedBodyError as exc:
            return json_response(error_body("Invalid JSON content", exc), 400)
        except (ValueError, FunctionNotFoundError) as exc:
            return json_response(
                error_body("One or more of the arguments submitted is incorrect", exc), 400
            )
        except InstanceExistsError as exc:
            return _server_error(exc)
        return await self._wait_or_check_status(request, new_id)

    async def get_status(
        self, request: web.Request, instance_id: str | None = None
    ) -> web.Response:
        """GET instances/{id}: 202 while running (with `Location`, `Retry-After: 5`), 200 when
        finished, 500 for a failure only if `returnInternalServerErrorOnFailure=true`, 404."""
        instance_id = instance_id or request.match_info["instanceId"]
        params = QueryParams(request)
        show_input = params.boolean("showInput", True)
        try:
            state = await self._engine.get_status(
                instance_id,
                show_history=params.boolean("showHistory", False),
                show_history_output=params.boolean("showHistoryOutput", False),
                show_input=show_input,
            )
        except InstanceNotFoundError:
            return web.Response(status=404)
        status = state.runtime_status
        code = 200
        if status in _RUNNING:
            code = 202
        elif status is RuntimeStatus.FAILED and params.boolean(
            "returnInternalServerErrorOnFailure", False
        ):
            code = 500
        response = json_response(status_payload(state, show_input=show_input), code)
        if code == 202:
            response.headers["Location"] = self._urls.of(request)
            response.headers["Retry-After"] = "5"
        return response

    async def list_instances(self, request: web.Request) -> web.Response:
        """GET instances: one page of statuses filtered by the query, next page token in the
        `x-ms-continuation-token` header."""
        params = QueryParams(request)
        show_input = params.boolean("showInput", True)
        try:
            page = await self._engine.query(
                InstanceQuery(
                    created_from=params.time("createdTimeFrom"),
                    created_to=params.time("createdTimeTo"),
                    runtime_status=params.statuses(),
                    instance_id_prefix=params.get("instanceIdPrefix"),
                    top=params.integer("top") or DEFAULT_PAGE_SIZE,
                    continuation_token=request.headers.get(CONTINUATION_HEADER) or None,
                )
            )
        except InvalidContinuationTokenError as exc:
            return json_response(error_body(str(exc)), 400)
        response = json_response([status_payload(s, show_input=show_input) for s in page.instances])
        response.headers[CONTINUATION_HEADER] = page.continuation_token or ""
        return response

    async def purge(self, request: web.Request) -> web.Response:
        """DELETE instances/{id}: 200 `{"instancesDeleted": n}`, or 404."""
        instance_id = request.match_info["instanceId"]
        if await self._state(instance_id) is None:
            return web.Response(status=404)
        return json_response({"instancesDeleted": await self._engine.purge(instance_id)})

    async def purge_by(self, request: web.Request) -> web.Response:
        """DELETE instances?createdTimeFrom=...: 200 with the count, 404 when none matched,
        400 without `createdTimeFrom`."""
        params = QueryParams(request)
        created_from = params.time("createdTimeFrom")
        if created_from is None:
            return json_response("Please provide value for 'createdTimeFrom' parameter.", 400)
        created_to = params.time("createdTimeTo") or datetime.now(UTC)
        deleted = await self._engine.purge_by(created_from, created_to, params.statuses())
        if not deleted:
            return web.Response(status=404)
        return json_response({"instancesDeleted": deleted})

    async def raise_event(self, request: web.Request) -> web.Response:
        """POST instances/{id}/raiseEvent/{name}: 202, 404 unknown, 410 finished, 400 for
        content that is not JSON."""
        instance_id = request.match_info["instanceId"]
        state = await self._state(instance_id)
        if state is None:
            return web.Response(status=404)
        if state.runtime_status.is_terminal:
            return web.Response(status=410)
        if request.content_type.lower() != "application/json":
            return json_response(
                error_body("Only application/json request content is supported"), 400
            )
        try:
            text = await body_text(request)
            parse_json(text or "null")
        except MalformedBodyError as exc:
            return json_response(error_body("Invalid JSON content", exc), 400)
        try:
            await self._engine.raise_event(
                instance_id, request.match_info["eventName"], text or "null"
            )
        except InstanceStateError:
            return web.Response(status=410)
        return web.Response(status=202)

    async def operate(self, request: web.Request) -> web.Response:
        """POST instances/{id}/{terminate|suspend|resume|rewind|restart}."""
        operation = request.match_info["operation"].casefold()
        instance_id = request.match_info["instanceId"]
        if operation == "restart":
            return await self._restart(request, instance_id)
        if operation not in ("terminate", "suspend", "resume", "rewind"):
            return web.Response(status=404)
        state = await self._state(instance_id)
        if state is None:
            return web.Response(status=404)
        gone = state.runtime_status.is_terminal
        if operation == "rewind":
            gone = gone and state.runtime_status is not RuntimeStatus.FAILED
        if gone:
            return web.Response(status=410)
        reason = QueryParams(request).get("reason")
        try:
            await getattr(self._engine, operation)(instance_id, reason)
        except InstanceStateError as exc:
            return _server_error(exc)
        return web.Response(status=202)

    async def _restart(self, request: web.Request, instance_id: str) -> web.Response:
        new_id_wanted = QueryParams(request).boolean("restartWithNewInstanceId", True)
        try:
            new_id = await self._engine.restart(instance_id, new_id_wanted)
        except InstanceNotFoundError as exc:
            return json_response(
                error_body("InstanceId does not match a valid orchestration instance.", exc), 400
            )
        except InstanceExistsError as exc:
            return _server_error(exc)
        return await self._wait_or_check_status(request, new_id)
