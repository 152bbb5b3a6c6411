"""Admin endpoints: invoke any non-HTTP function by hand (`POST /admin/functions/{name}` with
`{"input": ...}`, 202 like the host) and the host status."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from aiohttp import web

from devhost.app_loader import FunctionIndex
from devhost.host.formatting import error_body
from devhost.host.invoker import Invoker
from devhost.host.management_api import json_response
from devhost.host.request_body import MalformedBodyError, body_text, parse_json
from devhost.host.timers import TimerService

logger = logging.getLogger("devhost.admin")
HOST_VERSION = "4.1037.0"
_NOT_INVOKABLE = frozenset(
    {"httpTrigger", "orchestrationTrigger", "activityTrigger", "entityTrigger"}
)


class AdminApi:
    """Handlers under `/admin`; callers are checked for the master key elsewhere."""

    def __init__(self, index: FunctionIndex, invoker: Invoker, timers: TimerService) -> None:
        self._index = index
        self._invoker = invoker
        self._timers = timers
        self._instance_id = uuid.uuid4().hex
        self._running: set[asyncio.Task[None]] = set()

    def routes(self) -> list[web.RouteDef]:
        """The admin routes."""
        return [
            web.post("/admin/functions/{name}", self.invoke),
            web.get("/admin/host/status", self.host_status),
        ]

    async def host_status(self, request: web.Request) -> web.Response:
        """The host's state, as `/admin/host/status` reports it."""
        return json_response(
            {
                "id": self._instance_id,
                "state": "Running",
                "version": HOST_VERSION,
                "processUptime": 0,
            }
        )

    async def invoke(self, request: web.Request) -> web.Response:
        """Queue one run of the named function with the body's `input`; 202 at once."""
        function = self._index.by_name(request.match_info["name"])
        if function is None:
            return web.Response(status=404)
        if function.trigger_type in _NOT_INVOKABLE:
            message = f"'{function.name}' ({function.trigger_type}) cannot be invoked here."
            return json_response(error_body(message), 400)
        try:
            body: Any = parse_json(await body_text(request) or "{}")
        except MalformedBodyError as exc:
            return json_response(error_body("Invalid JSON content", exc), 400)
        data = body.get("input") if isinstance(body, dict) else None
        if function.trigger_type == "timerTrigger":
            if not self._timers.is_running(function.name):
                message = (
                    f"The '{function.name}' function is in error (its schedule could not be read)."
                )
                return json_response(error_body(message), 400)
            work = self._timers.run_now(function.name)
        else:
            work = self._call(function.name, data)
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return web.Response(status=202)

    async def _call(self, name: str, data: Any) -> None:
        function = self._index.by_name(name)
        if function is None:
            return
        try:
            await self._invoker.invoke(function, data)
        except Exception:
            logger.exception("Executed 'Functions.%s' (Failed)", name)

    async def drain(self) -> None:
        """Wait for runs started by hand to finish."""
        await asyncio.gather(*self._running, return_exceptions=True)
