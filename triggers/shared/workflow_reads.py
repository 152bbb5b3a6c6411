"""The events of a workflow past a cursor, read now from durable state: the workflow's own
history and those of its sub-orchestrations."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from triggers.shared.errors import NotFoundError
from triggers.shared.instance_ids import url_segment
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import is_finished
from triggers.shared.workflow_events import ROOT, Cursor, Source, StreamEvent, new_events

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
