"""The streamable HTTP transport of the MCP extension: `POST /runtime/webhooks/mcp`.

The client must accept `application/json` and `text/event-stream` (else 406). A request is
answered as an event stream whose events carry ids (from protocol 2025-11-25 it opens with a
priming event: an id, `retry`, no data, sent before the tool runs); a notification or a
client's response gets 202. Sessions are stateless, as in the extension: `initialize` hands out
`Mcp-Session-Id` (`<client id>|<instance id>`) and later requests must carry a well-formed
one. `GET` with `Last-Event-ID` resumes a response stream (`devhost/host/mcp_streams.py`);
any other `GET` or method is 405.
"""

from __future__ import annotations

import json

from aiohttp import web

from devhost.host.mcp_http import (
    SESSION_HEADER,
    SSE_HEADERS,
    accepts,
    client_id_of,
    is_request,
    joined_headers,
    jsonrpc_error,
    read_message,
    write_event,
)
from devhost.host.mcp_protocol import McpServer, McpSession
from devhost.host.mcp_sse import new_client_id
from devhost.host.mcp_streams import ResponseStreams, priming_event, sse_event

LAST_EVENT_HEADER = "Last-Event-ID"
VERSION_HEADER = "MCP-Protocol-Version"
PRIMING_VERSION = "2025-11-25"
"""The protocol version from which a response stream opens with a priming event."""
NOT_ACCEPTABLE = "Not Acceptable: Client must accept both application/json and text/event-stream"
NO_MESSAGE = "Bad Request: The POST body did not contain a valid JSON-RPC message."


class StreamableHttp:
    """The transport's requests, answered by `server`; `instance_id` is this host's."""

    def __init__(self, server: McpServer, instance_id: str) -> None:
        self.server = server
        self._instance_id = instance_id
        self._streams = ResponseStreams()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request to the endpoint."""
        if request.method == "GET" and LAST_EVENT_HEADER in request.headers:
            return await self._resume(request, request.headers[LAST_EVENT_HEADER])
        if request.method != "POST":
            return web.Response(status=405)
        return await self._post(request)

    async def _post(self, request: web.Request) -> web.StreamResponse:
        """A JSON-RPC message: 202 for a notification or response, else the reply's stream."""
        accept = request.headers.get("Accept", "")
        if not (accepts(accept, "application/json") and accepts(accept, "text/event-stream")):
            return jsonrpc_error(406, NOT_ACCEPTABLE)
        state = request.headers.get(SESSION_HEADER, "")
        client_id = client_id_of(state) if state else None
        if state and client_id is None:
            return jsonrpc_error(400, "Invalid client state.")
        message = await read_message(request)
        if message is None:
            return jsonrpc_error(400, NO_MESSAGE)
        headers: dict[str, str] = {}
        if message.get("method") == "initialize":
            headers[SESSION_HEADER] = f"{new_client_id()}|{self._instance_id}"
        if not is_request(message):
            return web.Response(status=202, headers=headers)
        stream = self._streams.open()
        response = web.StreamResponse(headers={**SSE_HEADERS, **headers})
        await response.prepare(request)
        if request.headers.get(VERSION_HEADER, "") >= PRIMING_VERSION:
            await write_event(response, stream.add(priming_event(stream.next_id())))
        session = McpSession("http-streamable", session_id=client_id)
        try:
            reply = await self.server.handle(message, session, joined_headers(request.headers))
            if reply is not None:
                data = json.dumps(reply, ensure_ascii=False)
                await write_event(
                    response, stream.add(sse_event("message", data, stream.next_id()))
                )
        finally:
            stream.close()
        await write_event(response, None)
        return response

    async def _resume(self, request: web.Request, last_event_id: str) -> web.StreamResponse:
        """The rest of a response stream after `Last-Event-ID`."""
        if not accepts(request.headers.get("Accept", ""), "text/event-stream"):
            return jsonrpc_error(406, "Not Acceptable: Client must accept text/event-stream")
        found = self._streams.find(last_event_id)
        if found is None:
            return jsonrpc_error(404, "Last-Event-ID names no stream this server can resume.")
        stream, sequence = found
        response = web.StreamResponse(headers=SSE_HEADERS)
        await response.prepare(request)
        async for event in stream.events_after(sequence):
            await write_event(response, event)
        await write_event(response, None)
        return response

    def close(self) -> None:
        """Complete every kept stream, so resumed readers end (host shutdown)."""
        self._streams.close_all()
