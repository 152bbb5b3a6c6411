"""Standalone hosting of a domain's tool server over streamable HTTP."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


def http_app(server: MCPServer[Any], *, host: str = "127.0.0.1") -> Starlette:
    """The server as an ASGI app: MCP at `/mcp`, a liveness probe at `/health`.

    The MCP endpoint is stateless and answers in JSON, so any replica can serve any call.
    """

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "server": server.name})

    return server.streamable_http_app(stateless_http=True, json_response=True, host=host)


def serve(factory: Callable[[], MCPServer[Any]], *, default_port: int) -> None:
    """Run a fresh tool server from `factory` until interrupted (`--host`, `--port`)."""
    server = factory()
    parser = argparse.ArgumentParser(description=f"Serve the {server.name} MCP tools over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default %(default)s)")
    parser.add_argument("--port", type=int, default=default_port, help="port (default %(default)s)")
    args = parser.parse_args()
    uvicorn.run(http_app(server, host=args.host), host=args.host, port=args.port)
