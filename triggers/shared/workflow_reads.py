"""The events of a workflow past a cursor, read now from durable state: the workflow's own
history and those of its sub-orchestrations (ids `{workflow id}:{part}`).

A stream reads them again and again, and a history is large (it holds every activity's
result), so a stream keeps what it read (`Reads`) and reads an instance's history again only
when it may have changed: when the instance's `lastUpdatedTime` or runtime status, cheap to
read, differ from those it showed before that history was read, or when that read came less
than SETTLED_SECONDS after the update it showed (the time has whole seconds, and replicas'
clocks differ a little: an update in the same second could have come after the read).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.agent_logs.models import as_utc
from triggers.shared.errors import NotFoundError
from triggers.shared.instance_ids import url_segment
from triggers.shared.instance_scan import scan_instances
from triggers.shared.instances import FINISHED, is_finished
from triggers.shared.workflow_events import ROOT, Cursor, Source, StreamEvent, new_events

MAX_CHILDREN = 100
"""Most sub-orchestrations of one workflow that are read."""
SETTLED_SECONDS = 2.0
"""How long after an instance's last update a read of its history surely holds it."""
_READS_AT_ONCE = 8

Stamp = tuple[str, str]
"""An instance's `lastUpdatedTime` and runtime status as listed."""


@dataclass(frozen=True)
class Read:
    """One read of an instance's history, with the stamp the instance showed before it."""

    stamp: Stamp
    updated: datetime | None
    read_at: datetime
    source: Source

    def holds(self, stamp: Stamp) -> bool:
        """True when this read still holds the instance's whole history: the instance shows
        the same stamp, and had ended or was last updated SETTLED_SECONDS or more before the
        read."""
        if stamp != self.stamp:
            return False
        if stamp[1] in _ENDED:
            return True
        if self.updated is None:
            return False
        return (self.read_at - self.updated).total_seconds() >= SETTLED_SECONDS


Reads = dict[str, Read]
"""What one stream read so far, by source key."""
_ENDED = {status.value for status in FINISHED}


def _time(value: Any) -> datetime | None:
    """A status time (a datetime from the SDK, ISO text from a listing) as aware UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return as_utc(value) if isinstance(value, datetime) else None


def _stamp(updated: Any, runtime_status: Any) -> Stamp:
    moment = _time(updated)
    return (
        moment.isoformat() if moment else "",
        str(getattr(runtime_status, "value", runtime_status)),
    )


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
    client: df.DurableOrchestrationClient, workflow_id: str, reads: Reads | None = None
) -> tuple[list[Source], bool]:
    """The histories of the workflow (keyed ROOT) and of its sub-orchestrations (keyed by
    their id's suffix), and whether the workflow had ended when it was looked at. The
    workflow is looked at first: once it has ended, its children (which it waited for) have
    too. A history in `reads` that still holds is not read again; those read are added."""
    known: Reads = {} if reads is None else reads
    root = await client.get_status(url_segment(workflow_id))
    if not root:
        raise NotFoundError.about("id", f"no coordinator workflow '{workflow_id}'")
    prefix = f"{workflow_id}:"
    listed, _ = await scan_instances(client, {"instanceIdPrefix": prefix}, MAX_CHILDREN)
    wanted = [(ROOT, workflow_id, root.last_updated_time, root.runtime_status)] + [
        (
            str(s["instanceId"]).removeprefix(prefix),
            str(s["instanceId"]),
            s.get("lastUpdatedTime"),
            s.get("runtimeStatus"),
        )
        for s in listed
        if str(s["instanceId"]).startswith(prefix)
    ]
    gate = asyncio.Semaphore(_READS_AT_ONCE)

    async def source(key: str, instance_id: str, updated: Any, runtime: Any) -> Source | None:
        stamp = _stamp(updated, runtime)
        before = known.get(key)
        if before is not None and before.holds(stamp):
            return before.source
        read_at = datetime.now(UTC)
        async with gate:
            found = await _read(client, instance_id)
        if found is None:
            return None
        read = Read(
            stamp, _time(updated), read_at, Source(key, found.name or "", history_of(found))
        )
        known[key] = read
        return read.source

    sources = await asyncio.gather(*(source(*w) for w in wanted))
    return [s for s in sources if s is not None], is_finished(root)


async def new_events_of(
    client: df.DurableOrchestrationClient,
    workflow_id: str,
    cursor: Cursor,
    reads: Reads | None = None,
) -> tuple[list[StreamEvent], bool]:
    """The events past `cursor` now, and whether the workflow had ended (`reads` as for
    read_sources)."""
    sources, finished = await read_sources(client, workflow_id, reads)
    events, _ = new_events(sources, cursor, workflow_id)
    return events, finished
