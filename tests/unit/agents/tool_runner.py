"""Drives a domain's tool server through the real MCP client, in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent

AGENTS_DIR = Path(__file__).parents[3] / "agents"


class ToolRunner:
    """Calls one server's tools, each call in its own in-memory MCP session."""

    def __init__(self, server: MCPServer[Any]):
        self.server = server

    async def call(self, tool: str, **arguments: Any) -> CallToolResult:
        async with Client(self.server) as client:
            return await client.call_tool(tool, arguments)

    async def ok(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """The structured result of a call that must succeed."""
        result = await self.call(tool, **arguments)
        assert not result.is_error, _text(result)
        assert isinstance(result.structured_content, dict)
        return result.structured_content

    async def error(self, tool: str, **arguments: Any) -> str:
        """The error text of a call that must fail."""
        result = await self.call(tool, **arguments)
        assert result.is_error, result.structured_content
        return _text(result)


def _text(result: CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if isinstance(b, TextContent))


def shipped(domain: str, name: str) -> list[dict[str, Any]]:
    """The records of a shipped data file, read straight from the JSON."""
    path = AGENTS_DIR / domain / "data" / f"{name}.json"
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records
