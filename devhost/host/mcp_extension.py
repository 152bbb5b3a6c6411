"""The Azure Functions MCP extension's endpoint, served by devhost at `/runtime/webhooks/mcp`.

- Streamable HTTP: `/runtime/webhooks/mcp` itself (`devhost/host/mcp_streamable.py`).
- Legacy SSE: `GET /runtime/webhooks/mcp/sse` (with `Last-Event-ID`: resume a dropped stream)
  and `POST /runtime/webhooks/mcp/message?azmcpcs=...` (`devhost/host/mcp_sse.py`).
- Origin and Host: a request from a foreign `Origin`, or naming a foreign `Host` on a loopback
  bind, is 403 with a JSON-RPC error (`devhost/host/mcp_origin.py`); the extension leaves this
  to the host's keys and CORS, devhost checks it because on loopback it demands no key.
- Keys: the `mcp_extension` system key or the master key, in `x-functions-key` or `code`,
  when devhost enforces keys, unless host.json sets `extensions.mcp.system.
  webhookAuthorizationLevel` to `Anonymous`. A missing or wrong key is an empty 401.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from devhost.app_loader import FunctionIndex
from devhost.host.invoker import Invoker
from devhost.host.keys import AuthLevel, HostKeys, key_allows, presented_key
from devhost.host.mcp_http import (
    SSE_HEADERS,
    client_id_of,
    forbidden,
    joined_headers,
    read_message,
)
from devhost.host.mcp_origin import OriginPolicy
from devhost.host.mcp_protocol import McpServer
from devhost.host.mcp_registry import mcp_tools
from devhost.host.mcp_settings import McpSettings, load_mcp_key, load_mcp_settings
from devhost.host.mcp_sse import RETRY, SseSession, SseSessions
from devhost.host.mcp_streamable import StreamableHttp

logger = logging.getLogger("devhost.mcp")

MCP_PATH = "/runtime/webhooks/mcp"
STATE_QUERY = "azmcpcs"
RECONNECT = "Please connect to the /sse endpoint to initiate your session."


def _connected(request: web.Request) -> bool:
    """True while the client of a request is still connected."""
    transport = request.transport
    return transport is not None and not transport.is_closing()


class McpExtension:
    """The extension's routes over the app's MCP tools."""

    def __init__(
        self,
        settings: McpSettings,
        server: McpServer,
        keys: HostKeys,
        enforce_keys: bool,
        origins: OriginPolicy,
    ) -> None:
        self.settings = settings
        self.server = server
        self.origins = origins
        self._keys = keys
        self._enforce = enforce_keys and not settings.anonymous
        self._instance_id = uuid.uuid4().hex
        self._sessions = SseSessions()
        self._streamable = StreamableHttp(server, self._instance_id)
        self._replies: set[asyncio.Task[None]] = set()

    @classmethod
    def create(
        cls,
        app_dir: Path,
        hub_dir: Path,
        index: FunctionIndex,
        invoker: Invoker,
        keys: HostKeys,
        *,
        enforce_keys: bool,
        origins: OriginPolicy,
    ) -> McpExtension:
        """The extension for an app: host.json settings, its tools, the mcp_extension key and
        the origins it answers."""
        settings = load_mcp_settings(app_dir)
        mcp_keys = HostKeys(
            master=keys.master, function=keys.function, system=load_mcp_key(hub_dir)
        )
        server = McpServer(settings, mcp_tools(index), invoker)
        return cls(settings, server, mcp_keys, enforce_keys, origins)

    def routes(self) -> list[web.RouteDef]:
        """Every method on the endpoint and below it, as the host's webhook route."""
        return [web.route("*", MCP_PATH + "{tail:(/.*)?}", self.handle)]

    def announcement(self, origin: str) -> str:
        """The endpoint lines the host prints at start."""
        endpoint = origin.rstrip("/") + MCP_PATH
        return f"MCP server endpoint: {endpoint}\nMCP server legacy SSE endpoint: {endpoint}/sse"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Dispatch to legacy SSE (paths ending in `sse` or `message`) or streamable HTTP."""
        refusal = self.origins.refusal(request.headers.get("Origin"), request.host)
        if refusal is not None:
            logger.warning("Refused an MCP request (%s %s): %s", request.method, MCP_PATH, refusal)
            return forbidden(refusal)
        given = presented_key(request.headers, request.query)
        if self._enforce and not key_allows(self._keys, AuthLevel.SYSTEM, given):
            return web.Response(status=401)
        path = request.path.rstrip("/").lower()
        if path.endswith("sse"):
            return await self._open_stream(request, given)
        if path.endswith("message"):
            return await self._post_message(request)
        return await self._streamable.handle(request)

    def _message_endpoint(self, request: web.Request, client_id: str, key: str | None) -> str:
        state = quote(f"{client_id}|{self._instance_id}", safe="")
        endpoint = f"message?{STATE_QUERY}={state}"
        if key:
            endpoint += f"&code={quote(key, safe='')}"
        if self.settings.absolute_message_uri:
            base = str(request.url.with_query(None)).rstrip("/").rsplit("/", 1)[0]
            endpoint = f"{base}/{endpoint}"
        return endpoint

    async def _open_stream(self, request: web.Request, key: str | None) -> web.StreamResponse:
        """A new session's stream, or with `Last-Event-ID` a dropped one's, resumed."""
        if request.method != "GET":
            return web.Response(status=405)
        last_event_id = request.headers.get("Last-Event-ID")
        resumed = self._sessions.resume(last_event_id) if last_event_id else None
        if resumed is not None:
            session, sequence = resumed
            backlog = session.events_after(sequence)
        else:
            session = self._sessions.open(joined_headers(request.headers))
            endpoint = self._message_endpoint(request, session.client_id, key)
            backlog = [session.event("endpoint", endpoint)]
        response = web.StreamResponse(headers=SSE_HEADERS)
        try:
            await response.prepare(request)
            for chunk in [RETRY, *backlog]:
                await response.write(chunk)
            while (event := await session.next_event(lambda: _connected(request))) is not None:
                await response.write(event)
        except (ConnectionResetError, asyncio.CancelledError):
            logger.debug("Legacy SSE stream of client %s dropped", session.client_id)
            self._sessions.detach(session.client_id)
            return response
        self._sessions.remove(session.client_id)
        return response

    async def _post_message(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405)
        state = request.query.get(STATE_QUERY)
        if not state:
            return web.json_response(f"Missing service context. {RECONNECT}", status=400)
        client_id = client_id_of(state)
        if client_id is None:
            return web.json_response(f"Invalid client state. {RECONNECT}", status=400)
        message = await read_message(request)
        if message is None:
            return web.json_response("No message in request body.", status=400)
        session = self._sessions.get(client_id)
        if session is None:
            instance = state.split("|")[-1]
            text = f"No active session for client '{client_id}' and instance '{instance}'."
            return web.json_response(f"{text} {RECONNECT}", status=400)
        task = asyncio.create_task(self._reply(session, message))
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)
        return web.Response(status=202, text="Accepted")

    async def _reply(self, session: SseSession, message: dict[str, Any]) -> None:
        reply = await self.server.handle(message, session.session, session.headers)
        if reply is not None:
            session.send(reply)

    async def close(self) -> None:
        """End the open SSE streams and the calls still answering on them (host shutdown)."""
        self._sessions.close_all()
        self._streamable.close()
        for task in list(self._replies):
            task.cancel()
        await asyncio.gather(*self._replies, return_exceptions=True)
