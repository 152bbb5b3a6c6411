"""`GET /api/coordinator/workflows/{id}/events`: the workflow's progress as Server-Sent Events
(plan, approval, each agent's start, model steps, tool calls and end, the answer, the end).

The answer streams: it sends the events past the client's `Last-Event-ID` (all of them
without one), then each new one as soon as a read of the durable histories shows it, and
closes once the workflow's end was sent or after `EVENT_STREAM_SECONDS`, under the
platform's HTTP time limit; its `retry:` hint tells the client to reconnect with the id of
the last event it got. Once the workflow has ended and every event was delivered, the answer
is 204, which tells an EventSource client to stop. Events are read from durable state only,
so any replica serves any reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import azure.durable_functions as df
import azure.functions as func
from azurefunctions.extensions.http.fastapi import StreamingResponse

from core.auth import ADMIN, APPROVER, OPERATOR
from core.settings import get_settings
from triggers.shared import routes
from triggers.shared.endpoint import api_endpoint
from triggers.shared.errors import DURABLE_TRANSPORT_ERRORS
from triggers.shared.identity import authorize
from triggers.shared.workflow_events import (
    Cursor,
    StreamEvent,
    parse_cursor,
    retry_text,
    sse_text,
)
from triggers.shared.workflow_reads import Reads, new_events_of
from triggers.shared.workflows import coordinator_workflow

bp = df.Blueprint()
log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""Pause between two reads of the histories."""
RETRY_MS = 500
"""The reconnection delay the answer asks for."""
KEEP_ALIVE_SECONDS = 15.0
"""Longest a stream stays silent: a comment then keeps proxies from closing it."""


def comment(text: str) -> str:
    """An SSE comment line block: clients ignore it; it keeps an idle connection open."""
    return f": {text}\n\n"


async def event_stream(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    cursor: Cursor,
    seconds: float,
    first: tuple[list[StreamEvent], bool],
    reads: Reads,
) -> AsyncIterator[str]:
    """The SSE text of the events past `cursor`, beginning with `first` (the events of a
    read already made, with what it read in `reads`, and whether the workflow had ended
    then), as they happen, until the workflow's end was sent or `seconds` passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    quiet_since = loop.time()
    yield retry_text(RETRY_MS)
    events, ended = first
    while True:
        if events:
            yield sse_text(events)
            cursor = parse_cursor(events[-1].id)
            quiet_since = loop.time()
        if ended or loop.time() + POLL_SECONDS > deadline:
            return
        if loop.time() - quiet_since >= KEEP_ALIVE_SECONDS:
            yield comment("waiting")
            quiet_since = loop.time()
        await asyncio.sleep(POLL_SECONDS)
        try:
            events, ended = await new_events_of(client, workflow_id, cursor, reads)
        except DURABLE_TRANSPORT_ERRORS as exc:
            log.warning("Events of %s not readable, the stream closes: %r", workflow_id, exc)
            return


@bp.route(route=routes.WORKFLOW_EVENTS, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def workflow_events(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse | StreamingResponse:
    """200 `text/event-stream`, streaming the events past `Last-Event-ID`; 204 once the
    workflow has ended and nothing is left; 404 for a workflow that is not the caller's."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    cursor = parse_cursor(req.headers.get("Last-Event-ID"))
    workflow_id = req.route_params.get("id", "")
    await coordinator_workflow(client, workflow_id, principal)
    reads: Reads = {}
    first = await new_events_of(client, workflow_id, cursor, reads)
    if first == ([], True):
        return func.HttpResponse(status_code=204)
    seconds = get_settings().EVENT_STREAM_SECONDS
    return StreamingResponse(
        event_stream(client, workflow_id, cursor, seconds, first, reads),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
