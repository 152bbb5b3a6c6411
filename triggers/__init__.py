"""Client functions: the HTTP API and the timer triggers. They validate input, start and
query orchestrations and read the agent log; they hold no business logic."""

import azure.durable_functions as df

from triggers import (
    a2a,
    agent_status,
    agents,
    approval,
    audit,
    docs,
    health,
    instance_api,
    mcp_tools,
    monitor,
    orchestrate,
    reset,
    retention_timer,
    start,
    sweep_timer,
    workflow_stream,
    workflows,
)

blueprints: list[df.Blueprint] = [
    start.bp,
    health.bp,
    orchestrate.bp,
    workflows.bp,
    workflow_stream.bp,
    instance_api.bp,
    approval.bp,
    agents.bp,
    agent_status.bp,
    reset.bp,
    audit.bp,
    docs.bp,
    sweep_timer.bp,
    retention_timer.bp,
    *monitor.blueprints,
    mcp_tools.bp,
    *a2a.blueprints,
]
