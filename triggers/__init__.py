"""Client functions, grouped by the way in: the coordinator HTTP API (`api`), the MCP tools
(`mcp`), the timers (`timers`), the A2A agent (`a2a`) and the Durable monitor (`monitor`).
What several of them use (the run access rule, decisions, instance ids, errors, identity)
lives in `shared`. They validate input, start and query orchestrations and read the agent
log; they hold no business logic."""

import azure.durable_functions as df

from triggers import a2a, api, mcp, monitor, timers

blueprints: list[df.Blueprint] = [
    *api.blueprints,
    *timers.blueprints,
    *monitor.blueprints,
    *mcp.blueprints,
    *a2a.blueprints,
]
