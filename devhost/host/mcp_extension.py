"""The Azure Functions MCP extension's endpoint, served by devhost at `/runtime/webhooks/mcp`.

- Streamable HTTP: `POST /runtime/webhooks/mcp`. The client must accept both
  `application/json` and `text/event-stream` (else 406); a request is answered as an event
  stream, a notification or response with 202. Sessions are stateless, as in the extension:
  `initialize` hands out `Mcp-Session-Id` (`<client id>|<instance id>`, the unencrypted form
  the extension uses under Core Tools) and later requests must carry a well-formed one. Other
  methods are 405.
- Legacy SSE: `GET /runtime/webhooks/mcp/sse` and `POST /runtime/webhooks/mcp/message?azmcpcs=...`.
- Origin and Host: a request from a foreign `Origin`, or naming a foreign `Host` on a loopback
  bind, is 403 with a JSON-RPC error (`devhost/host/mcp_origin.py`); the extension leaves this
  to the host's keys and CORS, devhost checks it because on loopback it demands no key.
- Keys: the `mcp_extension` system key or the master key, in `x-functions-key` or `code`,
  when devhost enforces keys, unless host.json sets `extensions.mcp.system.
  webhookAuthorizationLevel` to `Anonymous`. A missing or wrong key is an empty 401.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import CIMultiDictProxy

from devhost.app_loader import FunctionIndex
from devhost.host.invoker import Invoker
from devhost.host.keys import AuthLevel, HostKeys, key_allows, presented_key
from devhost.host.mcp_origin import OriginPolicy
from devhost.host.mcp_protocol import McpServer, McpSession
from devhost.host.mcp_registry import mcp_tools
from devhost.host.mcp_settings import McpSettings, load_mcp_key, load_mcp_settings
from devhost.host.mcp_sse import SseSession, SseSessions, new_client_id
from devhost.host.mcp_streams import ResponseStreams, priming_event, sse_event
from devhost.host.request_body import MalformedBodyError, body_text, parse_json

logger = logging.getLogger("devhost.mcp")

MCP_PATH = "/runtime/webhooks/mcp"
STATE_QUERY = "azmcpcs"
SESSION_HEADER = "Mcp-Session-Id"
LAST_EVENT_HEADER = "Last-Event-ID"
VERSION_HEADER = "MCP-Protocol-Version"
PRIMING_VERSION = "2025-11-25"
"""The protocol version from which a response stream opens with a priming event."""
SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache,no-store"}
NOT_ACCEPTABLE = "Not Acceptable: Client must accept both application/json and text/event-stream"
NO_MESSAGE = "Bad Request: The POST body did not contain a valid JSON-RPC message."
RECONNECT = "Please connect to the /sse endpoint to initiate your session."


def _joined_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Request headers as the extension forwards them: repeated values joined by commas."""
    return {name: ",".join(headers.getall(name)) for name in dict.fromkeys(headers.keys())}


def _accepts(accept: str, media_type: str) -> bool:
    kind = media_type.split("/")[0]
    for item in accept.split(","):
        value = item.split(";")[0].strip().lower()
        if value in (media_type, f"{kind}/*", "*/*"):
            return True
    return False


def _jsonrpc_error(status: int, message: str) -> web.Response:
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
    return web.json_response(body, status=status)


def _forbidden(message: str) -> web.Response:
    # The spec's 403 body: a JSON-RPC error response without an id.
    body = {"jsonrpc": "2.0", "error": {"code": -32000, "message": message}}
    return web.json_response(body, status=403)


def _client_id(state: str) -> str | None:
    """The client id of a client state `<client id>|<instance id>`, None if malformed."""
    parts = [p for p in state.split("|") if p]
    return parts[0] if len(parts) == 2 else None


def _is_request(message: dict[str, Any]) -> bool:
    """True for a JSON-RPC request (not a notification or a client's response)."""
    return message.get("id") is not None and "result" not in message and "error" not in message


async def _write(response: web.StreamResponse, event: bytes | None) -> None:
    """Write an event (None: end the stream); a client that went away can resume later."""
    try:
        if event is None:
            await response.write_eof()
        else:
            await response.write(event)
    except ConnectionResetError:
        logger.debug("An MCP client left a response stream; it can resume it by event id")


