"""The coordinator's HTTP API under `/api/`: start and follow workflows, decide approvals,
read and manage instances, list agents, health, audit, the OpenAPI document and its page;
and the route that takes every CORS preflight."""

import azure.durable_functions as df

from triggers.api import (
    agent_status,
    agents,
    approval,
    audit,
    docs,
    health,
    instance_api,
    orchestrate,
    preflight,
    reset,
    start,
    threads,
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
    threads.bp,
    agents.bp,
    agent_status.bp,
    reset.bp,
    audit.bp,
    docs.bp,
    preflight.bp,
]
