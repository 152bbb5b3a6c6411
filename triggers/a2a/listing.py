"""ListTasks over the task hub: every coordinator run, newest status first, filtered by
context, state and status time, in pages with an opaque cursor.

Runtime status and progress come from one listing of the hub; the context id and history
need each run's input, so they are read for the runs on the page (and for all runs when the
filter is a context).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from datetime import UTC, datetime

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from orchestrations import names
from triggers.a2a.errors import InvalidParamsError
from triggers.a2a.model import ListParams, TaskPage
from triggers.a2a.runs import annotations_of
from triggers.a2a.tasks import state_of, task_of, timestamp

READ_CONCURRENCY = 10

SortKey = tuple[str, str]


def _key(status: DurableOrchestrationStatus) -> SortKey:
    return timestamp(status.last_updated_time) or "", status.instance_id or ""


def encode_cursor(key: SortKey) -> str:
    """The page token that continues after `key`."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(token: str) -> SortKey:
    """The sort key a page token continues after; InvalidParamsError if it is not ours."""
    try:
        stamp, instance = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return str(stamp), str(instance)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidParamsError("pageToken", "is not a token this agent issued") from None


async def _with_input(
    client: df.DurableOrchestrationClient, runs: list[DurableOrchestrationStatus]
) -> list[DurableOrchestrationStatus]:
    slots = asyncio.Semaphore(READ_CONCURRENCY)

    async def read(run: DurableOrchestrationStatus) -> DurableOrchestrationStatus:
        async with slots:
            return await client.get_status(run.instance_id or "", show_input=True)

    return list(await asyncio.gather(*(read(r) for r in runs)))


def _after(status: DurableOrchestrationStatus, moment: datetime) -> bool:
    updated = status.last_updated_time
    if updated is None:
        return False
    aware = updated if updated.tzinfo else updated.replace(tzinfo=UTC)
    return aware >= (moment if moment.tzinfo else moment.replace(tzinfo=UTC))


async def list_tasks(client: df.DurableOrchestrationClient, params: ListParams) -> TaskPage:
    """One page of tasks matching `params`."""
    runs = [s for s in await client.get_status_all() if s.name == names.COORDINATOR]
    if params.status_after is not None:
        after = params.status_after
        runs = [s for s in runs if _after(s, after)]
    if params.state is not None:
        runs = [s for s in runs if state_of(s)[0] == params.state]
    have_input = params.context_id is not None
    if params.context_id is not None:
        runs = [
            s
            for s in await _with_input(client, runs)
            if (annotations_of(s).get("contextId") or s.instance_id) == params.context_id
        ]
    runs.sort(key=_key, reverse=True)
    start = 0
    if params.page_token:
        cursor = decode_cursor(params.page_token)
        start = next((i for i, s in enumerate(runs) if _key(s) < cursor), len(runs))
    page = runs[start : start + params.page_size]
    more = start + params.page_size < len(runs)
    tasks = [
        task_of(s, history_length=params.history_length, include_artifacts=params.include_artifacts)
        for s in (page if have_input else await _with_input(client, page))
    ]
    return TaskPage(
        tasks=tasks,
        next_page_token=encode_cursor(_key(page[-1])) if more and page else "",
        page_size=params.page_size,
        total_size=len(runs),
    )
