"""The MCP server class of the agents' tool servers: the SDK's `MCPServer`, answering an
unknown tool or prompt as the protocol error the MCP spec asks for (`-32602`, invalid
params) rather than as a tool result or a generic error.

A name is looked up in the server's registry, not in a listing built for the purpose (every
tool as a protocol model, on every call). The agents' tools are coroutines: each answers from
memory in a fraction of a millisecond, so it runs on the server's event loop; the SDK would
run a plain function on a worker thread, a hand-over that costs more CPU than the tool."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult


class ToolServer(MCPServer[Any]):
    """An agent's tool server."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Call a tool; an unknown name is a `-32602` protocol error."""
        if self._tool_manager.get_tool(name) is None:
            raise MCPError(INVALID_PARAMS, f"Unknown tool: {name}")
        return await super().call_tool(name, arguments, context)

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[Any, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        """Render a prompt; an unknown name is a `-32602` protocol error."""
        if self._prompt_manager.get_prompt(name) is None:
            raise MCPError(INVALID_PARAMS, f"Unknown prompt: {name}")
        return await super().get_prompt(name, arguments, context)
