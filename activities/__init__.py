"""Activity functions: all I/O lives here (model calls, MCP tool calls, storage)."""

import azure.durable_functions as df

from activities import (
    admission,
    approvals,
    model_step,
    planning,
    records,
    remote_agent,
    sweep,
    synthesis,
    tools,
)

blueprints: list[df.Blueprint] = [
    admission.bp,
    planning.bp,
    model_step.bp,
    tools.bp,
    remote_agent.bp,
    synthesis.bp,
    records.bp,
    sweep.bp,
    approvals.bp,
]
