"""A streamable-HTTP tool server that accepts only `Authorization: Bearer $EXPECTED_BEARER`
and answers 401 to anything else. Run `python -m tests.integration.token_checking_server
--port N` (MCP at /mcp); its one tool, `whoami`, says which token it was called with."""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from agents.serve import http_app

BEARER = "Bearer "


class RequireBearer:
    """ASGI middleware: 401 unless the request carries the expected bearer token
    (`/health` stays open, so the test can tell the server is up)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != "/health":
            header = Request(scope).headers.get("authorization", "")
            if header != BEARER + self.token:
                response: Response = JSONResponse({"error": "invalid token"}, status_code=401)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_server(token: str) -> MCPServer[Any]:
    """A server whose `whoami` returns the token it accepted."""
    server: MCPServer[Any] = MCPServer("token-checking")

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def whoami() -> dict[str, str]:
        """Which bearer token this server accepted."""
        return {"accepted_token": token}

    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    expected = os.environ["EXPECTED_BEARER"]
    app = RequireBearer(http_app(create_server(expected)), expected)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
