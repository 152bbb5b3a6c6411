"""The coordinator's tools for MCP clients, served by the Functions MCP extension."""

import azure.durable_functions as df

from triggers.mcp import tools

blueprints: list[df.Blueprint] = [tools.bp]
