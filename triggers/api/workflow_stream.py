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
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from azurefunctions.extensions.http.fastapi import StreamingResponse

from core.auth import ADMIN, APPROVER, OPERATOR
from core.settings import get_settings
from triggers.api.workflow_events import (
    ROOT,
    Cursor,
    Source,
    StreamEvent,
    new_events,
    parse_cursor,
    retry_text,
    sse_text,
)
from triggers.shared import routes
from triggers.shared.endpoint import api_endpoint
from triggers.shared.errors import DURABLE_TRANSPORT_ERRORS, NotFoundError
from triggers.shared.identity import authorize
from triggers.shared.instance_ids import url_segment
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import is_finished
from triggers.shared.workflows import coordinator_workflow

bp = df.Blueprint()
log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""Pause between two reads of the histories."""
RETRY_MS = 500
"""The reconnection delay the answer asks for."""
KEEP_ALIVE_SECONDS = 15.0
"""Longest a stream stays silent: a comment then keeps proxies from closing it."""
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


Ended = dict[str, Source]
"""The sub-orchestrations of a workflow already read after they ended, by key: their
histories no longer change, so a stream reads each of them once."""


async def read_sources(
    client: df.DurableOrchestrationClient, workflow_id: str, ended: Ended | None = None
) -> tuple[list[Source], bool]:
    """The histories of the workflow (keyed ROOT) and of its sub-orchestrations (keyed by
    their id's suffix), and whether the workflow had ended when it was read. The workflow is
    read first: once it has ended, its children (which it waited for) have too. Children in
    `ended` are not read again; those read after they ended are added to it."""
    known: Ended = {} if ended is None else ended
    root = await _read(client, workflow_id)
    if root is None:
        raise NotFoundError.about("id", f"no coordinator workflow '{workflow_id}'")
    prefix = f"{workflow_id}:"
    listed, _ = await scan_instances(client, {"instanceIdPrefix": prefix}, MAX_CHILDREN)
    ids = [str(s["instanceId"]) for s in listed if str(s["instanceId"]).startswith(prefix)]
    gate = asyncio.Semaphore(_READS_AT_ONCE)

    async def child(instance_id: str) -> Source | None:
        key = instance_id.removeprefix(prefix)
        if key in known:
            return known[key]
        async with gate:
            found = await _read(client, instance_id)
        if found is None:
            return None
        source = Source(key, found.name or "", history_of(found))
        if is_finished(found):
            known[key] = source
        return source

    children = [s for s in await asyncio.gather(*map(child, ids)) if s is not None]
    own = Source(ROOT, root.name or "", history_of(root))
    return [own, *children], is_finished(root)


def comment(text: str) -> str:
    """An SSE comment line block: clients ignore it; it keeps an idle connection open."""
    return f": {text}\n\n"


async def event_stream(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    cursor: Cursor,
    seconds: float,
    first: tuple[list[StreamEvent], bool],
) -> AsyncIterator[str]:
    """The SSE text of the events past `cursor`, beginning with `first` (the events of a
    read already made and whether the workflow had ended then), as they happen, until the
    workflow's end was sent or `seconds` passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    quiet_since = loop.time()
    yield retry_text(RETRY_MS)
    events, ended = first
    children_ended: Ended = {}
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
            events, ended = await new_events_of(client, workflow_id, cursor, children_ended)
        except DURABLE_TRANSPORT_ERRORS as exc:
            log.warning("Events of %s not readable, the stream closes: %r", workflow_id, exc)
            return


async def new_events_of(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    cursor: Cursor,
    ended: Ended | None = None,
) -> tuple[list[StreamEvent], bool]:
    """The events past `cursor` now, and whether the workflow had ended (`ended` as for
    read_sources)."""
    sources, finished = await read_sources(client, workflow_id, ended)
    events, _ = new_events(sources, cursor, workflow_id)
    return events, finished


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
    first = await new_events_of(client, workflow_id, cursor)
    if first == ([], True):
        return func.HttpResponse(status_code=204)
    seconds = get_settings().EVENT_STREAM_SECONDS
    return StreamingResponse(
        event_stream(client, workflow_id, cursor, seconds, first),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
