"""`GET /api/coordinator/workflows/{id}/events`: the workflow's progress as Server-Sent Events
(plan, approval, each agent's start, model steps, tool calls and end, the answer, the end).

Each answer holds the events past the client's `Last-Event-ID` (all of them without one):
it waits, polling the durable histories, until there is at least one new event, the workflow
has ended, or `EVENT_STREAM_SECONDS` have passed, then closes with a `retry:` hint so the
client reconnects with the id of the last event it got. Once the workflow has ended and every
event was delivered, the answer is 204, which tells an EventSource client to stop. Events are
read from durable state only, so any replica serves any reconnect.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import ADMIN, APPROVER, OPERATOR
from core.settings import get_settings
from triggers.api.workflow_events import (
    ROOT,
    Cursor,
    Source,
    StreamEvent,
    new_events,
    parse_cursor,
    sse_text,
)
from triggers.shared import routes
from triggers.shared.endpoint import api_endpoint
from triggers.shared.errors import NotFoundError
from triggers.shared.identity import authorize
from triggers.shared.instance_ids import url_segment
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import is_finished
from triggers.shared.workflows import coordinator_workflow

bp = df.Blueprint()

POLL_SECONDS = 0.5
"""Pause between two reads of the histories while nothing new happened."""
RETRY_MS = 500
"""The reconnection delay the answer asks for (the server itself waits for news)."""
MAX_CHILDREN = 100
"""Most sub-orchestrations of one workflow that are read."""
_READS_AT_ONCE = 8


async def _read(
    client: df.DurableOrchestrationClient, instance_id: str
) -> DurableOrchestrationStatus | None:
    status = await client.get_status(
        url_segment(instance_id), show_history=True, show_history_output=True, show_input=True
    )
    return status if status else None


def history_of(status: DurableOrchestrationStatus) -> list[Any]:
    """The history entries of a status read with `show_history` (the SDK keeps the
    extension's `historyEvents` as an attribute of that name)."""
    return list(getattr(status, "historyEvents", None) or status.history or [])


async def read_sources(
    client: df.DurableOrchestrationClient, workflow_id: str
) -> tuple[list[Source], bool]:
    """The histories of the workflow (keyed ROOT) and of its sub-orchestrations (keyed by
    their id's suffix), and whether the workflow had ended when it was read. The workflow is
    read first: once it has ended, its children (which it waited for) have too."""
    root = await _read(client, workflow_id)
    if root is None:
        raise NotFoundError.about("id", f"no coordinator workflow '{workflow_id}'")
    prefix = f"{workflow_id}:"
    listed, _ = await scan_instances(client, {"instanceIdPrefix": prefix}, MAX_CHILDREN)
    ids = [str(s["instanceId"]) for s in listed if str(s["instanceId"]).startswith(prefix)]
    gate = asyncio.Semaphore(_READS_AT_ONCE)

    async def child(instance_id: str) -> Source | None:
        async with gate:
            found = await _read(client, instance_id)
        if found is None:
            return None
        key = instance_id.removeprefix(prefix)
        return Source(key, found.name or "", history_of(found))

    children = [s for s in await asyncio.gather(*map(child, ids)) if s is not None]
    own = Source(ROOT, root.name or "", history_of(root))
    return [own, *children], is_finished(root)


async def wait_for_events(
    client: df.DurableOrchestrationClient, workflow_id: str, cursor: Cursor, seconds: float
) -> tuple[list[StreamEvent], bool]:
    """The events past `cursor` as soon as there is one (or the workflow has ended, or
    `seconds` passed), and whether the workflow had ended."""
    deadline = time.monotonic() + seconds
    while True:
        sources, ended = await read_sources(client, workflow_id)
        events, _ = new_events(sources, cursor, workflow_id)
        if events or ended or time.monotonic() + POLL_SECONDS > deadline:
            return events, ended
        await asyncio.sleep(POLL_SECONDS)


@bp.route(route=routes.WORKFLOW_EVENTS, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def workflow_events(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 `text/event-stream` with the events past `Last-Event-ID`; 204 once the workflow
    has ended and nothing is left; 404 for a workflow that is not the caller's."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    cursor = parse_cursor(req.headers.get("Last-Event-ID"))
    workflow_id = req.route_params.get("id", "")
    await coordinator_workflow(client, workflow_id, principal)
    seconds = get_settings().EVENT_STREAM_SECONDS
    events, ended = await wait_for_events(client, workflow_id, cursor, seconds)
    if ended and not events:
        return func.HttpResponse(status_code=204)
    return func.HttpResponse(
        sse_text(events, RETRY_MS),
        mimetype="text/event-stream",
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
