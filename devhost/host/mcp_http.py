"""HTTP pieces the MCP extension's transports share: header rules, error answers, reading a
JSON-RPC message, writing an event to a client that may have gone."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from multidict import CIMultiDictProxy

from devhost.host.request_body import MalformedBodyError, body_text, parse_json

logger = logging.getLogger("devhost.mcp")

SESSION_HEADER = "Mcp-Session-Id"
SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache,no-store"}


def joined_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Request headers as the extension forwards them: repeated values joined by commas."""
    return {name: ",".join(headers.getall(name)) for name in dict.fromkeys(headers.keys())}


def accepts(accept: str, media_type: str) -> bool:
    """True when an `Accept` header takes `media_type` (wildcards included)."""
    kind = media_type.split("/")[0]
    for item in accept.split(","):
        value = item.split(";")[0].strip().lower()
        if value in (media_type, f"{kind}/*", "*/*"):
            return True
    return False


def jsonrpc_error(status: int, message: str) -> web.Response:
    """The extension's transport error: a JSON-RPC error `-32000` with a null id."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
    return web.json_response(body, status=status)


def forbidden(message: str) -> web.Response:
    """403 with the spec's body for it: a JSON-RPC error response without an id."""
    body = {"jsonrpc": "2.0", "error": {"code": -32000, "message": message}}
    return web.json_response(body, status=403)


def client_id_of(state: str) -> str | None:
    """The client id of a client state `<client id>|<instance id>`, None if malformed."""
    parts = [p for p in state.split("|") if p]
    return parts[0] if len(parts) == 2 else None


def is_request(message: dict[str, Any]) -> bool:
    """True for a JSON-RPC request (not a notification or a client's response)."""
    return message.get("id") is not None and "result" not in message and "error" not in message


async def read_message(request: web.Request) -> dict[str, Any] | None:
    """The JSON-RPC message of a request body, None if the body holds no JSON object."""
    try:
        message = parse_json(await body_text(request))
    except MalformedBodyError:
        return None
    return message if isinstance(message, dict) else None


async def write_event(response: web.StreamResponse, event: bytes | None) -> None:
    """Write an event (None: end the stream); a client that went away can resume later."""
    try:
        if event is None:
            await response.write_eof()
        else:
            await response.write(event)
    except ConnectionResetError:
        logger.debug("An MCP client left a response stream; it can resume it by event id")
