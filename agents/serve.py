"""Standalone hosting of a domain's tool server over streamable HTTP: MCP at `/mcp`,
liveness at `/health`. Run `python -m agents.<domain>.server --port PORT`, then point the app
at it with the domain's `MCP_<DOMAIN>_URL=http://127.0.0.1:PORT/mcp`. Writes and their
idempotency keys live in the server process's memory."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agents.event_store import MemoryEventStore

RETRY_MILLISECONDS = 1000
"""The reconnection delay the tool servers' event streams suggest."""

SHUTDOWN_GRACE_SECONDS = 5
"""How long a stopping server waits for open requests; clients keep a listen stream open."""


def http_app(server: MCPServer[Any], *, host: str = "127.0.0.1") -> Starlette:
    """The server as an ASGI app: MCP at `/mcp`, a liveness probe at `/health`.

    Each response is an event stream whose events carry ids (and the first a `retry` delay),
    kept in memory so a client that lost its connection resumes with `Last-Event-ID`; that
    makes sessions sticky to the process that opened them. On a loopback `host` the SDK
    refuses foreign `Host` and `Origin` headers (DNS rebinding).
    """

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "server": server.name})

    return server.streamable_http_app(
        event_store=MemoryEventStore(), retry_interval=RETRY_MILLISECONDS, host=host
    )


def serve(factory: Callable[[], MCPServer[Any]], *, default_port: int) -> None:
    """Run a fresh tool server from `factory` until interrupted (`--host`, `--port`)."""
    server = factory()
    parser = argparse.ArgumentParser(description=f"Serve the {server.name} MCP tools over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default %(default)s)")
    parser.add_argument("--port", type=int, default=default_port, help="port (default %(default)s)")
    args = parser.parse_args()
    uvicorn.run(
        http_app(server, host=args.host),
        host=args.host,
        port=args.port,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