async def _read_message(request: web.Request) -> dict[str, Any] | None:
    try:
        message = parse_json(await body_text(request))
    except MalformedBodyError:
        return None
    return message if isinstance(message, dict) else None


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
        self._streams = ResponseStreams()
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
            return _forbidden(refusal)
        given = presented_key(request.headers, request.query)
        if self._enforce and not key_allows(self._keys, AuthLevel.SYSTEM, given):
            return web.Response(status=401)
        path = request.path.rstrip("/").lower()
        if path.endswith("sse"):
            return await self._open_stream(request, given)
        if path.endswith("message"):
            return await self._post_message(request)
        return await self._streamable(request)

    async def _streamable(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET" and LAST_EVENT_HEADER in request.headers:
            return await self._resume(request, request.headers[LAST_EVENT_HEADER])
        if request.method != "POST":
            return web.Response(status=405)
        accept = request.headers.get("Accept", "")
        if not (_accepts(accept, "application/json") and _accepts(accept, "text/event-stream")):
            return _jsonrpc_error(406, NOT_ACCEPTABLE)
        state = request.headers.get(SESSION_HEADER, "")
        client_id = _client_id(state) if state else None
        if state and client_id is None:
            return _jsonrpc_error(400, "Invalid client state.")
        message = await _read_message(request)
        if message is None:
            return _jsonrpc_error(400, NO_MESSAGE)
        headers: dict[str, str] = {}
        if message.get("method") == "initialize":
            headers[SESSION_HEADER] = f"{new_client_id()}|{self._instance_id}"
        if not _is_request(message):
            return web.Response(status=202, headers=headers)
        stream = self._streams.open()
        response = web.StreamResponse(headers={**SSE_HEADERS, **headers})
        await response.prepare(request)
        if request.headers.get(VERSION_HEADER, "") >= PRIMING_VERSION:
            await _write(response, stream.add(priming_event(stream.next_id())))
        session = McpSession("http-streamable", session_id=client_id)
        try:
            reply = await self.server.handle(message, session, _joined_headers(request.headers))
            if reply is not None:
                data = json.dumps(reply, ensure_ascii=False)
                await _write(response, stream.add(sse_event("message", data, stream.next_id())))
        finally:
            stream.close()
        await _write(response, None)
        return response

    async def _resume(self, request: web.Request, last_event_id: str) -> web.StreamResponse:
        """The rest of a response stream after `Last-Event-ID`."""
        if not _accepts(request.headers.get("Accept", ""), "text/event-stream"):
            return _jsonrpc_error(406, "Not Acceptable: Client must accept text/event-stream")
        found = self._streams.find(last_event_id)
        if found is None:
            return _jsonrpc_error(404, "Last-Event-ID names no stream this server can resume.")
        stream, sequence = found
        response = web.StreamResponse(headers=SSE_HEADERS)
        await response.prepare(request)
        async for event in stream.events_after(sequence):
            await _write(response, event)
        await _write(response, None)
        return response

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
        if request.method != "GET":
            return web.Response(status=405)
        session = self._sessions.open(_joined_headers(request.headers))
        response = web.StreamResponse(headers=SSE_HEADERS)
        try:
            await response.prepare(request)
            endpoint = self._message_endpoint(request, session.client_id, key)
            await response.write(session.event("endpoint", endpoint))
            while (event := await session.next_event()) is not None:
                await response.write(event)
        except (ConnectionResetError, asyncio.CancelledError):
            logger.debug("Legacy SSE stream of client %s ended", session.client_id)
        finally:
            self._sessions.remove(session.client_id)
        return response

    async def _post_message(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405)
        state = request.query.get(STATE_QUERY)
        if not state:
            return web.json_response(f"Missing service context. {RECONNECT}", status=400)
        client_id = _client_id(state)
        if client_id is None:
            return web.json_response(f"Invalid client state. {RECONNECT}", status=400)
        message = await _read_message(request)
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
        self._streams.close_all()
        for task in list(self._replies):
            task.cancel()
        await asyncio.gather(*self._replies, return_exceptions=True)
