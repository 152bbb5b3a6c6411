"""A tool server whose tool list grows while it runs: `open_archive` adds the
`read_archive` tool and tells connected clients with `notifications/tools/list_changed`.
Run `python -m tests.integration.growing_tool_server --port N` (MCP at /mcp)."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from agents.serve import serve

READ_ONLY = ToolAnnotations(readOnlyHint=True)
Shelf = Annotated[str, Field(pattern=r"^[A-Z]-[0-9]+$", description="A shelf, e.g. 'A-1'.")]


def create_server() -> MCPServer[Any]:
    """A server with `open_archive`; calling it adds `read_archive`."""
    server: MCPServer[Any] = MCPServer("growing-tools")

    def read_archive(shelf: Shelf) -> dict[str, str]:
        """Read one shelf of the archive."""
        return {"shelf": shelf, "content": f"ledger of shelf {shelf}"}

    @server.tool(annotations=READ_ONLY)
    async def open_archive(ctx: Context) -> str:
        """Open the archive, which adds the read_archive tool."""
        if "read_archive" not in {tool.name for tool in await server.list_tools()}:
            server.add_tool(read_archive, annotations=READ_ONLY)
        # Clients on 2026-07-28 hear of it on their listen stream, earlier ones by notification.
        await ctx.notify_tools_changed()
        await ctx.session.send_tool_list_changed()
        return "The archive is open: read_archive is available."

    return server


if __name__ == "__main__":
    serve(create_server, default_port=8931)
