"""The entity part of the Durable HTTP API: read an entity's state and signal it."""

from __future__ import annotations

from aiohttp import web

from devhost.engine.errors import FunctionNotFoundError
from devhost.host.engine_port import DurableEngine
from devhost.host.formatting import error_body
from devhost.host.management_api import json_response
from devhost.host.request_body import MalformedBodyError, body_text, parse_json
from devhost.host.request_params import QueryParams

EMPTY_KEY = "$"
JSON = "application/json"


def entity_id(request: web.Request) -> str:
    """`@name@key` from the route, the name lower-cased as EntityId does and `$` meaning an
    empty key."""
    key = request.match_info["entityKey"]
    return f"@{request.match_info['entityName'].lower()}@{'' if key == EMPTY_KEY else key}"


class EntityApi:
    """GET/POST/DELETE `entities/{name}/{key}`."""

    def __init__(self, engine: DurableEngine) -> None:
        self._engine = engine

    def routes(self, prefix: str) -> list[web.RouteDef]:
        """The entity routes under `prefix`."""
        path = prefix + "/entities/{entityName}/{entityKey}"
        return [
            web.get(path, self.read),
            web.post(path, self.signal),
            web.delete(path, self.signal),
        ]

    async def read(self, request: web.Request) -> web.Response:
        """200 with the entity's state, 404 when it has none."""
        state = await self._engine.read_entity_state(entity_id(request))
        if state is None or state.state is None:
            return web.Response(status=404)
        return web.Response(text=state.state, content_type="application/json", charset="utf-8")

    async def signal(self, request: web.Request) -> web.Response:
        """202 after queueing the `op` operation (DELETE means `delete`) with the body as its
        input, layered as the extension layers it."""
        operation = "delete" if request.method == "DELETE" else QueryParams(request).get("op") or ""
        try:
            text = await body_text(request)
            value = parse_json(text) if text and request.content_type.lower() == JSON else None
        except MalformedBodyError as exc:
            return json_response(error_body(f"Could not parse JSON content: {exc}"), 400)
        # The SDK posts its serialised input as a JSON string; the extension hands the entity
        # that string, which is the text the engine expects.
        data = value if isinstance(value, str) else text or None
        try:
            await self._engine.signal_entity(entity_id(request), operation, data)
        except FunctionNotFoundError as exc:
            return json_response(
                error_body("One or more of the arguments submitted is incorrect", exc), 400
            )
        return web.Response(status=202)
